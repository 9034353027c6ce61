import * as assert from 'assert';
import { buildGitAiHistory } from '../helpers/gitAiHistory';
import { TempRepo } from '../helpers/tempRepo';
import { streamHistory, type HistoryCommit } from '../../../src/git/historyStream';
import { streamHistoryWindows, windowCount } from '../../../src/git/historyWindows';

/**
 * A long range read by several `git log` processes at once (one window of the walk each) must be exactly the
 * one-process log: every commit once, in the same order when the windows are joined, with the same stats.
 */
describe('history read in windows by concurrent git log processes', function () {
  this.timeout(120_000);
  let repo: TempRepo;
  let count: number;
  let whole: HistoryCommit[];
  before(async () => {
    repo = TempRepo.create();
    // Merges and a side branch: git log's walk order is not the order commits were made in.
    buildGitAiHistory(repo.dir, { commits: 130, transcriptBytes: 10, seed: 3 });
    count = Number(repo.git('rev-list', '--count', 'main'));
    whole = [];
    await streamHistory(repo.dir, { revs: ['main'], numstat: true }, (c) => whole.push(c));
  });

  for (const windows of [2, 3, 7]) {
    it(`${windows} windows join into the one-process log`, async () => {
      const parts: HistoryCommit[][] = [];
      await streamHistoryWindows(
        repo.dir,
        { revs: ['main'], numstat: true },
        count,
        (c, w) => (parts[w] ??= []).push(c),
        windows,
      );
      assert.strictEqual(parts.length, windows);
      assert.deepStrictEqual(parts.flat(), whole);
    });
  }

  it('one window below a thousand commits a window, at most one per core', () => {
    assert.strictEqual(windowCount(999), 1);
    assert.strictEqual(windowCount(0), 1);
    assert.ok(windowCount(100_000) >= 1 && windowCount(100_000) <= 4);
  });
});
