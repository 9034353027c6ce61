import * as assert from 'assert';
import { runGit, withGitReadCache } from '../../../src/git/gitRunner';
import { TempRepo } from '../helpers/tempRepo';

/**
 * withGitReadCache (the review panel's snapshot): identical read-only questions are answered once within
 * it, writes always run, and nothing outside it is shared. Shown on a real repository by moving HEAD between
 * two identical questions: the cached answer is the old one, the uncached one sees the move.
 */
describe('git read cache', function () {
  this.timeout(30_000);
  const repo = TempRepo.create();
  repo.write('a.txt', 'one\n');
  repo.git('add', 'a.txt');
  const first = repo.commit('one', '--no-verify');
  const opts = { cwd: repo.dir, env: repo.env };
  const head = async () => (await runGit(['rev-parse', 'HEAD'], opts)).stdout.trim();
  const commitViaRunGit = async (msg: string) => {
    await runGit(['commit', '-q', '--allow-empty', '--no-verify', '-m', msg], opts);
    return head();
  };

  it('answers an identical read once inside, never outside', async () => {
    await withGitReadCache(async () => {
      assert.strictEqual(await head(), repo.git('rev-parse', 'HEAD'));
      const before = await head();
      // A write always runs (it is not a read-only subcommand) ...
      await runGit(['commit', '-q', '--allow-empty', '--no-verify', '-m', 'two'], opts);
      assert.notStrictEqual(repo.git('rev-parse', 'HEAD'), before, 'the commit ran');
      // ... and the read asked before it keeps its answer for the rest of the snapshot.
      assert.strictEqual(await head(), before);
      // A different question (other arguments) is asked afresh.
      assert.strictEqual(
        (await runGit(['rev-parse', 'HEAD^{commit}'], opts)).stdout.trim(),
        repo.git('rev-parse', 'HEAD'),
      );
    });
    // Outside, every call runs: the moved HEAD is seen at once.
    const moved = await commitViaRunGit('three');
    assert.strictEqual(moved, repo.git('rev-parse', 'HEAD'));
    assert.notStrictEqual(moved, first);
  });

  it('does not keep failures, and separate snapshots share nothing', async () => {
    await withGitReadCache(async () => {
      await assert.rejects(runGit(['rev-parse', '--verify', 'refs/heads/later'], opts));
      repo.git('branch', 'later');
      assert.strictEqual(
        (await runGit(['rev-parse', '--verify', 'refs/heads/later'], opts)).stdout.trim(),
        repo.git('rev-parse', 'HEAD'),
      );
    });
    const a = await withGitReadCache(head);
    repo.git('commit', '-q', '--allow-empty', '--no-verify', '-m', 'four');
    const b = await withGitReadCache(head);
    assert.notStrictEqual(a, b);
  });

  it('keeps concurrent snapshots apart', async () => {
    const seen = await Promise.all([
      withGitReadCache(head),
      (async () => {
        await withGitReadCache(async () => {
          await head();
          await commitViaRunGit('five');
        });
        return withGitReadCache(head);
      })(),
    ]);
    assert.strictEqual(seen[1], repo.git('rev-parse', 'HEAD'));
  });
});
