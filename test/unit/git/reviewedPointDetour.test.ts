import * as assert from 'assert';
import { verifyThenPush } from '../helpers/gateAgreement';
import type { Setup } from '../helpers/gateServer';
import { approveAndPushNotes, humanTrailer, mainWithData, shrinkData } from '../helpers/reviewedPointFixture';

/**
 * A first-parent detour must not hide main's reviewed point (outside tester, session 10, K4): the point was the
 * newest approved commit on main's first-parent chain, and one honest 2-commit push — an empty root commit X, then
 * a merge of X and main with main's tree (first parent X) — took every approved commit off that chain. From then on
 * every push deleting one line was judged with all of main's history since its root (the mass-deletion tier),
 * repeatable after each reset. The point is now found through all parents (src/git/reviewedPoint.ts), and H3 (a
 * split deletion) is still caught through the same detour. Every push goes through verify first (verifyThenPush),
 * so CI and the server agree.
 */
describe('server gate: a first-parent detour does not hide the reviewed point (real pushes)', function () {
  this.timeout(240_000);

  /** main with data.txt (1,200 lines), then a 600-line clean-up approved by Bob and Carol (the tier): the point. */
  function reviewedMain(): Setup {
    const s = mainWithData();
    shrinkData(s.ada, 600, 'remove the legacy half');
    approveAndPushNotes(s, s.ada.git('rev-parse', 'HEAD'), s.ada.git('rev-parse', 'HEAD~1'), ['bob', 'carol']);
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0, 'the approved clean-up');
    return s;
  }

  /** X = an empty root commit, M = merge(X, main) with main's tree: nothing written, deleted or restored. */
  function detour(s: Setup): void {
    const empty = s.ada.git('hash-object', '-t', 'tree', '/dev/null');
    const x = s.ada.git('commit-tree', empty, '-m', `start\n\n${humanTrailer(0)}`);
    const m = s.ada.git('commit-tree', 'HEAD^{tree}', '-p', x, '-p', 'HEAD', '-m', `Merge main\n\n${humanTrailer(0)}`);
    s.ada.git('reset', '-q', '--hard', m);
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0, 'the detour needs no review');
  }

  it('after a detour merge a one-line deletion is still an ordinary push', () => {
    const s = reviewedMain();
    detour(s);
    shrinkData(s.ada, 599, 'drop one obsolete line');
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.strictEqual(r.status, 0, `a one-line deletion was held as a mass deletion:\n${r.stderr}`);
    assert.strictEqual(s.server.git('rev-parse', 'main'), s.ada.git('rev-parse', 'HEAD'));
  });

  it('a detour between two slices of a split deletion hides neither slice (H3)', () => {
    const s = reviewedMain();
    shrinkData(s.ada, 300, 'trim data (1/2)');
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0, 'a 300-line deletion alone');
    detour(s);
    shrinkData(s.ada, 0, 'trim data (2/2)');
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'the second 300 lines landed: 600 deleted across two pushes, unreviewed');
    assert.match(r.stderr, /tier 'mass-deletion': this push and the \d+ unreviewed commit\(s\) on main since/);
    assert.match(r.stderr, /delete 600 lines/);
  });
});
