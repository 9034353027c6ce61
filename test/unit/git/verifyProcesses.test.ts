import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { commitFile, setup } from '../helpers/gateServer';
import { GitProcessLog } from '../helpers/gitProcessLog';

/**
 * `verify` for one range started 29 git processes on a 3-commit branch (31-32 at 10,000 commits): the upstream,
 * the current branch, the remote's branches and its HEAD, the default-branch candidates, each a process of its
 * own. Under one snapshot (withGitReadCache + batchedReads.ts) they come from a few listings started at once;
 * verify's own fetch of the approvals empties the snapshot when it finishes, so what is read after it (the
 * approvals) comes from listings taken afresh: one or two processes more, the price of not hiding them. Counted by a git shim, so load
 * cannot make the figure drift.
 */
describe('verify: git processes per run', function () {
  this.timeout(180_000);

  // procs18: 17 and 18 (20 and 21 before; the config listing and the facts outlive the fetch).
  it('verifies a 3-commit branch with at most 18 git processes (29 before), with and without origin/HEAD', () => {
    const { server, ada } = setup();
    const log = new GitProcessLog();
    try {
      ada.git('checkout', '-q', '-b', 'feature');
      for (let i = 1; i <= 3; i++)
        commitFile(ada, `f${i}.txt`, `${i}\n`, `c${i}\n\nAI-Provenance: v1 ai=0 human=1 untracked=0`);
      ada.git('push', '-q', '-u', 'origin', 'feature');
      ada.git('remote', 'set-head', 'origin', 'main');
      const run = () => {
        log.reset();
        const r = ada.cli(['verify', '--base', 'origin/main', '--branch', 'main', '--format', 'json'], {
          env: log.env,
        });
        assert.strictEqual(r.status, 0, r.stderr);
        assert.strictEqual((JSON.parse(r.stdout) as { commits: unknown[] }).commits.length, 3);
        return { n: log.starts().length, summary: log.summary() };
      };
      const withHead = run();
      // A dangling origin/HEAD (its branch not fetched) still names the policy branch: not a guess between two.
      ada.git('symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/gone');
      const dangling = ada.cli(['verify', '--base', 'origin/main', '--branch', 'main'], { env: log.env });
      assert.strictEqual(dangling.status, 2, dangling.stdout + dangling.stderr);
      assert.match(dangling.stdout + dangling.stderr, /origin\/gone is not here/);
      ada.git('remote', 'set-head', 'origin', '-d');
      const withoutHead = run();
      console.log(
        `      git processes per verify: ${withHead.n} (${withHead.summary}); no origin/HEAD ${withoutHead.n}`,
      );
      // 18 before attack26 04's changed-paths count (a listing log and a diff-tree before the gate's own log).
      for (const r of [withHead, withoutHead])
        assert.ok(r.n <= 19, `verify started ${r.n} git processes: ${r.summary}`);
    } finally {
      log.remove();
      fs.rmSync(path.dirname(server.dir), { recursive: true, force: true });
    }
  });
});
