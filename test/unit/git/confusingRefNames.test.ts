import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { setup, type Setup } from '../helpers/gateServer';

/**
 * Branch and tag names that only confuse git's revision lookup are refused on the server (outside tester,
 * session 8, H6): a tag named `refs/remotes/origin/main` made every CI `verify --base refs/remotes/origin/main`
 * ambiguous, and once there, deleting it was refused as a protected tag. One server for every case.
 */
describe('server gate: confusing branch and tag names are refused (real pushes)', function () {
  this.timeout(120_000);

  let s: Setup;
  before(() => {
    s = setup();
  });
  after(() => fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true }));

  const push = (ref: string) => s.ada.gitResult(['push', '--no-verify', 'origin', `HEAD:${ref}`]);

  it('a tag or branch named refs/..., HEAD or a full object name is refused, naming the reason', () => {
    const head = s.ada.git('rev-parse', 'HEAD');
    const cases: Array<[string, RegExp]> = [
      [
        'refs/tags/refs/remotes/origin/main',
        /creating the tag refs\/tags\/refs\/remotes\/origin\/main is not allowed: its name starts with "refs\/"/,
      ],
      ['refs/heads/refs/heads/main', /creating the branch refs\/heads\/refs\/heads\/main is not allowed/],
      ['refs/heads/HEAD', /git reads "HEAD" as the current commit/],
      [`refs/tags/${head}`, /its name is a full object name/],
    ];
    const r = s.ada.gitResult(['push', '--no-verify', 'origin', ...cases.map(([ref]) => `HEAD:${ref}`)]);
    assert.notStrictEqual(r.status, 0, r.stderr);
    for (const [ref, why] of cases) {
      assert.match(r.stderr, why);
      assert.strictEqual(s.server.gitResult(['rev-parse', '--verify', '-q', ref]).status, 1, `${ref} was created`);
    }
  });

  it('ordinary names still pass: a release tag, a branch with a short hex name', () => {
    for (const ref of ['refs/tags/v9.0', 'refs/heads/deadbeef', 'refs/heads/feature/refs']) {
      const r = push(ref);
      assert.strictEqual(r.status, 0, `${ref}: ${r.stderr}`);
    }
  });
});
