import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { cloneAs } from '../helpers/approvals';
import { commitFile, setup } from '../helpers/gateServer';
import { makeKey, tempDir } from '../helpers/sshKeys';

/**
 * newuser14 S3: when the server refused the notes push, `approve` said only "[remote rejected] (pre-receive hook
 * declined)", not the server's reason, and after `approve --force` with a key the policy does not list, every
 * later valid approval failed to push too (the refused line stays in the local ref). approve now relays the
 * server's reason and says how to take the refused line out of the local notes. Real server.
 */
describe('approve when the server refuses the notes push (newuser14 S3)', function () {
  this.timeout(120_000);

  it("relays the server's reason, the retry command, and how to remove a statement the server refuses", () => {
    const s = setup();
    const keys = tempDir('cs-refused-keys-');
    try {
      s.ada.git('checkout', '-q', '-b', 'feature');
      const tip = commitFile(s.ada, 'f.md', 'f\n', 'f\n\nAI-Provenance: v1 ai=1 human=0 untracked=0');
      assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'feature']).status, 0);
      const bobs = cloneAs(s.server.dir, 'Bob Reviewer', 'bob@example.com', s.bob.privateKeyFile);
      const other = makeKey(keys, 'other', ['-t', 'ed25519']);

      const forced = bobs.cli(['approve', 'origin/feature', '--key', other.privateFile, '--force']);
      assert.strictEqual(forced.status, 1, forced.stdout + forced.stderr);
      assert.match(forced.stderr, /REFUSED/, "the server's own explanation");
      assert.match(forced.stderr, new RegExp(`git notes --ref=countersign edit ${tip}`));

      const real = bobs.cli(['approve', 'origin/feature']);
      assert.strictEqual(real.status, 1, real.stdout + real.stderr);
      assert.match(real.stderr, /REFUSED/);
      assert.match(real.stderr, new RegExp(`git notes --ref=countersign edit ${tip}`));
      assert.match(real.stderr, /git push origin refs\/notes\/countersign/);
    } finally {
      fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true });
      fs.rmSync(keys, { recursive: true, force: true });
    }
  });
});
