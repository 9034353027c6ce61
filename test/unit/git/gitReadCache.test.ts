import * as assert from 'assert';
import { changesSnapshot, runGit, withGitReadCache } from '../../../src/git/gitRunner';
import { countSpawns } from '../helpers/spawnCount';
import { TempRepo } from '../helpers/tempRepo';

/**
 * withGitReadCache (the review panel's snapshot): identical read-only questions are answered once within
 * it, writes always run and empty it, and nothing outside it is shared. Shown on a real repository by moving
 * HEAD between two identical questions: moved behind git's back the cached answer is the old one; moved by a
 * git command run inside the snapshot (verify's own fetch of the approvals), the next answer sees the move.
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
      // Moved behind the snapshot's back (another process): the answer asked before keeps its value ...
      repo.git('commit', '-q', '--allow-empty', '--no-verify', '-m', 'two');
      assert.strictEqual(await head(), before);
      // ... and so it does after a command that only reads or only adds objects ...
      await runGit(['hash-object', '--stdin'], { ...opts, input: 'x' });
      assert.strictEqual(await head(), before);
      // ... but a write run inside the snapshot empties it: what is asked after it is asked afresh (before
      // that rule, verify's own fetch brought an approval that a ref listing taken earlier hid).
      const moved = await commitViaRunGit('two and a half');
      assert.notStrictEqual(moved, before);
      assert.strictEqual(moved, repo.git('rev-parse', 'HEAD'));
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

  it('tells the commands that can move refs, HEAD, config or notes from those that cannot', () => {
    const moves = [
      ['fetch', '--quiet', 'origin', '+refs/notes/countersign*:refs/countersign/remotes/origin/countersign*'],
      ['notes', '--ref=refs/notes/countersign', 'merge', '-s', 'cat_sort_uniq', 'x'],
      ['update-ref', 'refs/notes/countersign', 'x', ''],
      ['config', 'user.name', 'Ada'],
      ['config', '--unset', 'user.name'],
      ['symbolic-ref', 'HEAD', 'refs/heads/main'],
      ['symbolic-ref', '--delete', 'refs/remotes/origin/HEAD'],
      ['remote', 'set-head', 'origin', 'main'],
      ['-c', 'core.hooksPath=/dev/null', 'commit', '-m', 'x'],
      ['some-future-subcommand'],
    ];
    const keeps = [
      ['config', '--get-all', 'remote.origin.fetch'],
      ['notes', '--ref=refs/notes/ai', 'show', 'HEAD'],
      ['symbolic-ref', '--quiet', '--short', 'HEAD'],
      ['remote'],
      ['remote', 'get-url', 'origin'],
      ['hash-object', '-w', '--stdin'],
      ['merge-tree', '--write-tree', 'a', 'b'],
      ['-c', 'core.quotePath=false', 'rev-parse', 'HEAD'],
    ];
    for (const args of moves) assert.strictEqual(changesSnapshot(args), true, args.join(' '));
    for (const args of keeps) assert.strictEqual(changesSnapshot(args), false, args.join(' '));
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

  // verify's and pre-push's fetch of the approvals, and update-ref's merge after it, move refs alone: the config
  // listing (and, after a fetch, the repository's facts) stay true; every ref answer is asked afresh.
  it('keeps the config listing across a write of refs alone, not across a config write', async () => {
    // Without an environment of their own: those are the questions the listings answer (batchedReads.ts).
    const own = { cwd: repo.dir };
    const ref = async () =>
      (await runGit(['rev-parse', '--verify', '--quiet', 'refs/heads/moved^{commit}'], { ...own, okCodes: [1] }))
        .stdout;
    const name = async () => (await runGit(['config', '--get', 'user.name'], own)).stdout.trim();
    try {
      await countSpawns((spawned) =>
        withGitReadCache(async () => {
          assert.strictEqual(await ref(), '');
          assert.strictEqual(await name(), 'Ada Author');
          await runGit(['update-ref', 'refs/heads/moved', 'HEAD'], opts);
          spawned.reset();
          assert.strictEqual(await name(), 'Ada Author');
          assert.strictEqual(spawned.count(), 0, 'the config listing was taken again after update-ref');
          assert.strictEqual(await ref(), `${repo.git('rev-parse', 'HEAD')}\n`);
          await runGit(['config', 'user.name', 'Ada Again'], opts);
          assert.strictEqual(await name(), 'Ada Again');
        }),
      );
    } finally {
      repo.git('config', 'user.name', 'Ada Author');
    }
  });
});
