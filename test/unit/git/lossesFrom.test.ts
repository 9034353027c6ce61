import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { TempRepo } from '../helpers/tempRepo';
import { lossBetween, lossesFrom } from '../../../src/git/netChange';

/**
 * The review panel reads what every branch loses against one base in one `diff-tree --stdin` (lossesFrom);
 * the gate reads one branch with lossBetween. Both must give the same files, lines and D/M for every shape a
 * branch can take: deletions, a file made binary, a rename (a deletion plus an addition), a path that is not
 * UTF-8, a path that looks like a commit id, no change at all, a head behind the base.
 */
describe('lossesFrom agrees with lossBetween', function () {
  this.timeout(60_000);

  it('for every branch shape, in one diff-tree', async () => {
    const repo = TempRepo.create();
    const hexName = 'a'.repeat(40);
    repo.write('keep.txt', 'a\nb\nc\n');
    repo.write('gone.txt', '1\n2\n3\n4\n');
    repo.write('move.txt', 'x\ny\n');
    repo.write(hexName, 'looks like an id\n');
    fs.writeFileSync(path.join(repo.dir, Buffer.from([0x6c, 0xe9, 0x2e, 0x74, 0x78, 0x74]).toString('latin1')), 'q\n');
    repo.git('add', '-A');
    const old = repo.commit('old');
    repo.write('keep.txt', 'a\n');
    const base = repo.commit('base', '-a');
    const heads: string[] = [];
    const branch = (name: string, change: () => void) => {
      repo.git('checkout', '-q', '-b', name, base);
      change();
      repo.git('add', '-A');
      heads.push(repo.commit(name, '--allow-empty'));
    };
    branch('deletes', () => {
      fs.rmSync(path.join(repo.dir, 'gone.txt'));
      fs.rmSync(path.join(repo.dir, hexName));
      repo.write('keep.txt', 'z\n');
    });
    branch('binary', () => fs.writeFileSync(path.join(repo.dir, 'gone.txt'), Buffer.from([0, 1, 2])));
    branch('renames', () => repo.git('mv', 'move.txt', 'moved.txt'));
    branch('latin1', () => repo.git('rm', '-q', '-r', '.', '--', ':!keep.txt', ':!gone.txt', ':!move.txt'));
    branch('empty', () => undefined);
    heads.push(old, base);

    const batch = await lossesFrom(repo.dir, base, heads);
    assert.deepStrictEqual([...batch.keys()], [...new Set(heads)]);
    let deletions = 0;
    for (const head of heads) {
      const one = await lossBetween(repo.dir, base, head);
      assert.deepStrictEqual(batch.get(head), one, `head ${head}`);
      deletions += one.filter((f) => f.status === 'D').length;
    }
    // The shapes did reach the reader: deletions (the id-like and the non-UTF-8 path among them) were seen.
    assert.ok(deletions >= 4, `deletions ${deletions}`);
    assert.ok((batch.get(heads[0]) ?? []).some((f) => f.path === hexName && f.status === 'D'));
  });
});
