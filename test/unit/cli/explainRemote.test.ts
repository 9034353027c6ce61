import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { setup } from '../helpers/gateServer';

/**
 * newuser14 S12: `explain --remote nosuch` exited 0 saying "the current branch has no upstream", and with
 * `--branch nosuch` its Approvals header named HEAD's policy while the Gate section judged by origin/main.
 */
describe('explain --remote / --branch (newuser14 S12)', function () {
  this.timeout(120_000);

  it('refuses an unknown --remote (exit 2, Did you mean), and judges approvals by the policy branch for a --branch not here', () => {
    const s = setup();
    try {
      const r = s.ada.cli(['explain', 'HEAD', '--remote', 'orign']);
      assert.strictEqual(r.status, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /no remote named 'orign'/);
      assert.match(r.stderr, /Did you mean .*origin/);

      const j = s.ada.cli(['explain', 'HEAD', '--branch', 'nosuch', '--json']);
      assert.strictEqual(j.status, 0, j.stderr);
      const e = JSON.parse(j.stdout) as { approvals: { policy: { from: string } } };
      assert.match(e.approvals.policy.from, /origin\/main/);
      assert.doesNotMatch(e.approvals.policy.from, /HEAD|pass --branch/);
    } finally {
      fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true });
    }
  });
});
