import * as assert from 'assert';
import { changedPathsOver } from '../../../src/git/changedPathCount';
import { TempRepo } from '../helpers/tempRepo';

/**
 * attack26 04: the gate's count of a commit's changed paths (files and folders, against its first parent), read one
 * tree level at a time so a subtree repeated under many names is compared once. Exact at the bound, per commit and
 * over the range.
 */
describe('changedPathsOver: counting changed paths before git lists them (attack26 04)', () => {
  let repo: TempRepo;
  const list = (rev: string) =>
    repo
      .git('log', '--reverse', '--format=%H %T %P', rev, '--')
      .trim()
      .split('\n')
      .map((l) => {
        const [sha, tree, ...parents] = l.split(' ');
        return { sha, tree, parents };
      });
  const mktree = (lines: string[]) => repo.gitResult(['mktree'], lines.join('\n') + '\n').stdout.trim();

  beforeEach(() => {
    repo = TempRepo.create();
    repo.write('README.md', 'hello\n');
    repo.git('add', '.');
    repo.commit('base');
  });

  it('counts a 5 x 5 x 5 bomb as 156 paths (125 files, 30 folders and bomb/ itself) and stops past the limit', async () => {
    const blob = repo.gitResult(['hash-object', '-w', '--stdin'], 'x\n').stdout.trim();
    let tree = mktree([0, 1, 2, 3, 4].map((i) => `100644 blob ${blob}\tf${i}`));
    for (let d = 2; d <= 3; d++) tree = mktree([0, 1, 2, 3, 4].map((i) => `040000 tree ${tree}\td${i}`));
    const root = mktree([...repo.git('ls-tree', 'HEAD').trim().split('\n'), `040000 tree ${tree}\tbomb`]);
    const bomb = repo.git('commit-tree', root, '-p', 'HEAD', '-m', 'bomb').trim();
    const commits = list(`HEAD..${bomb}`);
    assert.deepStrictEqual(await changedPathsOver(repo.dir, commits, undefined, 155), { sha: bomb });
    assert.strictEqual(await changedPathsOver(repo.dir, commits, undefined, 156), undefined);
    // git's own list of files is within the count: the count is never the smaller.
    assert.strictEqual(repo.git('diff-tree', '-r', '--name-only', 'HEAD', bomb).trim().split('\n').length, 125);
  });

  it('counts every commit of a range together, edits and deletions alike, and a root commit against nothing', async () => {
    for (let i = 0; i < 3; i++) {
      for (let f = 0; f < 4; f++) repo.write(`src/m${f}.ts`, `v${i}\n`);
      repo.git('add', '.');
      repo.commit(`edit ${i}`);
    }
    repo.git('rm', '-q', 'README.md');
    repo.commit('remove');
    // Each edit: src/ and its 4 files (the first adds them); the removal: 1. Root: README.md.
    const all = list('HEAD');
    assert.strictEqual(await changedPathsOver(repo.dir, all, undefined, 17), undefined);
    assert.deepStrictEqual(await changedPathsOver(repo.dir, all, undefined, 16), { range: true });
    assert.deepStrictEqual(await changedPathsOver(repo.dir, all.slice(0, 1), undefined, 0), { sha: all[0].sha });
  });
});
