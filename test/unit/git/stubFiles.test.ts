import * as assert from 'assert';
import { TempRepo } from '../helpers/tempRepo';
import { readCommitRange } from '../../../src/git/commitLog';
import { changeBetween, lossBetween, lossesFrom } from '../../../src/git/netChange';

/**
 * attack24 02 on every reader of core/fileDeletion.ts: a file left a stub (a newline, a lone `#`, a BOM) is deleted
 * for the commits' own diffs (readCommitRange), an update's net change (lossBetween, lossesFrom) and a rewind's
 * whole change (changeBetween) alike; an ordinary edit, a 1-line rewrite and a long blank remainder are not.
 */
describe('stub files are deleted files in every gate reader (real git)', function () {
  this.timeout(60_000);

  const sixty = (name: string) => Array.from({ length: 60 }, (_, i) => `${name} line ${i}`).join('\n') + '\n';
  let repo: TempRepo;
  let full: string;
  let stubs: string;
  const expected = {
    'newline.conf': 'D',
    'hash.conf': 'D',
    'bom.conf': 'D',
    'edit.conf': 'M',
    VERSION: 'M',
    'blank.conf': 'M',
  };

  before(() => {
    repo = TempRepo.create();
    for (const f of ['newline.conf', 'hash.conf', 'bom.conf', 'edit.conf', 'blank.conf']) repo.write(f, sixty(f));
    repo.write('VERSION', '1.2.3\n');
    repo.git('add', '-A');
    full = repo.commit('full');
    repo.write('newline.conf', '\n');
    repo.write('hash.conf', '#');
    repo.write('bom.conf', '\uFEFF\n');
    repo.write('edit.conf', sixty('edit.conf').split('\n').slice(0, 30).join('\n') + '\n');
    repo.write('VERSION', '1.2.4\n');
    // White space, but longer than a stub (65 bytes): an edit whose 60 deleted lines count toward deletedLines.
    repo.write('blank.conf', '\n'.repeat(65));
    stubs = repo.commit('stubs', '-a');
  });

  const statuses = (files: { path: string; status: string }[]) =>
    Object.fromEntries(files.map((f) => [f.path, f.status]).sort());
  const sorted = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).sort());

  it("a commit's own diff", async () => {
    const [c] = await readCommitRange(repo.dir, [stubs, '--not', full]);
    assert.deepStrictEqual(statuses(c.files), sorted(expected));
  });

  it("an update's net change, one head and many, with the lost lines counted as before", async () => {
    const one = await lossBetween(repo.dir, full, stubs);
    assert.deepStrictEqual(statuses(one), sorted(expected));
    assert.deepStrictEqual((await lossesFrom(repo.dir, full, [stubs])).get(stubs), one);
    assert.ok(
      one.every((f) => f.added === 0),
      'a loss counts no added lines',
    );
    assert.strictEqual(one.find((f) => f.path === 'newline.conf')?.deleted, 60);
  });

  it("a rewind's whole change", async () => {
    const both = await changeBetween(repo.dir, full, stubs, true);
    assert.deepStrictEqual(statuses(both), sorted(expected));
    assert.strictEqual(both.find((f) => f.path === 'blank.conf')?.added, 65);
  });
});
