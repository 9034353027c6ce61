import * as assert from 'assert';
import { recordDecision } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { setup, type Setup } from '../helpers/gateServer';
import { approveAndPushNotes, dataRows, humanTrailer, shrinkData } from '../helpers/reviewedPointFixture';

/**
 * The reviewed point's walk is bounded by the changed entries it reads as well as the bytes (outside tester,
 * session 11, L5): commits that only flip the executable bit of 100,000 small files add and delete no line
 * (honestly attested, no review), their blobs are a few bytes, and every later push deleting a line re-read
 * them: ~2 s per filler on a loaded server, ~56 of them to reach the hook's 120 s timeout. The walk now counts
 * entries before diffing and fails closed past its budget with the fix named; and it no longer diffs what
 * cannot delete a line (an added file, a mode-only change), so those commits cost neither diff nor bytes.
 * The budgets are lowered here (COUNTERSIGN_SINCE_REVIEWED_ENTRIES and _BYTES, for the server and verify
 * alike). Every push goes through verify first (verifyThenPush), so CI and the server agree.
 */
describe('server gate: mode-flip fillers since the reviewed point bound the walk by entries (real pushes)', function () {
  this.timeout(240_000);

  const FILES = Array.from({ length: 300 }, (_, i) => `vendor/f${i}.txt`);
  const saved = {
    entries: process.env.COUNTERSIGN_SINCE_REVIEWED_ENTRIES,
    bytes: process.env.COUNTERSIGN_SINCE_REVIEWED_BYTES,
  };
  before(() => {
    process.env.COUNTERSIGN_SINCE_REVIEWED_ENTRIES = '2000';
    process.env.COUNTERSIGN_SINCE_REVIEWED_BYTES = String(8 * 1024 ** 2);
  });
  after(() => {
    for (const [k, v] of [
      ['COUNTERSIGN_SINCE_REVIEWED_ENTRIES', saved.entries],
      ['COUNTERSIGN_SINCE_REVIEWED_BYTES', saved.bytes],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  /** main: data.txt and 300 small files, approved by Bob and Carol (as the deletion tier asks); nothing pushed after it yet. */
  function approvedMain(): Setup {
    const s = setup();
    s.ada.write('data.txt', dataRows(1200));
    for (const f of FILES) s.ada.write(f, `${f}\n`);
    s.ada.git('add', '.');
    s.ada.commit('add data and vendored files', '-m', humanTrailer(1500));
    const tip = s.ada.git('rev-parse', 'HEAD');
    for (const r of ['bob', 'carol'] as const)
      recordDecision(s.ada, s[r], { email: `${r}@example.com`, tip, base: s.ada.git('rev-parse', 'HEAD~1') });
    assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'main', 'refs/notes/countersign']).status, 0);
    return s;
  }

  /** `n` commits flipping the executable bit of `paths`: no line added or deleted, nothing to review. */
  function flips(s: Setup, n: number, paths: string[], first: 0 | 1 = 0): void {
    for (let i = first; i < n + first; i++) {
      s.ada.git('update-index', `--chmod=${i % 2 === 0 ? '+x' : '-x'}`, ...paths);
      s.ada.commit(`flip mode ${i}`, '-m', humanTrailer(0));
    }
    s.ada.git('checkout', '-q', '--', '.');
  }

  it('a one-line deletion behind mode flips within the budget is an ordinary push', () => {
    const s = approvedMain();
    flips(s, 2, FILES);
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0, 'the flips need no review');
    shrinkData(s.ada, 1199, 'drop one obsolete line');
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.strictEqual(r.status, 0, `a one-line deletion was held:\n${r.stderr}`);
  });

  it('past the entry budget it fails closed at once, naming the fix; approving the tip lets it land', () => {
    const s = approvedMain();
    flips(s, 8, FILES);
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0, 'the flips need no review');
    shrinkData(s.ada, 1199, 'drop one obsolete line');
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'the walk read past its entry budget');
    assert.match(
      r.stderr,
      /tier 'mass-deletion': the unreviewed commits on main since \w+, its last approved commit, change too many files to compare \(more than 2000 changed paths to read, counted per commit and per reading\)/,
    );
    assert.match(r.stderr, /until reviewers approve main's tip as the deletion tier asks/);
    approveAndPushNotes(s, s.ada.git('rev-parse', 'HEAD~1'), s.ada.git('rev-parse', 'HEAD~2'));
    const again = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.strictEqual(again.status, 0, `after the tip's approval:\n${again.stderr}`);
  });

  it('adding a large file and flipping its mode are not diffed: they cost no bytes of the budget', () => {
    const s = approvedMain();
    // 3 MiB added, then flipped four times: 27 MiB of file versions if each were diffed, against a budget of 8.
    s.ada.write('big.bin', `${'x'.repeat(3 * 1024 ** 2)}\n`);
    s.ada.git('add', 'big.bin');
    s.ada.commit('add a large fixture', '-m', humanTrailer(1));
    flips(s, 4, ['big.bin']);
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0, 'the flips need no review');
    shrinkData(s.ada, 1199, 'drop one obsolete line');
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.strictEqual(r.status, 0, `a one-line deletion was held:\n${r.stderr}`);
  });

  it('a commit that flips modes and deletes lines is still counted with the next slice', () => {
    const s = approvedMain();
    // One commit: 300 lines deleted and every vendored file's mode flipped; then pure flips; then 250 more lines.
    s.ada.write('data.txt', dataRows(900));
    s.ada.git('add', 'data.txt');
    s.ada.git('update-index', '--chmod=+x', ...FILES);
    s.ada.commit('trim data, make vendored files executable', '-m', humanTrailer(0));
    s.ada.git('checkout', '-q', '--', '.');
    flips(s, 2, FILES, 1);
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0, 'a 300-line deletion alone');
    shrinkData(s.ada, 650, 'trim data again');
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'the second slice landed: 550 lines deleted across two pushes, unreviewed');
    assert.match(
      r.stderr,
      /this push and the 3 unreviewed commit\(s\) on main since \w+, its last approved commit, delete 550 lines/,
    );
  });
});
