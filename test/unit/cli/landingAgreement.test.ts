import * as assert from 'assert';
import { cloneAs } from '../helpers/approvals';
import { commitFile, setup } from '../helpers/gateServer';

type Json = Record<string, unknown>;
const HUMAN = 'AI-Provenance: v1 ai=0 human=1 untracked=0';
const AI = 'Assisted-by: Claude:claude-sonnet-4-5 claude-code\nAI-Provenance: v1 ai=1 human=0 untracked=0';

/**
 * One rule for "which protected branch does this change land on" (src/app/landingBranch.ts): a branch cut from
 * release/1 (protected by the policy) with an AI commit is judged against release/1 by verify (no --branch, no
 * upstream), explain and review alike. verify and explain used to judge it against the default branch, so their
 * range also held release/1's own commits, while review (newuser22 F-review-release) named release/1.
 */
describe('verify, explain and review agree where a change lands', function () {
  this.timeout(240_000);

  it('a hotfix cut from release/1 is judged against release/1 by all three', () => {
    const { server, ada, bob } = setup(); // main and release/* protected
    ada.git('push', '-q', 'origin', 'main:release/1');
    // release/1 and main each gain a commit of their own (human, one line: no review needed).
    ada.git('checkout', '-q', '-b', 'rel', 'origin/release/1');
    const relTip = commitFile(ada, 'RELEASE.txt', 'rel\n', `release note\n\n${HUMAN}`);
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'HEAD:release/1']).status, 0);
    ada.git('checkout', '-q', 'main');
    commitFile(ada, 'main.txt', 'main\n', `main work\n\n${HUMAN}`);
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0);
    ada.git('fetch', '-q', 'origin');
    // The hotfix: no upstream (--no-track), one AI commit on release/1.
    ada.git('checkout', '-q', '--no-track', '-b', 'hotfix', 'origin/release/1');
    const sha = commitFile(ada, 'src/hf.py', 'hf = 1\n', `hotfix\n\n${AI}`);

    const judged = () => {
      const v = ada.cli(['verify', '--json']);
      const verify = JSON.parse(v.stdout) as Json;
      const e = ada.cli(['explain', 'HEAD', '--json']);
      assert.strictEqual(e.status, 0, e.stderr);
      const gate = (JSON.parse(e.stdout) as Json).gate as Json;
      return { verify, gate };
    };
    // Not pushed yet, then pushed without an upstream (the same name on the remote, unprotected).
    for (const pushed of [false, true]) {
      if (pushed) assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'hotfix']).status, 0);
      const { verify, gate } = judged();
      assert.strictEqual(verify.branch, 'release/1', JSON.stringify(verify));
      assert.deepStrictEqual(
        (verify.commits as Json[]).map((c) => c.sha),
        [sha],
        'only the hotfix is judged, not main..release/1',
      );
      assert.strictEqual(verify.ok, false);
      assert.strictEqual(gate.branch, 'release/1', JSON.stringify(gate));
      assert.strictEqual(gate.protected, true);
      assert.match(String(gate.range), new RegExp(`^origin/release/1\\.\\.${sha.slice(0, 7)}`));
    }

    const bobs = cloneAs(server.dir, 'Bob Reviewer', 'bob@example.com', bob.privateKeyFile);
    const review = JSON.parse(bobs.cli(['review', '--json']).stdout) as Json;
    const branch = (review.branches as Array<{ branch: string; target: string }>).find((b) => b.branch === 'hotfix');
    assert.strictEqual(branch?.target, 'release/1', JSON.stringify(review));
    // approve's default --base is where the change leaves release/1: it covers the hotfix alone.
    const approve = bobs.cli(['approve', 'origin/hotfix', '--no-push']);
    assert.strictEqual(approve.status, 0, approve.stderr);
    assert.ok(approve.stdout.includes(`from ${relTip.slice(0, 7)}`), approve.stdout);
    assert.match(approve.stdout, /merge-base with origin\/release\/1\)/);
    assert.match(approve.stdout, /covers 1 commit:/);
  });
});
