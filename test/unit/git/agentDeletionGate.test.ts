import * as assert from 'assert';
import { recordDecision } from '../helpers/approvals';
import { setup, type Setup } from '../helpers/gateServer';

/**
 * attack26 06: Claude Code's Edit removed the `assert order.paid` guard of a refund function, the commit hook
 * stamped it `AI-Provenance: v1 ai=0 human=0 untracked=0` with no Assisted-by, and the server's gate took it onto
 * protected main unreviewed (pushed with --no-verify). Real bare server with `install --server`, real hooks and
 * checkpoints in the clone: the deletion-only commit is now held until a reviewer approves it.
 */
describe("server gate: an agent's deletion-only commit needs review (attack26 06, real server)", function () {
  this.timeout(180_000);
  let s: Setup;

  before(() => {
    s = setup();
    const { ada } = s;
    assert.strictEqual(ada.cli(['install', '-q']).status, 0);
    ada.write('refund.py', 'def refund(order):\n    assert order.paid\n    issue_refund(order)\n');
    ada.git('add', 'refund.py');
    ada.git('commit', '-qm', 'refund');
    assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'main']).status, 0);
  });

  it('refuses the commit pushed with --no-verify until Bob approves it', () => {
    const { ada } = s;
    const call = (phase: string) =>
      assert.strictEqual(
        ada.cli(['checkpoint', '--phase', phase, '--agent', 'claude', '--session', 'refund', 'refund.py', '-q']).status,
        0,
      );
    call('before');
    ada.write('refund.py', 'def refund(order):\n    issue_refund(order)\n');
    call('after');
    ada.git('commit', '-qam', 'simplify refund');
    const tip = ada.git('rev-parse', 'HEAD');
    assert.ok(ada.trailers().includes('Assisted-by: Claude:unknown claude-code'), ada.trailers().join('\n'));

    const refused = ada.gitResult(['push', '--no-verify', 'origin', 'main', 'refs/notes/ai']);
    assert.notStrictEqual(refused.status, 0, 'the deletion-only agent commit landed unreviewed');
    assert.match(refused.stderr, /AI-attributed: Assisted-by: Claude:unknown claude-code/);
    assert.strictEqual(s.server.git('rev-parse', 'main') === tip, false);

    recordDecision(ada, s.bob, { email: 'bob@example.com', tip, base: 'origin/main' });
    const approved = ada.gitResult([
      'push',
      '--atomic',
      '--no-verify',
      'origin',
      'main',
      'refs/notes/ai',
      'refs/notes/countersign',
    ]);
    assert.strictEqual(approved.status, 0, approved.stderr);
    assert.strictEqual(s.server.git('rev-parse', 'main'), tip);
  });
});
