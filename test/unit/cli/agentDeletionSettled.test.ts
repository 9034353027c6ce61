import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { openLedger } from '../../../src/git/ledger';
import { TempRepo } from '../helpers/tempRepo';

/**
 * newuser24 F1: the working ledger's record of an agent's deletion outlived the commit that carried it. After
 * Claude's `git rm` of a file was committed on a branch, the author's `git merge --no-ff` of that (approved) branch
 * was stamped `Assisted-by: Claude` again, and a human's own later `git rm` of the file on main was credited to the
 * agent. A commit that carries an agent's deletion now settles the record (core/ledger/agentRemovals.ts
 * applySettlement): what the commit carried is taken out of the ledger once the commit is made, for files and lines.
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

  it('the settlement is kept with its commit; the next commit asks git once, and only while one is kept (attack31 F1)', async () => {
    fileCall('refund.py', () => repo.write('refund.py', NO_GUARD));
    repo.git('commit', '-qam', 'agent removes the guard');
    const ledger = await openLedger(repo.dir);
    const { removals, settled } = await ledger.removalContext();
    assert.deepStrictEqual(removals ?? {}, {});
    assert.deepStrictEqual(
      settled?.map((r) => [r.commit, Object.keys(r.removals)]),
      [[repo.git('rev-parse', 'HEAD'), ['refund.py']]],
    );
    // git's trace2 names each process's parent: Node starts one git process, the ancestry question.
    const fromNode = (): string[] => {
      const trace = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cs-trace2-')), 'events.json');
      repo.write('README.md', `hello\n${Math.random()}\n`);
      const env = { ...repo.env, GIT_TRACE2_EVENT: trace };
      const c = spawnSync('git', ['commit', '-qam', 'readme'], { cwd: repo.dir, env, encoding: 'utf8' });
      assert.strictEqual(c.status, 0, c.stderr);
      const events = fs
        .readFileSync(trace, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { event: string; sid: string; ancestry?: string[]; argv?: string[] });
      const argv = new Map(events.filter((e) => e.event === 'start').map((e) => [e.sid, (e.argv ?? []).join(' ')]));
      return events
        .filter((e) => e.event === 'cmd_ancestry')
        .slice(1) // this test's own `git commit`
        .filter((e) => /^(node|timeout)$/.test(e.ancestry?.[0] ?? ''))
        .map((e) => argv.get(e.sid) ?? '');
    };
    assert.deepStrictEqual(fromNode(), ['git rev-list --boundary --ignore-missing --stdin']);
    assert.deepStrictEqual(assisted(), []);
    // Out of the bound (SETTLED_LIMITS: 30 days), the record goes, and with it the question.
    const ctxFile = path.join(ledger.dir, 'context.json');
    const ctx = JSON.parse(fs.readFileSync(ctxFile, 'utf8')) as { settled: Array<{ at: number }> };
    for (const r of ctx.settled) r.at -= 31 * 24 * 3600_000;
    fs.writeFileSync(ctxFile, JSON.stringify(ctx));
    assert.deepStrictEqual(fromNode(), []);
  });

  it("settlements by commits with a person's commit between them all hold, and an undone newer one does not", () => {
    repo.write('old.py', 'def legacy():\n    return 1\n');
    repo.git('add', 'old.py');
    repo.commit('old');
    fileCall('refund.py', () => repo.write('refund.py', NO_GUARD));
    repo.git('commit', '-qam', 'agent removes the guard');
    repo.write('README.md', 'hello\nperson\n');
    repo.git('commit', '-qam', 'person: readme');
    fileCall('old.py', () => repo.write('old.py', 'def legacy():\n    pass\n'));
    repo.git('commit', '-qam', 'agent edits old.py');
    assert.deepStrictEqual(assisted(), CLAUDE);
    // The newest undone and re-made: the agent's again.
    repo.git('reset', '-q', '--soft', 'HEAD~1');
    repo.git('commit', '-qm', 'old.py, re-made');
    assert.deepStrictEqual(assisted(), CLAUDE, repo.trailers().join('\n'));
    // The oldest is still in history: its guard, brought back by a revert and removed by a person, is theirs.
    repo.git('revert', '--no-edit', 'HEAD~2');
    assert.strictEqual(repo.read('refund.py'), REFUND);
    fs.writeFileSync(path.join(repo.dir, 'refund.py'), NO_GUARD);
    repo.git('commit', '-qam', 'person removes the guard');
    assert.deepStrictEqual(assisted(), [], repo.trailers().join('\n'));
  });
});
