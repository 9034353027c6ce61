import * as assert from 'assert';
import { parseReviewerSpec, reviewerSpecProblem } from '../../../src/app/policySetup';
import { makeKey } from '../helpers/reviewerKeys';
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

  it('newuser14 S21: adding to the first, uncommitted policy does not send it "through review"', () => {
    const repo = TempRepo.create();
    repo.commit('first', '--allow-empty');
    const key = makeKey('eve');
    assert.strictEqual(repo.cli(['policy', 'init']).status, 0);
    const first = repo.cli(['policy', 'add-reviewer', 'Eve <eve@example.com>', '--key', key.publicKeyFile]);
    assert.strictEqual(first.status, 0, first.stderr);
    assert.match(first.stdout, /this first \.countersign\.json needs no Countersign approval/);
    repo.git('add', '.countersign.json');
    repo.commit('policy');
    const later = repo.cli(['policy', 'add-reviewer', 'Fay <fay@example.com>', '--key', makeKey('fay').publicKeyFile]);
    assert.strictEqual(later.status, 0, later.stderr);
    assert.match(later.stdout, /push it through review/);
  });

  it('newuser19 F11: the sole reviewer adding another is told they cannot get it approved, and the way out', () => {
    const repo = TempRepo.create();
    repo.git('config', 'user.name', 'Ada Author');
    repo.git('config', 'user.email', 'Ada@Example.com');
    repo.commit('first', '--allow-empty');
    const ada = makeKey('ada');
    const init = repo.cli(['policy', 'init', '--reviewer', 'Ada Author <ada@example.com>', '--key', ada.publicKeyFile]);
    assert.strictEqual(init.status, 0, init.stderr);
    repo.git('add', '.countersign.json');
    repo.commit('policy');
    const r = repo.cli([
      'policy',
      'add-reviewer',
      'Bo Reviewer <bo@example.com>',
      '--key',
      makeKey('bo').publicKeyFile,
    ]);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /You cannot get this change approved: .* lists no reviewer but you \(Ada@Example\.com\)/);
    assert.match(
      r.stdout,
      /Have Bo Reviewer make it instead .*countersign policy add-reviewer "Bo Reviewer <bo@example\.com>"/,
    );
    assert.doesNotMatch(r.stdout, /push it through review/);
  });
});
