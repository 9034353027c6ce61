import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as path from 'path';
import { DEMO_REVIEWERS, demoPolicyArgs } from '../../../scripts/demoPolicy';
import { tempDir } from '../helpers/tempDirs';
import { TempRepo } from '../helpers/tempRepo';

/**
 * newuser10 N19: `npm run demo` wrote a policy that `policy init` and `policy check` warned "can never pass"
 * (two reviewers, a two-approval tier: a reviewer's own infrastructure commit has only one other reviewer).
 * The demo's own policy, written by the real CLI with real keys, draws no such warning.
 */
describe("the demo's policy", function () {
  this.timeout(120_000);

  it('N19: can pass: policy init and policy check print no "can never pass" warning', () => {
    const keys = tempDir('cs-demo-keys-');
    for (const { who } of DEMO_REVIEWERS)
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', who, '-f', path.join(keys, who)]);
    const repo = TempRepo.create();
    const init = repo.cli(demoPolicyArgs(keys));
    assert.strictEqual(init.status, 0, init.stderr);
    const check = repo.cli(['policy', 'check']);
    assert.strictEqual(check.status, 0, check.stderr);
    for (const out of [init, check]) assert.doesNotMatch(out.stdout + out.stderr, /warning|can never pass/);
    assert.match(repo.read('.countersign.json'), /"role": "sre"/);
  });
});
