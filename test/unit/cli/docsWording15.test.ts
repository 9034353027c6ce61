import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

// From the repository root, where mocha runs: the built test lives under dist/, the source under test/.
const read = (p: string) => fs.readFileSync(path.resolve(p), 'utf8');

/**
 * newuser15 #14: words a new user follows. The GitHub workflow `init` writes at .github/workflows/countersign.yml
 * told them to copy it there; docs/rollout.md added reviewers by rewriting the policy with `policy init --force`
 * while README and init use `policy add-reviewer`, which keeps the rest of the file.
 */
describe('what the CI template and the rollout guide tell a new user (newuser15 #14)', () => {
  it('the GitHub workflow does not ask to be copied to where init writes it', () => {
    const header = read('ci-examples/github-actions.yml').split('\n').slice(0, 5).join('\n');
    assert.doesNotMatch(header, /Copy to \.github\/workflows\/countersign\.yml/);
    assert.match(header, /countersign init` writes it there/);
  });

  it('docs/rollout.md adds reviewers with policy add-reviewer, never by overwriting the policy', () => {
    const rollout = read('docs/rollout.md');
    assert.doesNotMatch(rollout, /policy init --force/);
    assert.match(rollout, /countersign policy add-reviewer "Bo Liskov <bo@example\.com>" --key bo\.pub/);
  });
});
