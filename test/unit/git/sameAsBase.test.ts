import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { readCommitRange } from '../../../src/git/commitLog';
import { markSameAsBase } from '../../../src/git/mergeOwnLines';
import { TempRepo } from '../helpers/tempRepo';

/**
 * bounds22: markSameAsBase reads the review base's entries at each merge's own paths (`git ls-tree`) instead of
 * diffing each merge against the base whole (N^2/2 entries for a push of N topic merges). It must say what the
 * whole diff said: a path of a merge's first-parent diff is the same as the base's exactly when
 * `git diff-tree -r BASE MERGE` does not list it. Random histories: edits, deletions, symlinks, mode changes, a
 * file turned into a folder, merges resolved either way.
 */
let seed = 7;
const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];

function randomCommit(repo: TempRepo): void {
  for (let k = 0; k < 3; k++) {
    const name = pick(['a', 'b', 'd/c', 'd/e', 'x y', 'l', 'd', 'q*']);
    const p = path.join(repo.dir, name);
    const r = rnd();
    try {
      fs.rmSync(p, { recursive: true, force: true });
      if (r < 0.2) continue;
      fs.mkdirSync(path.dirname(p), { recursive: true });
      if (r < 0.3) fs.symlinkSync('a', p);
      else fs.writeFileSync(p, `v${Math.floor(rnd() * 3)}\n`, { mode: r < 0.4 ? 0o755 : 0o644 });
    } catch {
      // A file where a folder of the path would go (or the other way round): this edit is skipped.
    }
  }
  repo.git('add', '-A');
  repo.git('commit', '-q', '--allow-empty', '-m', 'c');
}

describe('markSameAsBase: the same paths as a whole diff against the base would leave out (bounds22)', function () {
  this.timeout(240_000);

  it('on random histories of merges', async () => {
    let compared = 0;
    for (let t = 0; t < 12; t++) {
      const repo = TempRepo.create();
      randomCommit(repo);
      const base = repo.git('rev-parse', 'HEAD').trim();
      for (let i = 0; i < 6; i++) {
        repo.git('checkout', '-q', '-B', 'side', pick(repo.git('rev-list', '--all').trim().split('\n')));
        randomCommit(repo);
        repo.git('checkout', '-q', 'main');
        if (rnd() < 0.5) randomCommit(repo);
        const merged = repo.gitResult(['merge', '-q', '--no-ff', '-X', pick(['ours', 'theirs']), '-m', 'm', 'side']);
        if (merged.status !== 0) {
          repo.git('add', '-A');
          repo.git('commit', '-q', '--no-edit', '--allow-empty');
        }
      }
      const commits = await readCommitRange(repo.dir, [`${base}..main`]);
      await markSameAsBase(repo.dir, commits, base);
      for (const m of commits.filter((c) => c.parents.length > 1)) {
        const listed = new Set(
          repo.git('diff-tree', '-r', '-z', '--name-only', '--no-renames', base, m.sha).split('\0'),
        );
        const expected = m.files.filter((f) => f.oids && !listed.has(f.path)).map((f) => f.path);
        assert.deepStrictEqual(m.sameAsBase, expected, `merge ${m.sha} in ${repo.dir}`);
        compared += expected.length;
      }
    }
    assert.ok(compared > 0, 'some merge left a path as the base has it');
  });
});
