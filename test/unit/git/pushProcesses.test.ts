import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { recordDecision } from '../helpers/approvals';
import { commitFile, setup } from '../helpers/gateServer';
import { GitProcessLog } from '../helpers/gitProcessLog';

/**
 * A small `git push` through the client's pre-push hook (newuser16 F16: 3–3.8 s and 46 git processes at load 5–6):
 * one commit, one file, to a protected branch with its approval, and to an unprotected branch. Counted by a git
 * shim on the client side only (the server's own hook is not the client's cost), so load cannot move the figure.
 */
describe('git push through the pre-push hook: git processes on the client', function () {
  this.timeout(180_000);

  function pushCount(s: ReturnType<typeof setup>, log: GitProcessLog, args: string[]) {
    log.reset();
    const t = process.hrtime.bigint();
    const r = spawnSync('git', ['push', ...args], {
      cwd: s.ada.dir,
      env: { ...s.ada.env, ...log.env },
      encoding: 'utf8',
    });
    const seconds = Number(process.hrtime.bigint() - t) / 1e9;
    assert.strictEqual(r.status, 0, r.stderr);
    return { n: log.starts().length, summary: log.summary(), starts: log.starts(), seconds };
  }

  it('pushes an approved commit to a protected branch, and a commit to an unprotected one, with few git processes', () => {
    const s = setup();
    const { ada, bob, server } = s;
    const log = new GitProcessLog({ onlyIn: ada.dir });
    try {
      assert.strictEqual(ada.cli(['install']).status, 0);
      const base = ada.git('rev-parse', 'origin/main');
      const tip = commitFile(
        ada,
        'app.ts',
        'export const a = 1;\n',
        'app\n\nAI-Provenance: v1 ai=1 human=0 untracked=0',
      );
      // Bob's approval is on the server, not here: the hook must fetch it (and merges it itself, no second Node).
      recordDecision(ada, bob, { email: 'bob@example.com', tip, base });
      ada.git('push', '-q', '--no-verify', 'origin', 'refs/notes/countersign');
      ada.git('update-ref', '-d', 'refs/notes/countersign');
      ada.git('update-ref', '-d', 'refs/countersign/remotes/origin/countersign');
      const protectedPush = pushCount(s, log, ['origin', 'main']);
      assert.strictEqual(server.git('rev-parse', 'main'), tip);
      ada.git('checkout', '-q', '-b', 'feature');
      commitFile(ada, 'b.ts', 'export const b = 1;\n', 'b\n\nAI-Provenance: v1 ai=1 human=0 untracked=0');
      const unprotectedPush = pushCount(s, log, ['origin', 'feature']);
      console.log(
        `      protected push: ${protectedPush.n} git processes (${protectedPush.summary}), ${protectedPush.seconds.toFixed(2)} s\n` +
          `      unprotected push: ${unprotectedPush.n} git processes (${unprotectedPush.summary}), ${unprotectedPush.seconds.toFixed(2)} s`,
      );
      if (process.env.COUNTERSIGN_PUSH_STARTS)
        fs.writeFileSync(
          process.env.COUNTERSIGN_PUSH_STARTS,
          JSON.stringify({ protectedPush: protectedPush.starts, unprotectedPush: unprotectedPush.starts }, null, 1),
        );
      assert.ok(
        protectedPush.starts.some((a) => a.startsWith('fetch ')),
        protectedPush.starts.join('\n'),
      );
      assert.ok(
        !protectedPush.starts.some((a) =>
          a.startsWith('for-each-ref --format=%(refname) %(objectname) refs/countersign/remotes/'),
        ),
        'the reference-transaction hook did not start Node to merge what the hook merges itself',
      );
      // Before perf17 (newuser16 F16): 41 and 18 here, the Node start of the reference-transaction hook included;
      // 27 and 9 after. The protected push's listings are taken three times: the fetch and the notes merge each
      // move refs, which empties the snapshot (gitRunner.changesSnapshot). procs18: 22 (the config listing and the
      // repository's facts outlive the fetch and the merge: batchedReads.listingsKeptAfter; no maintenance run in tests).
      // Session 20: 24, the changed-paths count (attack26 04) adding a listing log and a diff-tree. Session 24: 27,
      // review.untracked across pushes (attack29 F7): the hooks stamp this commit untracked=1, so its untracked lines
      // are counted with the branch's unreviewed commits before it — the approved tips read (cat-file), the walk for
      // the last approved commit (log) and the trailers of the commits since (log). Then 28: attack30 F1, one
      // `cat-file --batch-check` per push for the sizes of the files of commits with untracked lines (git/untrackedEvidence.ts).
      assert.ok(protectedPush.n <= 28, `protected push: ${protectedPush.n} git processes: ${protectedPush.summary}`);
      assert.ok(
        unprotectedPush.n <= 10,
        `unprotected push: ${unprotectedPush.n} git processes: ${unprotectedPush.summary}`,
      );
      // An unprotected push needs no approvals: none fetched.
      assert.ok(!unprotectedPush.starts.some((a) => a.startsWith('fetch ')), unprotectedPush.starts.join('\n'));
    } finally {
      log.remove();
      fs.rmSync(path.dirname(server.dir), { recursive: true, force: true });
    }
  });
});
