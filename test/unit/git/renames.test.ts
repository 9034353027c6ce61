import * as assert from 'assert';
import { parseRenamesZ, renamesFrom } from '../../../src/git/renames';
import { TempRepo } from '../helpers/tempRepo';

const BODY = Array.from({ length: 10 }, (_, i) => `line ${i + 1}\n`).join('');

describe('renamesFrom (git rename detection between a commit and the index or a commit)', function () {
  this.timeout(20000);

  it('pairs old and new names, including spaces, non-ASCII and glob characters', async () => {
    const repo = TempRepo.create();
    repo.write('a.py', BODY);
    repo.write('dir/my fïle [1].txt', BODY.replace('line', 'other'));
    repo.write('keep.txt', 'k\n');
    repo.git('add', '.');
    repo.commit('root');
    const root = repo.git('rev-parse', 'HEAD');
    repo.git('mv', 'a.py', 'b.py');
    repo.git('mv', 'dir/my fïle [1].txt', 'dir/renamed *.txt');
    repo.write('b.py', BODY + 'added\n');
    repo.git('add', '.');
    assert.deepStrictEqual([...(await renamesFrom(repo.dir, root, { index: true }))].sort(), [
      ['b.py', 'a.py'],
      ['dir/renamed *.txt', 'dir/my fïle [1].txt'],
    ]);
    repo.commit('renames');
    const head = repo.git('rev-parse', 'HEAD');
    assert.deepStrictEqual(
      [...(await renamesFrom(repo.dir, root, { commit: head }, ['a.py', 'b.py']))],
      [['b.py', 'a.py']],
      'limited to the paths given',
    );
    assert.deepStrictEqual(
      [...(await renamesFrom(repo.dir, root, { commit: head }, ['a.py', 'keep.txt']))],
      [],
      'the new name must be among the paths too',
    );
  });

  it('parses -z name-status records of every kind', () => {
    assert.deepStrictEqual(
      [...parseRenamesZ('M\0m.txt\0R087\0old\0new\0C100\0src\0copy\0D\0gone\0')],
      [['new', 'old']],
    );
    assert.deepStrictEqual([...parseRenamesZ('')], []);
  });
});
