import * as assert from 'assert';
import * as fs from 'fs';
import { GitRepository } from '../../../src/git/gitRepository';
import { RepositoryRefs } from '../../../src/extension/repositoryRefs';
import { TempRepo } from '../helpers/tempRepo';

/**
 * A repository's HEAD and notes tip as the line blame keys its cache by (src/extension/repositoryRefs.ts): read
 * once, then trusted until the registry's watcher says a ref moved, or `fresh` asks, or the answer is old.
 * Against a real repository, so "moved" is a real commit git would report.
 */
describe('RepositoryRefs: HEAD and the notes tip, read once until a ref moves', () => {
  let repo: TempRepo;
  const commit = (message: string): string => {
    repo.write('a.txt', `${message}\n`);
    repo.git('add', '.');
    repo.git('commit', '-qm', message);
    return repo.git('rev-parse', 'HEAD');
  };
  beforeEach(() => {
    repo = TempRepo.create();
  });
  afterEach(() => fs.rmSync(repo.dir, { recursive: true, force: true }));

  it('keeps its answer after a commit until the watcher reports the move; then reads HEAD and the note again', async () => {
    const refs = new RepositoryRefs(new GitRepository(repo.dir));
    const first = commit('one');
    assert.deepStrictEqual(await refs.current(), { head: first, notesTip: undefined });
    const second = commit('two');
    assert.strictEqual((await refs.current()).head, first, 'no event yet: the cached answer stands');
    repo.git('notes', '--ref=refs/notes/ai', 'add', '-m', 'note', second);
    refs.moved();
    const now = await refs.current();
    assert.strictEqual(now.head, second);
    assert.strictEqual(now.notesTip, repo.git('rev-parse', 'refs/notes/ai'));
  });

  it('a fresh read sees a commit the watcher has not reported; an old answer is read again', async () => {
    const fresh = new RepositoryRefs(new GitRepository(repo.dir));
    commit('one');
    await fresh.current();
    const second = commit('two');
    assert.strictEqual((await fresh.current(true)).head, second);
    const aged = new RepositoryRefs(new GitRepository(repo.dir), 0);
    await aged.current();
    const third = commit('three');
    assert.strictEqual((await aged.current()).head, third, 'maxAgeMs 0: every answer is too old to trust');
  });

  it("a move reported before anyone asked is nobody's news: `asked` stays false until the first read", async () => {
    const refs = new RepositoryRefs(new GitRepository(repo.dir));
    refs.moved();
    assert.strictEqual(refs.asked, false);
    const head = commit('one');
    const [a, b] = await Promise.all([refs.current(), refs.current()]);
    assert.strictEqual(refs.asked, true);
    assert.strictEqual(a.head, head);
    assert.strictEqual(a, b, 'two asks while one read runs share it');
  });
});
