import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { TempRepo } from '../helpers/tempRepo';

/**
 * newuser24 F1: the working ledger's record of an agent's deletion outlived the commit that carried it. After
 * Claude's `git rm` of a file was committed on a branch, the author's `git merge --no-ff` of that (approved) branch
 * was stamped `Assisted-by: Claude` again, and a human's own later `git rm` of the file on main was credited to the
 * agent. A commit that carries an agent's deletion now settles the record (core/ledger/agentRemovals.ts
 * settleRemovals): what the commit carried is taken out of the ledger once the commit is made, for files and lines.
 */
const REFUND = 'def refund(order):\n    assert order.paid, "refund of an unpaid order"\n    issue_refund(order)\n';
const NO_GUARD = 'def refund(order):\n    issue_refund(order)\n';

describe("an agent's committed deletion is settled by the commit that carries it (newuser24 F1)", function () {
  this.timeout(120_000);
  let repo: TempRepo;

  /** A shell tool call (Claude's Bash): no FILE, so both phases snapshot what git lists as changed. */
  const shellCall = (change: () => void): void => {
    const before = repo.cli(['checkpoint', '--phase', 'before', '--agent', 'claude', '--session', 's2']);
    assert.strictEqual(before.status, 0, before.stderr);
    change();
    const after = repo.cli(['checkpoint', '--phase', 'after', '--agent', 'claude', '--session', 's2']);
    assert.strictEqual(after.status, 0, after.stderr);
  };
  const fileCall = (file: string, change: () => void): void => {
    const before = repo.cli(['checkpoint', '--phase', 'before', '--agent', 'claude', '--session', 's1', file, '-q']);
    assert.strictEqual(before.status, 0, before.stderr);
    change();
    const after = repo.cli(['checkpoint', '--phase', 'after', '--agent', 'claude', '--session', 's1', file, '-q']);
    assert.strictEqual(after.status, 0, after.stderr);
  };
  const assisted = (rev = 'HEAD') => repo.trailers(rev).filter((t) => t.startsWith('Assisted-by:'));
  const CLAUDE = ['Assisted-by: Claude:unknown claude-code'];

  beforeEach(() => {
    repo = TempRepo.create();
    repo.write('refund.py', REFUND);
    repo.write('README.md', 'hello\n');
    repo.git('add', '.');
    repo.commit('base');
    const r = repo.cli(['install', '-q']);
    assert.strictEqual(r.status, 0, r.stderr);
  });

  it("a human's later git rm of the file on main is not credited to the agent (f1c)", () => {
    repo.git('switch', '-q', '-c', 'experiment');
    shellCall(() => repo.git('rm', '-q', 'refund.py'));
    repo.git('commit', '-qm', 'agent deletes refund.py');
    assert.deepStrictEqual(assisted(), CLAUDE);
    repo.git('switch', '-q', 'main');
    assert.ok(fs.existsSync(path.join(repo.dir, 'refund.py')));
    repo.git('rm', '-q', 'refund.py');
    repo.git('commit', '-qm', 'human: remove refund.py');
    assert.deepStrictEqual(assisted(), [], repo.trailers().join('\n'));
  });

  it('a merge --no-ff of the branch whose commit carried the deletion is not Assisted-by again (f1)', () => {
    repo.git('switch', '-q', '-c', 'feature/del');
    shellCall(() => repo.git('rm', '-q', 'refund.py'));
    repo.git('commit', '-qm', 'agent deletes refund.py');
    assert.deepStrictEqual(assisted(), CLAUDE);
    repo.git('switch', '-q', 'main');
    repo.write('README.md', 'hello\nmain moved on\n');
    repo.git('commit', '-qam', 'human: readme');
    repo.git('merge', '-q', '--no-ff', 'feature/del', '-m', 'Merge feature/del');
    assert.strictEqual(repo.git('rev-list', '--count', '--merges', 'HEAD'), '1');
    assert.deepStrictEqual(assisted(), [], repo.trailers().join('\n'));
  });

  it('a file deleted and committed on main, restored by a revert, then deleted by a human: not credited', () => {
    fileCall('refund.py', () => fs.rmSync(path.join(repo.dir, 'refund.py')));
    repo.git('add', '-A');
    repo.git('commit', '-qm', 'agent deletes refund.py');
    assert.deepStrictEqual(assisted(), CLAUDE);
    repo.git('revert', '--no-edit', 'HEAD');
    repo.git('rm', '-q', 'refund.py');
    repo.git('commit', '-qm', 'human: remove refund.py');
    assert.deepStrictEqual(assisted(), [], repo.trailers().join('\n'));
  });

  it('lines: a committed deletion brought back by a revert and deleted again by a human is not credited', () => {
    fileCall('refund.py', () => repo.write('refund.py', NO_GUARD));
    repo.git('commit', '-qam', 'agent removes the guard');
    assert.deepStrictEqual(assisted(), CLAUDE);
    repo.git('revert', '--no-edit', 'HEAD');
    assert.strictEqual(repo.read('refund.py'), REFUND);
    fs.writeFileSync(path.join(repo.dir, 'refund.py'), NO_GUARD); // the human, by hand (unobserved)
    repo.git('commit', '-qam', 'human removes the guard');
    assert.deepStrictEqual(assisted(), [], repo.trailers().join('\n'));
  });

  it('an uncommitted deletion still marks the commit that carries it, after an aborted commit and another one', () => {
    shellCall(() => repo.git('rm', '-q', 'refund.py'));
    // An aborted commit (empty message): prepare-commit-msg ran, no commit was made.
    const aborted = repo.gitResult(['-c', 'core.editor=true', 'commit']);
    assert.notStrictEqual(aborted.status, 0, 'the empty-message commit was made');
    // A commit that does not carry the deletion.
    repo.git('reset', '-q', 'HEAD', '--', 'refund.py');
    repo.write('README.md', 'hello\nworld\n');
    repo.git('commit', '-qm', 'readme only', '--', 'README.md');
    assert.deepStrictEqual(assisted(), []);
    repo.git('add', '-A');
    repo.git('commit', '-qm', 'the deletion');
    assert.deepStrictEqual(assisted(), CLAUDE, repo.trailers().join('\n'));
  });

  it('a file the agent deleted and a human restored before committing is not marked', () => {
    shellCall(() => repo.git('rm', '-q', 'refund.py'));
    repo.git('checkout', 'HEAD', '--', 'refund.py');
    repo.write('README.md', 'hello\nworld\n');
    repo.git('commit', '-qam', 'readme');
    assert.deepStrictEqual(assisted(), []);
  });

  it("an amend, a squash and a squash merge of the commit that carried it keep the agent's Assisted-by (its note)", () => {
    repo.git('switch', '-q', '-c', 'feature/del');
    shellCall(() => repo.git('rm', '-q', 'refund.py'));
    repo.git('commit', '-qm', 'agent deletes refund.py');
    repo.write('README.md', 'hello\namended\n');
    repo.git('commit', '-qa', '--amend', '-m', 'agent deletes refund.py, amended');
    assert.deepStrictEqual(assisted(), CLAUDE, repo.trailers().join('\n'));
    repo.write('y.txt', 'y\n');
    repo.git('add', 'y.txt');
    repo.git('commit', '-qm', 'y');
    const squash = repo.gitResult(['-c', 'sequence.editor=sed -i 2s/^pick/fixup/', 'rebase', '-q', '-i', 'HEAD~2']);
    assert.strictEqual(squash.status, 0, squash.stderr);
    assert.strictEqual(repo.git('log', '-1', '--format=%s'), 'agent deletes refund.py, amended');
    assert.deepStrictEqual(assisted(), CLAUDE, repo.trailers().join('\n'));
    repo.git('switch', '-q', 'main');
    repo.git('merge', '-q', '--squash', 'feature/del');
    repo.git('commit', '-qm', 'squashed feature/del');
    assert.deepStrictEqual(assisted(), CLAUDE, repo.trailers().join('\n'));
  });

  it('a partial commit of a deletion settles only what it carried', () => {
    repo.write('old.py', 'def legacy():\n    return 1\n');
    repo.git('add', 'old.py');
    repo.commit('old');
    shellCall(() => repo.git('rm', '-q', 'refund.py', 'old.py'));
    repo.git('commit', '-qm', 'one of the two', '--', 'old.py');
    assert.deepStrictEqual(assisted(), CLAUDE);
    repo.git('commit', '-qm', 'the other');
    assert.deepStrictEqual(assisted(), CLAUDE, repo.trailers().join('\n'));
  });
});
