import * as assert from 'assert';
import { TempRepo } from '../helpers/tempRepo';

/** newuser14 S19: `countersign hook …` run by hand says what went wrong in words, with the exit it gives. */
describe('countersign hook, run by hand', function () {
  this.timeout(120_000);

  it('prepare-commit-msg with a missing message file names the file, no raw errno', () => {
    const repo = TempRepo.create();
    assert.strictEqual(repo.cli(['install']).status, 0);
    const r = repo.cli(['hook', 'prepare-commit-msg', '/nonexistent/msg']);
    assert.match(r.stderr, /the message file \/nonexistent\/msg does not exist/);
    assert.doesNotMatch(r.stderr, /ENOENT/);
  });

  it("pre-push without git's arguments: the text does not claim an exit code it does not give", () => {
    const repo = TempRepo.create();
    assert.strictEqual(repo.cli(['install']).status, 0);
    const r = repo.cli(['hook', 'pre-push'], { input: '' });
    assert.strictEqual(r.status, 1, r.stderr);
    assert.match(r.stderr, /git passes the remote name and URL as arguments/);
    assert.match(r.stderr, /push blocked \(the check exited with 2\)/);
  });
});
