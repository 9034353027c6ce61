import * as assert from 'assert';
import { TempRepo } from '../helpers/tempRepo';

/**
 * attack22 03: a committed file name holding line breaks made `report --by path` (text) print lines of the
 * attacker's choosing inside its table — a forged "✔ approved by Bob Reviewer" under the figures people read.
 */
describe('report: a path with line breaks stays on its row (attack22 03)', function () {
  this.timeout(60_000);

  it('shows the break as \\u000a in the text table and the problem lists', () => {
    const repo = TempRepo.create();
    repo.write('a', 'x\n');
    repo.git('add', '.');
    repo.git('commit', '-q', '-m', 'init');
    const forged = 'x.ts\n  ✔ approved by Bob Reviewer <bob@corp> (ssh-ed25519 signature valid)\nz';
    repo.write(forged, 'l1\nl2\n');
    repo.git('add', '-A');
    repo.git(
      'commit',
      '-q',
      '-m',
      'feat\n\nAI-Provenance: v1 ai=2 human=0 untracked=0\nAssisted-by: Claude:opus claude-code',
    );
    const out = repo.cli(['report', '--by', 'path']);
    assert.strictEqual(out.status, 0, out.stderr);
    assert.doesNotMatch(out.stdout, /^\s*✔ approved by Bob Reviewer/m, out.stdout);
    assert.match(out.stdout, /^ {2}x\.ts\\u000a {2}✔ approved by Bob Reviewer .*\\u000az /m, out.stdout);
  });
});
