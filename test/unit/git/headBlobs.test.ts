import * as assert from 'assert';
import { headContents } from '../../../src/git/headBlobs';
import { TempRepo } from '../helpers/tempRepo';

/** headContents reads HEAD's files through one cat-file --batch: only files, every path answered. */
describe('headContents: HEAD blobs of many paths', function () {
  this.timeout(30_000);

  it('gives files by content and leaves directories, missing paths and unnameable paths undefined', async () => {
    const repo = TempRepo.create();
    repo.write('a b.txt', 'spaced\n');
    repo.write('dir/inner.txt', 'ünïcode\r\n');
    repo.git('add', '.');
    repo.commit('init');
    const paths = ['a b.txt', 'dir/inner.txt', 'dir', 'gone.txt', 'bad\nname'];
    const got = await headContents(repo.dir, paths);
    assert.deepStrictEqual(
      [...got],
      [
        ['a b.txt', 'spaced\n'],
        ['dir/inner.txt', 'ünïcode\r\n'],
        ['dir', undefined],
        ['gone.txt', undefined],
        ['bad\nname', undefined],
      ],
    );
  });

  it('answers undefined for every path before the first commit', async () => {
    const repo = TempRepo.create();
    const got = await headContents(repo.dir, ['x.txt']);
    assert.deepStrictEqual([...got], [['x.txt', undefined]]);
  });
});
