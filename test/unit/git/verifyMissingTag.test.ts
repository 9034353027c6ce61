import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { setup, type Setup } from '../helpers/gateServer';

/**
 * `verify --tag NAME` of a tag that is not in the clone (a typo, or a tag not fetched yet) judged HEAD as that tag
 * and said "none blocked" (session 12 brief): a CI job with a misspelt tag name passed whatever the tag held. It
 * is a usage error now (exit 2) that names the tag; `--head REV` still judges a tag about to be made at REV.
 */
describe('verify --tag of a tag that does not exist (real server)', function () {
  this.timeout(120_000);

  let s: Setup;
  before(() => {
    s = setup();
  });
  after(() => fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true }));

  it('is a usage error naming the tag, for --tag and for --branch refs/tags/NAME, in every format', () => {
    for (const args of [
      ['--tag', 'v9.9'],
      ['--tag', 'refs/tags/v9.9'],
      ['--branch', 'refs/tags/v9.9'],
      ['--tag', 'v9.9', '--format', 'json'],
    ]) {
      const v = s.ada.cli(['verify', ...args]);
      assert.strictEqual(v.status, 2, `verify ${args.join(' ')}: ${v.stdout}${v.stderr}`);
      assert.match(v.stderr, /tag v9\.9 is not in this repository/, v.stderr);
      assert.doesNotMatch(v.stdout, /none blocked|passes/);
    }
  });

  it('names the fetch when the remote has the tag and this clone does not', () => {
    const { ada } = s;
    ada.git('tag', 'v1.0', 'origin/main');
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'v1.0']).status, 0);
    ada.git('tag', '-d', 'v1.0');
    const v = ada.cli(['verify', '--tag', 'v1.0']);
    assert.strictEqual(v.status, 2, v.stdout + v.stderr);
    assert.match(v.stderr, /tag v1\.0 is not in this repository.*origin has it: git fetch origin tag v1\.0/);
  });

  it('still judges a tag about to be made when --head names the commit', () => {
    const v = s.ada.cli(['verify', '--tag', 'v9.9', '--head', 'origin/main']);
    assert.strictEqual(v.status, 0, v.stdout + v.stderr);
  });
});
