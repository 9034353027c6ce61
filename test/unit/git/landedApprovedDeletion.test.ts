import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { recordDecision } from '../helpers/approvals';
import { verifyThenPush, withoutGate } from '../helpers/gateAgreement';
import { commitFile, setup, type Setup } from '../helpers/gateServer';
import { GitProcessLog } from '../helpers/gitProcessLog';

/**
 * newuser25 N2: a mass deletion two reviewers approved (the tier asks two), landed as the README says — the author
 * rebases it onto main (the approval carried by patch-id) or merges it with --no-ff — was counted again by the next
 * push's deletion tiers: a one-file deletion was then refused as a mass deletion of 7 files. The landed copy of an
 * approved change whose approvals the gate carries is a reviewed point for what they cover (src/git/landedPoints.ts),
 * and a merge does not bill the deletions its reviewed second parent brought (core/rangeBlast.ts).
 */
describe('server gate: an approved mass deletion, landed, is not counted again (real pushes)', function () {
  this.timeout(240_000);

  const HUMAN = (n: number) => `AI-Provenance: v1 ai=0 human=${n} untracked=0`;
  const ENV = Array.from({ length: 6 }, (_, i) => `env/f${i + 1}.cfg`);
  const OTHER = Array.from({ length: 4 }, (_, i) => `other/x${i + 1}.txt`);

  /** main with env/ (6 files), other/ (4), old.txt and a.py, through the gate; then main moves on by one commit. */
  function withFiles(): Setup & { start: string } {
    const s = setup();
    const { ada } = s;
    for (const f of [...ENV, ...OTHER]) ada.write(f, `v=${f}\n`);
    ada.write('old.txt', 'x\n');
    ada.write('a.py', 'a = 1\n');
    ada.git('add', '.');
    ada.commit('files', '-m', HUMAN(13));
    assert.strictEqual(verifyThenPush(ada, 'main', ['origin', 'main']).status, 0);
    return { ...s, start: ada.git('rev-parse', 'HEAD') };
  }

  function pushNotes(s: Setup): void {
    assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
  }

  function remove(s: Setup, paths: string[], message: string): string {
    s.ada.git('rm', '-q', ...paths);
    s.ada.commit(message, '-m', HUMAN(0));
    return s.ada.git('rev-parse', 'HEAD');
  }

  /** feature/rm from `start`: env/ removed, pushed, approved by Bob and Carol against `start`. */
  function approvedRemoval(s: Setup, start: string): string {
    s.ada.git('checkout', '-q', '-b', 'feature/rm', start);
    const tip = remove(s, ENV, 'remove env');
    assert.strictEqual(s.ada.gitResult(['push', '-q', '--no-verify', 'origin', 'feature/rm']).status, 0);
    recordDecision(s.ada, s.bob, { email: 'bob@example.com', tip, base: start });
    recordDecision(s.ada, s.carol, { email: 'carol@example.com', tip, base: start });
    pushNotes(s);
    return tip;
  }

  function moveMain(s: Setup): void {
    s.ada.git('checkout', '-q', 'main');
    commitFile(s.ada, 'NEWS.md', 'news\n', `readme\n\n${HUMAN(1)}`);
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0);
  }

  function oneFileAfter(s: Setup): ReturnType<typeof verifyThenPush> {
    s.ada.git('checkout', '-q', 'main');
    remove(s, ['old.txt'], 'human: remove old.txt');
    return verifyThenPush(s.ada, 'main', ['origin', 'main']);
  }

  /** The one-file deletion pushed with the server's git processes counted (its hook runs git in its folder). */
  function countedOneFileAfter(s: Setup): { status: number; stderr: string; n: number; summary: string } {
    s.ada.git('checkout', '-q', 'main');
    remove(s, ['old.txt'], 'human: remove old.txt');
    assert.strictEqual(s.ada.cli(['verify', '--branch', 'main']).status, 0, 'verify agrees');
    const log = new GitProcessLog({ onlyIn: s.server.dir });
    try {
      const r = spawnSync('git', ['push', '--no-verify', 'origin', 'main'], {
        cwd: s.ada.dir,
        env: { ...s.ada.env, ...log.env },
        encoding: 'utf8',
      });
      return { status: r.status ?? -1, stderr: r.stderr, n: log.starts().length, summary: log.summary() };
    } finally {
      log.remove();
    }
  }

  it('rebased onto main and fast-forwarded: the next one-file deletion is ordinary', () => {
    const s = withFiles();
    moveMain(s);
    approvedRemoval(s, s.start);
    s.ada.git('rebase', '-q', 'main');
    s.ada.git('checkout', '-q', 'main');
    s.ada.git('merge', '-q', '--ff-only', 'feature/rm');
    const landed = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.strictEqual(landed.status, 0, `the approval carries to the rebased copy: ${landed.stderr}`);
    const r = countedOneFileAfter(s);
    assert.strictEqual(r.status, 0, `the approved deletion was counted again: ${r.stderr}`);
    // Measured 48 (session 25): the walk, one judgement of the copy's span (a gate input, ~20), landedCopy's look
    // (diff-tree, two rev-lists, a size check, patch-id) for the one approval meeting the tier, the window again.
    assert.ok(r.n <= 50, `server: ${r.n} git processes: ${r.summary}`);
  });

  it('merged with --no-ff: the next one-file deletion is ordinary', () => {
    const s = withFiles();
    moveMain(s);
    approvedRemoval(s, s.start);
    s.ada.git('checkout', '-q', 'main');
    s.ada.git('merge', '-q', '--no-ff', 'feature/rm', '-m', 'Merge feature/rm', '-m', HUMAN(0));
    const landed = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.strictEqual(landed.status, 0, `the merge of the approved branch: ${landed.stderr}`);
    const r = countedOneFileAfter(s);
    assert.strictEqual(r.status, 0, `the approved deletion was counted again: ${r.stderr}`);
    // Measured 36 (session 25): the judgement of the approved tip, and one diff-tree for the merge's reviewed side.
    assert.ok(r.n <= 38, `server: ${r.n} git processes: ${r.summary}`);
  });

  it('a merge that also drops a file main added is billed for that file', () => {
    const s = withFiles();
    moveMain(s);
    approvedRemoval(s, s.start);
    s.ada.git('checkout', '-q', 'main');
    s.ada.git('merge', '-q', '--no-ff', '--no-commit', 'feature/rm');
    s.ada.git('rm', '-q', 'NEWS.md', ...OTHER.slice(0, 3));
    s.ada.commit('Merge feature/rm', '-m', HUMAN(0));
    // Refused through the gate (with the side's six, the push deletes ten: the merge needs the tier's approvals);
    // planted past it, as an administrator's import would.
    assert.notStrictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0, '4 files of its own');
    withoutGate(s.server, () => assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'main']).status, 0));
    const r = oneFileAfter(s);
    assert.notStrictEqual(r.status, 0, "the merge's own 4 deletions were taken as reviewed");
    assert.match(r.stderr, /tier 'mass-deletion'.* delete 5 files/s);
  });

  it('a landed copy holding more than was approved is no reviewed point', () => {
    const s = withFiles();
    // Bob and Carol approve a one-line change of a.py against main.
    s.ada.git('checkout', '-q', '-b', 'feature/a');
    const tip = commitFile(s.ada, 'a.py', 'a = 2\n', `a two\n\n${HUMAN(1)}`);
    assert.strictEqual(s.ada.gitResult(['push', '-q', '--no-verify', 'origin', 'feature/a']).status, 0);
    recordDecision(s.ada, s.bob, { email: 'bob@example.com', tip, base: s.start });
    recordDecision(s.ada, s.carol, { email: 'carol@example.com', tip, base: s.start });
    pushNotes(s);
    moveMain(s);
    // The pusher lands a copy of it that also deletes four files (below the tier alone): its change to a.py is the
    // approved one, its whole change is not.
    s.ada.git('checkout', '-q', 'main');
    s.ada.write('a.py', 'a = 2\n');
    s.ada.git('rm', '-q', ...OTHER);
    s.ada.git('add', 'a.py');
    s.ada.commit('a two', '-m', HUMAN(1));
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0, 'four deletions alone');
    const r = oneFileAfter(s);
    assert.notStrictEqual(r.status, 0, 'the copy with four more deletions was taken as a reviewed point');
    assert.match(r.stderr, /tier 'mass-deletion'.* delete 5 files/s);
  });

  it('a rebased approved copy does not forgive the unreviewed deletions landed under it since the review', () => {
    const s = withFiles();
    moveMain(s);
    approvedRemoval(s, s.start);
    // After the review, four files are deleted on main (below the tier alone); the approved change is rebased on it.
    s.ada.git('checkout', '-q', 'main');
    remove(s, OTHER, 'remove other');
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0, 'four deletions alone');
    s.ada.git('checkout', '-q', 'feature/rm');
    s.ada.git('rebase', '-q', 'main');
    s.ada.git('checkout', '-q', 'main');
    s.ada.git('merge', '-q', '--ff-only', 'feature/rm');
    const landed = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    if (landed.status !== 0) return; // the landing itself met the tier with the four: nothing to forgive
    const r = oneFileAfter(s);
    assert.notStrictEqual(r.status, 0, 'the four unreviewed deletions under the copy were forgiven');
    assert.match(r.stderr, /tier 'mass-deletion'.* delete 5 files/s);
  });
});
