import * as assert from 'assert';
import * as fs from 'fs';
import { countUncountedLines } from '../../../src/git/binaryFiles';
import { readCommitRange } from '../../../src/git/commitLog';
import { TempRepo } from '../helpers/tempRepo';

/**
 * The small binary files of a commit are counted as text with just their paths marked `diff` (attack22 01: a
 * `* diff` would make git diff a file over the bound beside them). Each mark must name its own path and no other:
 * glob characters, whitespace, a quote and a byte that is not UTF-8 in a name, a case twin, a name in another
 * folder.
 */
describe('binary files counted as text by their own paths (markedTextView)', function () {
  this.timeout(60_000);

  it('counts each NUL-byte file as text whatever its name, and only those', async () => {
    const repo = TempRepo.create();
    const names = ['we ird*.bin', 'wexird.bin', 'a b/"q"?.bin', 'x[1].bin', 'Case.bin', 'sub/Case.bin'];
    for (const [i, n] of names.entries()) repo.write(n, `one\n\0two\n${'more\n'.repeat(i)}`);
    // Not UTF-8: git keeps the bytes, Countersign the lone surrogate (core/commitObject.ts decodePath).
    fs.writeFileSync(
      Buffer.concat([Buffer.from(`${repo.dir}/raw`), Buffer.from([0xff]), Buffer.from('.bin')]),
      'a\0\nb\n',
    );
    repo.git('add', '-A');
    const sha = repo.commit('binary files', '-m', 'AI-Provenance: v1 ai=0 human=1 untracked=0');
    const [c] = await readCommitRange(repo.dir, ['-1', sha]);
    assert.strictEqual(c.sha, sha);
    const byPath = new Map(c.files.map((f) => [f.path, f]));
    for (const [i, n] of names.entries()) {
      assert.strictEqual(byPath.get(n)?.added, 2 + i, n);
      assert.strictEqual(byPath.get(n)?.binary, true, n);
    }
    const raw = c.files.find((f) => f.path === 'raw\udcff.bin');
    assert.strictEqual(raw?.added, 2, 'the path that is not UTF-8');
    // Nothing is left to count a second time.
    assert.deepStrictEqual(await countUncountedLines(repo.dir, [c]), []);
  });
});
