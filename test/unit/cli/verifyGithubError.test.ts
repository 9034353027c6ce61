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
