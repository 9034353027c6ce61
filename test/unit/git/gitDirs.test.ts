import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { classifyChange, gitDirsOf, watchPatterns } from '../../../src/git/gitDirs';
import { TempRepo } from '../helpers/tempRepo';

/**
 * The repository registry's watcher (src/extension/repositoryRegistry.ts) finds a working tree's git state
 * from the file system alone, checked here against what `git rev-parse` says for a plain clone, a linked
 * worktree (`.git` is a file) and a submodule.
 */
describe('gitDirs: where a working tree keeps its git state, without running git', () => {
  let main: TempRepo;
  let sub: TempRepo;
  let worktree: string;
  before(() => {
    main = TempRepo.create();
    main.write('a.txt', 'a\n');
    main.git('add', '.');
    main.git('commit', '-qm', 'root');
    worktree = `${main.dir}-wt`;
    main.git('worktree', 'add', '-q', worktree, '-b', 'side');
    sub = TempRepo.create();
    sub.write('s.txt', 's\n');
    sub.git('add', '.');
    sub.git('commit', '-qm', 'sub root');
    main.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub.dir, 'vendor/sub');
  });
  after(() => {
    for (const d of [main.dir, sub.dir, worktree]) fs.rmSync(d, { recursive: true, force: true });
  });

  const revParse = (cwd: string) => {
    const [gitDir, commonDir] = main.git('-C', cwd, 'rev-parse', '--absolute-git-dir', '--git-common-dir').split('\n');
    return { gitDir: path.resolve(gitDir), commonDir: path.resolve(cwd, commonDir) };
  };

  it("a plain repository, a linked worktree and a submodule: the same dirs as git's own answer", () => {
    for (const root of [main.dir, worktree, path.join(main.dir, 'vendor', 'sub')]) {
      const dirs = gitDirsOf(root);
      assert.ok(dirs, root);
      const want = revParse(root);
      assert.deepStrictEqual(
        { gitDir: fs.realpathSync(dirs.gitDir), commonDir: fs.realpathSync(dirs.commonDir) },
        { gitDir: fs.realpathSync(want.gitDir), commonDir: fs.realpathSync(want.commonDir) },
        root,
      );
    }
  });

  it('a folder without .git, or with a .git file that names nothing, has none', () => {
    assert.strictEqual(gitDirsOf(path.join(main.dir, 'vendor')), undefined);
    const odd = fs.mkdtempSync(`${main.dir}-odd`);
    try {
      fs.writeFileSync(path.join(odd, '.git'), 'not a gitdir line\n');
      assert.strictEqual(gitDirsOf(odd), undefined);
    } finally {
      fs.rmSync(odd, { recursive: true, force: true });
    }
  });

  it("one recursive pattern on the common dir covers a worktree's own HEAD; the policy file is its own", () => {
    const dirs = gitDirsOf(worktree);
    assert.ok(dirs);
    const name = path.basename(dirs.gitDir);
    assert.deepStrictEqual(watchPatterns(worktree, dirs), [
      {
        base: dirs.commonDir,
        glob: `{worktrees/${name}/HEAD,worktrees/${name}/FETCH_HEAD,packed-refs,config,refs/**}`,
      },
      { base: worktree, glob: '.countersign.json' },
    ]);
    const plain = gitDirsOf(main.dir);
    assert.ok(plain);
    assert.deepStrictEqual(watchPatterns(main.dir, plain)[0], {
      base: path.join(main.dir, '.git'),
      glob: '{HEAD,FETCH_HEAD,packed-refs,config,refs/**}',
    });
  });

  it('a change is refs, a fetch, config or the policy, by the file that changed', () => {
    const dirs = gitDirsOf(worktree);
    assert.ok(dirs);
    const at = (...p: string[]) => classifyChange(worktree, dirs, path.join(...p));
    assert.strictEqual(at(worktree, '.countersign.json'), 'policy');
    assert.strictEqual(at(dirs.commonDir, 'config'), 'config');
    assert.strictEqual(at(dirs.gitDir, 'FETCH_HEAD'), 'fetch');
    assert.strictEqual(at(dirs.gitDir, 'HEAD'), 'refs');
    assert.strictEqual(at(dirs.commonDir, 'refs', 'notes', 'ai'), 'refs');
    assert.strictEqual(at(dirs.commonDir, 'packed-refs'), 'refs');
  });
});
