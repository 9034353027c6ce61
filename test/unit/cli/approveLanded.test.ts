import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { cloneAs } from '../helpers/approvals';
import { withoutGate } from '../helpers/gateAgreement';
import { commitFile, setup } from '../helpers/gateServer';

/**
 * newuser13 R26: `countersign approve origin/master` (a slip for a feature branch) in a clone whose local master
 * was stale took the merge-base with that local branch as the base and signed, and pushed, an approval of every
 * commit landed since: the notes ref is append-only, and `report` counted them as reviewed. approve now refuses a
 * REV already on the remote's default branch unless --base says which landed state is meant. Real server.
 */
describe('approve of a commit already on the default branch (newuser13 R26)', function () {
  this.timeout(120_000);

  it('refuses without --base (nothing signed or pushed); with --base it approves that state deliberately', () => {
    const s = setup();
    try {
      const bobs = cloneAs(s.server.dir, 'Bob Reviewer', 'bob@example.com', s.bob.privateKeyFile);
      const stale = bobs.git('rev-parse', 'main');
      const HUMAN = 'AI-Provenance: v1 ai=0 human=1 untracked=0';
      s.ada.git('checkout', '-q', 'main');
      commitFile(s.ada, 'one.md', 'one\n', `one\n\n${HUMAN}`);
      const two = commitFile(s.ada, 'two.md', 'two\n', `two\n\n${HUMAN}`);
      withoutGate(s.server, () => assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'main']).status, 0));
      bobs.git('fetch', '-q', 'origin');
      assert.strictEqual(bobs.git('rev-parse', 'main'), stale, "Bob's local main is stale");

      const r = bobs.cli(['approve', 'origin/main']);
      assert.strictEqual(r.status, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /is already on origin\/main: its commits have landed/);
      assert.strictEqual(bobs.gitResult(['notes', '--ref=refs/notes/countersign', 'list']).stdout.trim(), '');
      assert.strictEqual(s.server.gitResult(['rev-parse', '-q', '--verify', 'refs/notes/countersign']).status, 1);

      const deliberate = bobs.cli(['approve', 'origin/main', '--base', `${two}~1`, '-q']);
      assert.strictEqual(deliberate.status, 0, deliberate.stderr);
    } finally {
      fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true });
    }
  });
});
