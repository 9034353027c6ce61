import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { cloneAs } from '../helpers/approvals';
import { commitFile, setup, type Setup } from '../helpers/gateServer';
import type { TempRepo } from '../helpers/tempRepo';
import { prePushHook } from '../helpers/refVerdicts';

/**
 * newuser12 P3 and P8: statements are about commits, so an amended commit is a new change that a reviewer's
 * request for changes (or approval) of the old one does not cover. The rule stays; what was missing is saying so.
 * P3: Cy requested changes, Ana amended and force-pushed, Bo approved the new revision and it landed — Bo was not
 * told about Cy's objection, and `explain` on the landed commit showed only Bo's approval. P8: Cy approved, Ana
 * amended and pushed, and the block message said only "0 of 1 required approval(s)". Real server, real keys, the
 * reviewers' own `countersign reject` / `approve` / `review`, Ada's real pre-push.
 */
describe('statements on an earlier revision of a commit are named (newuser12 P3, P8; real server)', function () {
  this.timeout(240_000);

  let s: Setup;
  let bobs: TempRepo;
  let carols: TempRepo;
  before(() => {
    s = setup();
    bobs = cloneAs(s.server.dir, 'Bob Reviewer', 'bob@example.com', s.bob.privateKeyFile);
    carols = cloneAs(s.server.dir, 'Carol Ops', 'carol@example.com', s.carol.privateKeyFile);
  });
  after(() => fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true }));

  const ai = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag} ${i}`).join('\n') + '\n';
  const trailer = 'AI-Provenance: v1 ai=25 human=0 untracked=0';

  /** Ada's pre-push hook for a push of `sha` to main, with the ref line git gives it. */
  function prePush(sha: string): { status: number; stderr: string } {
    const remote = s.ada.git('rev-parse', 'origin/main');
    return prePushHook(s.ada, `refs/heads/main ${sha} refs/heads/main ${remote}\n`, s.server.dir);
  }

  /** Ada's one-commit AI branch from origin/main, pushed; then the same commit amended with other content. */
  function branchThenAmend(branch: string, reviewBetween: () => void): { old: string; amended: string } {
    const { ada } = s;
    ada.git('fetch', '-q', 'origin');
    ada.git('checkout', '-q', '-B', branch, 'origin/main');
    const old = commitFile(ada, `${branch}.ts`, ai(25, 'first'), `Add ${branch}\n\n${trailer}`);
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', branch]).status, 0);
    reviewBetween();
    ada.write(`${branch}.ts`, ai(25, 'second'));
    ada.git('add', '.');
    ada.git('commit', '-q', '--amend', '--no-edit');
    const amended = ada.git('rev-parse', 'HEAD');
    assert.notStrictEqual(amended, old);
    assert.strictEqual(ada.gitResult(['push', '-q', '-f', 'origin', branch]).status, 0);
    return { old, amended };
  }

  it("P3: review shows Carol's request for changes on the earlier revision; explain on the landed commit too", () => {
    const { old, amended } = branchThenAmend('feat-n', () => {
      carols.git('fetch', '-q', 'origin');
      const r = carols.cli(['reject', 'origin/feat-n', '--comment', 'use a constant name']);
      assert.strictEqual(r.status, 0, r.stderr);
      bobs.git('fetch', '-q', 'origin'); // Bob had seen the branch before the force-push
    });

    const review = bobs.cli(['review', '--json']);
    assert.strictEqual(review.status, 0, review.stderr);
    const branches = (
      JSON.parse(review.stdout) as {
        branches: Array<{ branch: string; commits: Array<{ sha: string; reasons: string[] }> }>;
      }
    ).branches;
    const card = branches.find((b) => b.branch === 'feat-n')?.commits.find((c) => c.sha === amended);
    assert.ok(card, review.stdout);
    const said = new RegExp(
      `Carol Ops <carol@example\\.com> requested changes on an earlier revision of this commit \\(${old.slice(0, 12)}, at [^)]*\\): "use a constant name" — the request is about that revision and does not hold this one; ask Carol Ops to look at this revision`,
    );
    assert.ok(
      card.reasons.some((r) => said.test(r)),
      card.reasons.join('\n'),
    );
    assert.match(bobs.cli(['review', '--no-fetch']).stdout, said);

    // The rule is unchanged: Bob's approval of the new revision counts, and it lands.
    assert.strictEqual(bobs.cli(['approve', 'origin/feat-n', '-q']).status, 0);
    s.ada.git('fetch', '-q', 'origin');
    const push = s.ada.gitResult(['push', 'origin', `${amended}:main`]);
    assert.strictEqual(push.status, 0, push.stderr);

    // An incident reviewer's explain (Ada's clone has the earlier revision) names Carol's objection.
    s.ada.git('fetch', '-q', 'origin', '+refs/notes/countersign:refs/notes/countersign');
    const text = s.ada.cli(['explain', amended]);
    assert.strictEqual(text.status, 0, text.stderr);
    assert.match(text.stdout, said);
    const json = JSON.parse(s.ada.cli(['explain', amended, '--json']).stdout) as {
      approvals: { earlierRevisions?: Array<{ decision: string; earlier: string; reviewer: { email: string } }> };
    };
    assert.deepStrictEqual(
      (json.approvals.earlierRevisions ?? []).map((e) => [e.decision, e.earlier, e.reviewer.email]),
      [['reject', old, 'carol@example.com']],
    );
  });

  it("P8: the block message after an amend names Carol's approval of the earlier revision", () => {
    const { old, amended } = branchThenAmend('feat-p', () => {
      carols.git('fetch', '-q', 'origin');
      assert.strictEqual(carols.cli(['approve', 'origin/feat-p', '-q']).status, 0);
    });
    s.ada.git('fetch', '-q', 'origin');
    const push = prePush(amended);
    assert.notStrictEqual(push.status, 0, 'the amended commit is a new change: it needs a new approval');
    const said = new RegExp(
      `Carol Ops <carol@example\\.com> approved an earlier revision of this commit \\(${old.slice(0, 12)}, at [^)]*\\) — its change differs from this one, so that approval does not count here; ask Carol Ops for a new review`,
    );
    assert.match(push.stderr, said);
    const verify = s.ada.cli(['verify', '--branch', 'main', '--head', amended]);
    assert.strictEqual(verify.status, 1, verify.stdout + verify.stderr);
    assert.match(verify.stdout, said);
  });

  it('newuser14 S7: a reviewer who rebases what she approved is told the two-person rule, not that the change differs', () => {
    const { ada } = s;
    ada.git('fetch', '-q', 'origin');
    ada.git('checkout', '-q', '-B', 'feat-s', 'origin/main');
    commitFile(ada, 'feat-s.ts', ai(25, 's'), `Add s\n\n${trailer}`);
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'feat-s']).status, 0);
    carols.git('fetch', '-q', 'origin');
    assert.strictEqual(carols.cli(['approve', 'origin/feat-s', '-q']).status, 0);
    // main moves on; Carol rebases the approved branch herself (a clean rebase: the same change).
    ada.git('checkout', '-q', '-B', 'main', 'origin/main');
    commitFile(ada, 'NOTES.md', 'notes\n', 'notes\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0);
    carols.git('fetch', '-q', 'origin');
    carols.git('checkout', '-q', '-b', 'f-s', 'origin/feat-s');
    const asCarol = { ...carols.env, GIT_COMMITTER_NAME: 'Carol Ops', GIT_COMMITTER_EMAIL: 'carol@example.com' };
    execFileSync('git', ['rebase', '-q', 'origin/main'], { cwd: carols.dir, env: asCarol, stdio: 'pipe' });
    const v = carols.cli(['verify', '--base', 'origin/main', '--head', 'f-s', '--branch', 'main']);
    assert.strictEqual(v.status, 1, v.stdout + v.stderr);
    assert.match(
      v.stdout,
      /approval by Carol Ops <carol@example\.com> \(sre\) does not count: they committed this commit \(two-person rule\) — ask another reviewer who may approve it, or have its author rebase it/,
    );
    assert.doesNotMatch(v.stdout, /earlier revision|its change differs/);
  });

  it('a commit with another subject or author date is no earlier revision of it', () => {
    // Same author, same content change, written again: not the commit Carol approved.
    const { ada } = s;
    ada.git('checkout', '-q', '-B', 'feat-q', 'origin/main');
    commitFile(ada, 'feat-q.ts', ai(25, 'q'), `Add q\n\n${trailer}`);
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'feat-q']).status, 0);
    carols.git('fetch', '-q', 'origin');
    assert.strictEqual(carols.cli(['approve', 'origin/feat-q', '-q']).status, 0);
    ada.write('feat-q.ts', ai(25, 'q2'));
    ada.git('add', '.');
    ada.git('commit', '-q', '--amend', '-m', `Add q, renamed\n\n${trailer}`);
    const push = prePush(ada.git('rev-parse', 'HEAD'));
    assert.notStrictEqual(push.status, 0);
    assert.doesNotMatch(push.stderr, /earlier revision/);
  });
});
