import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../helpers/tempDirs';
import { TempRepo } from '../helpers/tempRepo';

/**
 * newuser14 S34: `verify --format github` that could not run (exit 2: no remote, a shallow checkout, a wrong
 * --remote) printed one sentence to stderr and no annotation nor job summary, so the pull request showed a red
 * check with nothing on it. A blocked gate (exit 1) had both.
 */
describe('verify --format github when it cannot run (newuser14 S34)', function () {
  this.timeout(60_000);

  it('writes an ::error annotation and the job summary with the sentence and its fix, and exits 2', () => {
    const repo = TempRepo.create();
    repo.write('a.md', 'a\n');
    repo.git('add', '.');
    repo.commit('a');
    const summary = path.join(tempDir('cs-summary-'), 'summary.md');
    const r = repo.cli(['verify', '--branch', 'main', '--format', 'github'], { env: { GITHUB_STEP_SUMMARY: summary } });
    assert.strictEqual(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stdout, /^::error title=Countersign could not run::.*no remote/m);
    assert.match(r.stderr, /no remote/, 'the sentence is on stderr too');
    const md = fs.readFileSync(summary, 'utf8');
    assert.match(md, /## Countersign review gate/);
    assert.match(md, /could not run/);
    assert.match(md, /git remote add origin/);
  });
});

/**
 * newuser19 F2: `verify --json --format jsn` printed the gate's JSON and exit 0 where `report` refused the same
 * two answers to one question; a CI script with a typo in --format should hear of it, as report's user does.
 */
describe('verify --json with another --format (newuser19 F2)', function () {
  this.timeout(60_000);

  it('is refused with exit 2 and the sentence report says, in either order; --json --format json is fine', () => {
    const repo = TempRepo.create();
    repo.write('a.md', 'a\n');
    repo.git('add', '.');
    repo.commit('a');
    for (const args of [
      ['--json', '--format', 'jsn'],
      ['--format', 'jsn', '--json'],
      ['--json', '--format', 'github'],
    ]) {
      const format = args[args.indexOf('--format') + 1];
      const sentence = `--json and --format ${format} ask for two formats; give one (--json is --format json)`;
      const verify = repo.cli(['verify', '--branch', 'main', ...args]);
      assert.strictEqual(verify.status, 2, verify.stdout + verify.stderr);
      assert.ok(verify.stderr.includes(`countersign verify: ${sentence}`), verify.stderr);
      const report = repo.cli(['report', ...args]);
      assert.strictEqual(report.status, 2, report.stdout + report.stderr);
      assert.ok(report.stderr.includes(`countersign report: ${sentence}`), report.stderr);
    }
    // Not a conflict: the gate runs (and says there is no remote).
    const same = repo.cli(['verify', '--branch', 'main', '--json', '--format', 'json']);
    assert.strictEqual(same.status, 2, same.stdout + same.stderr);
    assert.match(same.stderr, /no remote/);
    const typo = repo.cli(['verify', '--format', 'jsn']);
    assert.strictEqual(typo.status, 2);
    assert.match(typo.stderr, /--format must be .*'jsn'.*Did you mean 'json'\?/);
  });
});
