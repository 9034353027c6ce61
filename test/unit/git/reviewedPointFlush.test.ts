import * as assert from 'assert';
import { runFastImport } from '../helpers/fastImport';
import { verifyThenPush } from '../helpers/gateAgreement';
import type { Setup } from '../helpers/gateServer';
import { approveAndPushNotes, humanTrailer, mainWithData, shrinkData } from '../helpers/reviewedPointFixture';
import type { TempRepo } from '../helpers/tempRepo';

/**
 * Filler commits must not switch the deletion tiers' "unknown" state on (outside tester, session 10, J2): the
 * reviewed point was looked for among main's last 1,000 first-parent commits, so one push of 1,001 empty,
 * honestly attested commits (they need no review) pushed it out of view, and from then on every push deleting a
 * single line was judged as a mass deletion (2 approvals), repeatable at will. Commits that delete nothing now
 * cost the walk nothing but its bounded time (src/git/reviewedPoint.ts), and they hide no earlier slice of a
 * split deletion either (H3). Every push goes through verify first (verifyThenPush), so CI and the server agree.
 */
describe('server gate: filler commits do not push the reviewed point out of view (real pushes)', function () {
  this.timeout(240_000);

  const FILLERS = 1001;

  /** `n` empty commits on `from`, each honestly attested (what Countersign's own hooks stamp), in one process. */
  function fillers(repo: TempRepo, n: number, from = repo.git('rev-parse', 'HEAD')): string {
    const who = 'Ada Author <ada@example.com> 1700000000 +0000';
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      const msg = `noop ${i}\n\n${humanTrailer(0)}\n`;
      parts.push(
        `commit refs/heads/filler\nauthor ${who}\ncommitter ${who}\ndata ${Buffer.byteLength(msg)}\n${msg}` +
          (i === 0 ? `from ${from}\n` : '') +
          '\n',
      );
    }
    const r = runFastImport(repo, ['--quiet', '--force'], parts.join(''));
    assert.strictEqual(r.status, 0, r.stderr);
    const tip = repo.git('rev-parse', 'refs/heads/filler');
    repo.git('update-ref', '-d', 'refs/heads/filler');
    return tip;
  }

  /** main with data.txt (1,200 lines), its tip approved by Bob and Carol: a reviewed point for the deletion tier. */
  function reviewedMain(): Setup {
    const s = mainWithData();
    approveAndPushNotes(s, s.ada.git('rev-parse', 'HEAD'), s.ada.git('rev-parse', 'HEAD~1'));
    return s;
  }

  it('1,001 empty commits pushed at once leave a one-line deletion an ordinary push', () => {
    const s = reviewedMain();
    s.ada.git('reset', '-q', '--hard', fillers(s.ada, FILLERS));
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0, 'the fillers need no review');
    shrinkData(s.ada, 1199, 'drop one obsolete line');
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.strictEqual(r.status, 0, `a one-line deletion was held as a mass deletion:\n${r.stderr}`);
    assert.strictEqual(s.server.git('rev-parse', 'main'), s.ada.git('rev-parse', 'HEAD'));
  });

  it('nor do 1,001 empty commits merged in from a side branch', () => {
    const s = reviewedMain();
    const side = fillers(s.ada, FILLERS);
    s.ada.git('merge', '-q', '--no-ff', '--no-edit', '-m', `merge fillers\n\n${humanTrailer(0)}`, side);
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0, 'the fillers need no review');
    shrinkData(s.ada, 1199, 'drop one obsolete line');
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.strictEqual(r.status, 0, `a one-line deletion was held as a mass deletion:\n${r.stderr}`);
  });

  it('fillers between two slices of a split deletion hide neither slice (H3)', () => {
    const s = reviewedMain();
    shrinkData(s.ada, 750, 'trim data (1/2)');
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0, 'a 450-line deletion alone');
    s.ada.git('reset', '-q', '--hard', fillers(s.ada, FILLERS));
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0, 'the fillers need no review');
    shrinkData(s.ada, 300, 'trim data (2/2)');
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'the second 450 lines landed: 900 deleted across two pushes, unreviewed');
    assert.match(r.stderr, /tier 'mass-deletion': this push and the 1002 unreviewed commit\(s\) on main since/);
    assert.match(r.stderr, /delete 900 lines/);
  });
});
