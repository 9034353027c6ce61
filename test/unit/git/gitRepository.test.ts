import * as assert from 'assert';
import * as fs from 'fs';
import { GitRepository } from '../../../src/git/gitRepository';
import { TempRepo } from '../helpers/tempRepo';

/** The extension's named git queries (src/git/gitRepository.ts), against a real repository. */
describe('GitRepository: the queries the extension asks git', () => {
  let repo: TempRepo;
  let server: TempRepo;
  let first: string;
  let second: string;
  before(() => {
    server = TempRepo.create({ bare: true });
    repo = TempRepo.create();
    repo.write('a.txt', 'one\n');
    repo.git('add', '.');
    repo.git('commit', '-qm', 'root');
    first = repo.git('rev-parse', 'HEAD');
    // A name that is a glob as a pathspec: the diff must read it literally, not match a.txt too.
    repo.write('*.txt', 'x\ny\n');
    repo.write('a.txt', 'one\ntwo\n');
    repo.git('add', '.');
    repo.git('commit', '-qm', 'second');
    second = repo.git('rev-parse', 'HEAD');
    repo.git('remote', 'add', 'origin', server.dir);
    repo.git('push', '-q', 'origin', 'main:feature');
    repo.git('fetch', '-q', 'origin');
  });
  after(() => {
    for (const r of [repo, server]) fs.rmSync(r.dir, { recursive: true, force: true });
  });

  it('reads files at revisions, parents and what a commit changed', async () => {
    const git = new GitRepository(repo.dir);
    assert.strictEqual(await git.fileAt(first, 'a.txt'), 'one\n');
    assert.strictEqual(await git.fileAt(first, '*.txt'), undefined);
    assert.strictEqual(await git.hasFileAt(second, '*.txt'), true);
    assert.strictEqual(await git.firstParent(first), undefined);
    assert.strictEqual(await git.firstParent(second), first);
    assert.deepStrictEqual(
      (await git.filesChangedBy(second)).sort((a, b) => a.path.localeCompare(b.path)),
      [
        { path: '*.txt', status: 'A' },
        { path: 'a.txt', status: 'M' },
      ],
    );
    assert.deepStrictEqual(await git.addedLines(first, second, '*.txt'), [1, 2]);
    assert.deepStrictEqual(await git.addedLines(undefined, first, 'a.txt'), [1], 'from the empty tree');
    assert.strictEqual(await GitRepository.topLevelOf(repo.dir), repo.dir);
  });

  it('answers about remotes and sets config', async () => {
    const git = new GitRepository(repo.dir);
    assert.deepStrictEqual(await git.remotes(), ['origin']);
    assert.strictEqual(await git.remoteUrl('origin'), server.dir);
    assert.strictEqual(await git.remoteUrl('nope'), undefined);
    assert.deepStrictEqual(await git.remoteBranchesContaining('origin', second), ['origin/feature']);
    await git.setConfig('user.signingkey', '/tmp/key', 'local');
    assert.strictEqual(repo.git('config', 'user.signingkey'), '/tmp/key');
  });
});
