import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { policyJson, setup, type Setup } from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';

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

  // A hex name of 7 digits or more (`deadbeef`) reads as a commit id and is refused (attack P2, abbreviatedIdRefs).
  it('ordinary names still pass: a release tag, a branch with a short hex name, a date', () => {
    for (const ref of ['refs/tags/v9.0', 'refs/heads/beef', 'refs/heads/20241201', 'refs/heads/feature/refs']) {
      const r = push(ref);
      assert.strictEqual(r.status, 0, `${ref}: ${r.stderr}`);
    }
  });

  it("attack17 Q4: a tag named like a protected branch's pattern is refused, protected or not, so it cannot squat it", () => {
    // Every tag is protected here: once created, nobody but an administrator could delete it, and no name may be
    // both a branch and a tag, so the release branch release/9.0 could never be created.
    const r = push('refs/tags/release/9.0');
    assert.notStrictEqual(r.status, 0, 'the tag release/9.0 must be refused');
    assert.match(
      r.stderr,
      /pushing the tag refs\/tags\/release\/9\.0 is not allowed: "release\/9\.0" is a protected branch's name \(release\/\*\)/,
    );
    assert.strictEqual(s.server.gitResult(['rev-parse', '--verify', '-q', 'refs/tags/release/9.0']).status, 1);
    const branch = push('refs/heads/release/9.0');
    assert.strictEqual(branch.status, 0, branch.stderr);
    // A protected tag with a remote-like prefix is still judged as before (no protected branch of that name exists).
    assert.strictEqual(push('refs/tags/origin/release/9.1').status, 0);
  });
});

/**
 * attack14 N5: names git's short-name lookup takes for a protected branch. git reads `refs/<n>`, then
 * `refs/tags/<n>`, then `refs/heads/<n>`, then `refs/remotes/<n>`: an unprotected tag `release/2.0` at a rejected
 * draft became every fresh clone's `git checkout release/2.0`, a tag `origin/main` every clone's `origin/main`, and
 * `refs/release/2.0` (never judged) the server's and its mirrors' `release/2.0`. One server, `protectedTags: ["v*"]`.
 */
describe('server gate: refs that would shadow a protected branch are refused (real pushes)', function () {
  this.timeout(120_000);

  let s: Setup;
  before(() => {
    s = setup(policyJson(makeKey('bob'), makeKey('carol'), { protectedTags: ['v*'] }));
    const r = s.ada.gitResult(['push', '-q', '--no-verify', 'origin', 'HEAD:refs/heads/release/2.0']);
    assert.strictEqual(r.status, 0, r.stderr);
  });
  after(() => fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true }));

  const absent = (ref: string) =>
    assert.strictEqual(s.server.gitResult(['rev-parse', '--verify', '-q', ref]).status, 1, `${ref} was created`);

  it('a tag named like a protected branch, or like origin/<protected branch>, is refused, naming why', () => {
    const cases: Array<[string, RegExp]> = [
      [
        'refs/tags/release/2.0',
        /pushing the tag refs\/tags\/release\/2\.0 is not allowed: "release\/2\.0" is the protected branch release\/2\.0 .*`git checkout release\/2\.0` in a fresh clone would take this tag/,
      ],
      [
        'refs/tags/origin/main',
        /pushing the tag refs\/tags\/origin\/main is not allowed: "main" is the protected branch main .*whose remote is "origin"/,
      ],
      ['refs/tags/release/3.0', /"release\/3\.0" is a protected branch's name \(release\/\*\)/],
    ];
    for (const [ref, why] of cases) {
      const r = s.ada.gitResult(['push', '--no-verify', 'origin', `HEAD:${ref}`]);
      assert.notStrictEqual(r.status, 0, `${ref} must be refused`);
      assert.match(r.stderr, why);
      absent(ref);
    }
  });

  it('a ref outside refs/heads, refs/tags and refs/notes is refused unless the server allows its prefix', () => {
    const shadow = s.ada.gitResult(['push', '--no-verify', 'origin', 'HEAD:refs/release/2.0']);
    assert.notStrictEqual(shadow.status, 0, 'refs/release/2.0 must be refused');
    assert.match(
      shadow.stderr,
      /pushing refs\/release\/2\.0 is not allowed: git reads refs\/release\/2\.0 before refs\/heads\/release\/2\.0/,
    );
    absent('refs/release/2.0');
    const other = s.ada.gitResult(['push', '--no-verify', 'origin', 'HEAD:refs/bugs/1']);
    assert.notStrictEqual(other.status, 0, 'refs/bugs/1 must be refused by default');
    assert.match(other.stderr, /git config --add countersign\.allowRefPrefix refs\/bugs\//);
    absent('refs/bugs/1');
    s.server.git('config', '--add', 'countersign.allowRefPrefix', 'refs/bugs/');
    const allowed = s.ada.gitResult(['push', '--no-verify', 'origin', 'HEAD:refs/bugs/1']);
    assert.strictEqual(allowed.status, 0, allowed.stderr);
    // Allowed or not, a name standing in for a protected branch stays refused; what exists can be deleted.
    s.server.git('config', '--add', 'countersign.allowRefPrefix', 'refs/release/');
    assert.notStrictEqual(s.ada.gitResult(['push', '--no-verify', 'origin', 'HEAD:refs/release/2.0']).status, 0);
    s.server.git('update-ref', 'refs/release/2.1', 'refs/heads/main'); // planted before this rule
    const del = s.ada.gitResult(['push', '--no-verify', 'origin', ':refs/release/2.1']);
    assert.strictEqual(del.status, 0, del.stderr);
    absent('refs/release/2.1');
  });

  it('honest: a release tag, git push --follow-tags, a tag of an unprotected name, notes', () => {
    s.ada.git('tag', '-a', '-m', 'release 3.0', 'v3.0');
    const follow = s.ada.gitResult(['push', '--no-verify', '--follow-tags', 'origin', 'main']);
    assert.strictEqual(follow.status, 0, follow.stderr);
    assert.strictEqual(s.server.git('rev-parse', 'v3.0^{commit}'), s.ada.git('rev-parse', 'HEAD'));
    for (const ref of ['refs/tags/v9.1', 'refs/tags/build-17', 'refs/tags/feature/x', 'refs/notes/review-comments']) {
      const r = s.ada.gitResult(['push', '--no-verify', 'origin', `HEAD:${ref}`]);
      assert.strictEqual(r.status, 0, `${ref}: ${r.stderr}`);
    }
  });

  it('attack16 P1: a branch named like a tag, and a tag named like a branch, are refused; deleting one frees the name', () => {
    const push = (...args: string[]) => s.ada.gitResult(['push', '--no-verify', 'origin', ...args]);
    const tagged = push('HEAD:refs/tags/v4.0');
    assert.strictEqual(tagged.status, 0, tagged.stderr);
    const branch = push('HEAD:refs/heads/v4.0');
    assert.notStrictEqual(branch.status, 0, 'the branch v4.0 must be refused');
    assert.match(branch.stderr, /a tag v4\.0 exists, and `git clone --branch v4\.0`/);
    absent('refs/heads/v4.0');
    const parked = push('HEAD:refs/heads/hotfix-7');
    assert.strictEqual(parked.status, 0, parked.stderr);
    const tag = push('HEAD:refs/tags/hotfix-7');
    assert.notStrictEqual(tag.status, 0, 'the tag hotfix-7 must be refused');
    assert.match(tag.stderr, /a branch hotfix-7 exists/);
    absent('refs/tags/hotfix-7');
    assert.strictEqual(push('--delete', 'refs/heads/hotfix-7').status, 0);
    const freed = push('HEAD:refs/tags/hotfix-7');
    assert.strictEqual(freed.status, 0, freed.stderr);
  });
});
