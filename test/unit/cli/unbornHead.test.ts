import * as assert from 'assert';
import { TempRepo } from '../helpers/tempRepo';

/** newuser14 S23: a repository with no commits yet gets one answer from report, export and explain. */
describe('a repository with no commits yet', function () {
  this.timeout(60_000);

  it('report is empty, export writes nothing (exit 0), explain says there are no commits yet', () => {
    const repo = TempRepo.create();
    assert.notStrictEqual(repo.gitResult(['rev-parse', '--verify', '-q', 'HEAD']).status, 0, 'HEAD must be unborn');
    const report = repo.cli(['report']);
    assert.strictEqual(report.status, 0, report.stderr);
    const exp = repo.cli(['export']);
    assert.strictEqual(exp.status, 0, exp.stderr);
    assert.strictEqual(exp.stdout, '');
    assert.match(exp.stderr, /no commits yet/);
    const explain = repo.cli(['explain', 'HEAD']);
    assert.strictEqual(explain.status, 2);
    assert.match(explain.stderr, /no commits yet/);
    assert.doesNotMatch(explain.stderr + exp.stderr, /fetch/);
    // A mistyped name is still that, with the fetch hint.
    assert.match(repo.cli(['explain', 'nosuch']).stderr, /not a commit in this repository/);
  });
});
