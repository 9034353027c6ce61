import * as assert from 'assert';
import { verifyThenPush } from '../helpers/gateAgreement';
import { setup, type Setup } from '../helpers/gateServer';
import { approveAndPushNotes, dataRows, humanTrailer, shrinkData } from '../helpers/reviewedPointFixture';

/**
 * The reviewed point's walk is bounded by what it diffs, not only by how many commits it holds (outside tester,
 * session 10, K1): honest commits appending one line to a file of 1 MiB lines cost ~60 ms each to diff, and every
 * later push deleting a line re-diffed all of them, until the hook's 120 s timeout refused every such push. The
 * bytes the walk would read are now measured first without diffing (src/git/diffBytes.ts); past the budget the
 * count is unknown and the push fails closed at once, with a reason naming the fix (approve the branch's tip).
 * The budget is lowered here (COUNTERSIGN_SINCE_REVIEWED_BYTES, for the server and verify alike) so that a few
 * MiB stand for the default GiB. Every push goes through verify first (verifyThenPush), so CI and the server agree.
 */
describe('server gate: heavy commits since the reviewed point bound the walk by bytes (real pushes)', function () {
  this.timeout(240_000);

  const LONG = (i: number) => `${String(i)}${'x'.repeat(256 * 1024)}\n`;
  const budget = process.env.COUNTERSIGN_SINCE_REVIEWED_BYTES;
  before(() => (process.env.COUNTERSIGN_SINCE_REVIEWED_BYTES = String(8 * 1024 ** 2)));
  after(() => {
    if (budget === undefined) delete process.env.COUNTERSIGN_SINCE_REVIEWED_BYTES;
    else process.env.COUNTERSIGN_SINCE_REVIEWED_BYTES = budget;
  });

  /** main: data.txt approved by Bob and Carol, then big.txt (4 lines of 256 KiB), `fillers` commits appending to it, a README. */
  function heavyMain(fillers: number): Setup {
    const s = setup();
    s.ada.write('data.txt', dataRows(1200));
    s.ada.git('add', 'data.txt');
    s.ada.commit('add data', '-m', humanTrailer(1200));
    approveAndPushNotes(s, s.ada.git('rev-parse', 'HEAD'), s.ada.git('rev-parse', 'HEAD~1'));
    let big = [0, 1, 2, 3].map(LONG).join('');
    s.ada.write('big.txt', big);
    s.ada.git('add', 'big.txt');
    s.ada.commit('add big', '-m', humanTrailer(4));
    for (let i = 0; i < fillers; i++) {
      big += LONG(4 + i);
      s.ada.write('big.txt', big);
      s.ada.git('add', 'big.txt');
      s.ada.commit(`append ${i}`, '-m', humanTrailer(1));
    }
    // A light commit on top, so the approval of the tip below has a small diff for the tests' patch-id helper.
    s.ada.write('README.md', 'notes\n');
    s.ada.git('add', 'README.md');
    s.ada.commit('readme', '-m', humanTrailer(1));
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0, 'the fillers need no review');
    shrinkData(s.ada, 1199, 'drop one obsolete line');
    return s;
  }

  it('a one-line deletion behind fillers within the budget is an ordinary push', () => {
    const s = heavyMain(2);
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.strictEqual(r.status, 0, `a one-line deletion was held:\n${r.stderr}`);
  });

  it('past the budget it fails closed at once, naming the fix; approving the tip lets it land', () => {
    const s = heavyMain(8);
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'the walk diffed past its budget');
    assert.match(
      r.stderr,
      /tier 'mass-deletion': the unreviewed commits on main since \w+, its last approved commit, change \d+ MiB of file versions to compare/,
    );
    assert.match(r.stderr, /until reviewers approve main's tip as the deletion tier asks/);
    approveAndPushNotes(s, s.ada.git('rev-parse', 'HEAD~1'), s.ada.git('rev-parse', 'HEAD~2'));
    const again = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.strictEqual(again.status, 0, `after the tip's approval:\n${again.stderr}`);
  });
});
