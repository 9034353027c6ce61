import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../helpers/tempDirs';
import { TempRepo } from '../helpers/tempRepo';

/**
 * attack23 (informational): `.git/countersign/pending` as a symbolic link made every commit's hooks write their
 * pending files (note, tree, parent, trailers, …) where it points, and post-commit `rm -f` files of those names
 * there. Whoever can write `.git` can usually write `.git/hooks` too, but an agent sandbox may allow the one and
 * not the other. Real hooks (`countersign install`), real commits.
 */
describe('commit hooks never write or delete through a symbolic link at .git/countersign/pending', function () {
  this.timeout(120_000);

  const NAMES = ['note', 'note-blob', 'note-file', 'tree', 'parent', 'trailers', 'trailer-args'];

  function linkedRepo(link: 'pending' | 'countersign'): { repo: TempRepo; elsewhere: string } {
    const repo = TempRepo.create();
    repo.write('a.txt', 'a\n');
    repo.git('add', '.');
    repo.commit('first');
    assert.strictEqual(repo.cli(['install']).status, 0);
    const elsewhere = tempDir('cs-elsewhere-');
    for (const n of NAMES) fs.writeFileSync(path.join(elsewhere, n), `precious ${n}\n`);
    const cs = path.join(repo.dir, '.git', 'countersign');
    if (link === 'pending') {
      fs.rmSync(path.join(cs, 'pending'), { recursive: true, force: true });
      fs.symlinkSync(elsewhere, path.join(cs, 'pending'));
    } else {
      // The whole folder moved elsewhere and linked back: the hooks it holds still run, the pending folder is behind a link.
      const moved = tempDir('cs-moved-');
      fs.cpSync(cs, moved, { recursive: true });
      fs.rmSync(cs, { recursive: true, force: true });
      fs.mkdirSync(path.join(moved, 'pending'), { recursive: true });
      for (const n of NAMES) fs.writeFileSync(path.join(moved, 'pending', n), `precious ${n}\n`);
      fs.symlinkSync(moved, cs);
      return { repo, elsewhere: path.join(moved, 'pending') };
    }
    return { repo, elsewhere };
  }

  for (const link of ['pending', 'countersign'] as const) {
    it(`a link at .git/countersign${link === 'pending' ? '/pending' : ''}: the commit is made, nothing there is touched`, () => {
      const { repo, elsewhere } = linkedRepo(link);
      repo.write('b.txt', 'b\n');
      repo.git('add', 'b.txt');
      const r = repo.gitResult(['commit', '-q', '-m', 'second']);
      assert.strictEqual(r.status, 0, r.stderr);
      assert.strictEqual(repo.git('log', '-1', '--format=%s'), 'second');
      for (const n of NAMES)
        assert.strictEqual(
          fs.readFileSync(path.join(elsewhere, n), 'utf8'),
          `precious ${n}\n`,
          `${n} was overwritten or deleted`,
        );
      assert.deepStrictEqual(fs.readdirSync(elsewhere).sort(), [...NAMES].sort(), 'nothing new written there');
      assert.match(r.stderr, /symbolic link/, 'the commit says why it is unattested');
    });
  }
});
