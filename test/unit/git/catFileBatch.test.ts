import * as assert from 'assert';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { readObjects } from '../../../src/git/catFileBatch';
import { TempRepo } from '../helpers/tempRepo';

/**
 * One `git cat-file --batch` answers many objects of any size, in the order asked. A large object arrives in
 * hundreds of pipe chunks between small ones: each must come back whole and exact.
 */
describe('readObjects (git cat-file --batch)', function () {
  this.timeout(120_000);

  it('returns large and small objects whole, in order, and says which are missing', async () => {
    const repo = TempRepo.create();
    const big = Buffer.alloc(24 * 1024 * 1024, 'x');
    big.write('start', 0);
    big.write('end', big.length - 3);
    let n = 0;
    const hash = (b: Buffer | string) => {
      const file = path.join(repo.dir, `object-${n++}`);
      fs.writeFileSync(file, b);
      return repo.git('hash-object', '-w', file).trim();
    };
    const names = [hash('small one\n'), hash(big), 'f'.repeat(40), hash('small two\n'), hash(big)];
    const got: Array<{ name: string; sha?: string; type?: string }> = [];
    await readObjects(repo.dir, names, (name, content, type) =>
      got.push({ name, ...(content ? { sha: createHash('sha256').update(content).digest('hex'), type } : {}) }),
    );
    const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
    assert.deepStrictEqual(got, [
      { name: names[0], sha: sha('small one\n'), type: 'blob' },
      { name: names[1], sha: sha(big), type: 'blob' },
      { name: names[2] },
      { name: names[3], sha: sha('small two\n'), type: 'blob' },
      { name: names[4], sha: sha(big), type: 'blob' },
    ]);
  });

  it('with maxBytes, streams past larger objects without holding them and says how big they were', async () => {
    const repo = TempRepo.create();
    let n = 0;
    const hash = (b: Buffer | string) => {
      const file = path.join(repo.dir, `object-${n++}`);
      fs.writeFileSync(file, b);
      return repo.git('hash-object', '-w', file).trim();
    };
    const big = Buffer.alloc(64 * 1024 * 1024, 'x\n');
    // Sizes around the limit, and a big object between small ones, so skipping lands mid-chunk and across chunks.
    const names = [hash('a\n'), hash(big), hash('b'.repeat(1000)), hash('c'.repeat(1001)), hash(big), hash('d\n')];
    const got: Array<{ text?: string; oversized?: number }> = [];
    await readObjects(
      repo.dir,
      names,
      (_name, content, _type, oversized) => {
        got.push(content ? { text: content.toString('utf8') } : { oversized });
      },
      { maxBytes: 1000 },
    );
    assert.deepStrictEqual(got, [
      { text: 'a\n' },
      { oversized: big.length },
      { text: 'b'.repeat(1000) },
      { oversized: 1001 },
      { oversized: big.length },
      { text: 'd\n' },
    ]);
    // Memory is not asserted here (a process's RSS moves with whatever else ran in it): hugeNotes.test.ts shows the
    // readers staying within a 192 MB heap on a 96 MB note.
  });
});
