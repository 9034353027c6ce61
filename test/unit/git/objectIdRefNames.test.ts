import * as assert from 'assert';
import { MAX_DIGIT_NAMES, objectIdRefNames } from '../../../src/git/confusingRefName';
import { GitProcessLog } from '../helpers/gitProcessLog';
import { TempRepo } from '../helpers/tempRepo';

/** The server's rule for branch and tag names that read as a commit id (attack P2), against a real repository. */
describe('objectIdRefNames: which created refs are refused for a name like a commit id', function () {
  this.timeout(60_000);

  it('hex with a letter always; digits alone only where they abbreviate an object; never a longer name', async () => {
    const repo = TempRepo.create();
    repo.write('a.txt', 'a\n');
    repo.git('add', 'a.txt');
    const head = repo.commit('a');
    // A blob whose id starts with 8 decimal digits (about 1 in 43 blobs).
    let blob = '';
    for (let i = 0; !/^[0-9]{8}/.test(blob); i++)
      blob = repo.gitResult(['hash-object', '-w', '--stdin'], `digits ${i}\n`).stdout.trim();
    const digits = blob.slice(0, 8);
    const refused = await objectIdRefNames(repo.dir, [
      'refs/tags/f4d596ae61d4',
      'refs/heads/ABCDEF1',
      'refs/tags/20241201',
      'refs/tags/build-f4d596ae61d4',
      'refs/tags/release/f4d596ae61d4',
      'refs/tags/cafe',
      `refs/tags/${head}`, // a full name is confusingRefName's
      'refs/notes/f4d596ae61d4',
      `refs/tags/${digits}`,
    ]);
    assert.deepStrictEqual(
      [...refused.keys()].sort(),
      ['refs/heads/ABCDEF1', 'refs/tags/f4d596ae61d4', `refs/tags/${digits}`].sort(),
    );
    assert.match(
      refused.get('refs/tags/f4d596ae61d4') as string,
      /looks like an abbreviated object id.*rename it \(e\.g\. build-f4d596ae61d4\)/,
    );
    assert.match(refused.get('refs/heads/ABCDEF1') as string, /creating the branch refs\/heads\/ABCDEF1/);
    assert.match(
      refused.get(`refs/tags/${digits}`) as string,
      new RegExp(`"${digits}" abbreviates ${blob}, an object`),
    );
  });

  it(`asks git once for every digit name, at most ${MAX_DIGIT_NAMES}; refuses the rest`, async () => {
    const repo = TempRepo.create();
    const log = new GitProcessLog({ onlyIn: repo.dir });
    const before = process.env.PATH;
    try {
      process.env.PATH = log.env.PATH;
      const names = Array.from({ length: MAX_DIGIT_NAMES + 3 }, (_, i) => `refs/tags/${20240000 + i}`);
      log.reset();
      const refused = await objectIdRefNames(repo.dir, names);
      assert.strictEqual(log.starts().length, 1, log.summary());
      assert.deepStrictEqual([...refused.keys()], names.slice(MAX_DIGIT_NAMES));
      assert.match(
        refused.get(names[MAX_DIGIT_NAMES]) as string,
        /more than 100 branches and tags named by digits alone.*push them in parts/,
      );
    } finally {
      process.env.PATH = before;
      log.remove();
    }
  });
});
