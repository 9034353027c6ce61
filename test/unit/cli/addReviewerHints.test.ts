import * as assert from 'assert';
import { parseReviewerSpec, reviewerSpecProblem } from '../../../src/app/policySetup';
import { TempRepo } from '../helpers/tempRepo';

/** newuser14 S33: each malformed reviewer is told what is wrong with it, not one hint for all. */
describe('policy add-reviewer: what is wrong with a malformed reviewer', function () {
  this.timeout(60_000);

  it('names the missing name, the bad address, the missing <email>', () => {
    assert.match(reviewerSpecProblem('eve@example.com'), /has no name: write "Name <eve@example\.com>"/);
    assert.match(reviewerSpecProblem('Eve <not-an-email>'), /"not-an-email" in .* is not an email address/);
    assert.match(reviewerSpecProblem('Eve'), /no <email> in it/);
    assert.match(reviewerSpecProblem('<eve@example.com>'), /has no name before <eve@example\.com>/);
    // Every text it describes is one parseReviewerSpec refuses.
    for (const t of ['eve@example.com', 'Eve <not-an-email>', 'Eve', '<eve@example.com>'])
      assert.strictEqual(parseReviewerSpec(t), undefined, t);
  });

  it('the CLI says it, exit 2', () => {
    const repo = TempRepo.create();
    const r = repo.cli(['policy', 'add-reviewer', 'eve@example.com', '--key', 'eve.pub']);
    assert.strictEqual(r.status, 2);
    assert.match(r.stderr, /"eve@example\.com" has no name/);
    assert.doesNotMatch(r.stderr, /as one argument/);
  });
});
