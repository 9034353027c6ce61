import * as assert from 'assert';
import { recordDecision } from '../helpers/approvals';
import { commitFile, setup } from '../helpers/gateServer';

/**
 * The "What to do" a blocked push prints fits the block (newuser10 N9, N20): real server, real hooks, real keys.
 */
describe('what a blocked push says to do next', function () {
  this.timeout(180_000);

  it('N9: after a reviewer requests changes, the steps are to address the comment and push a new tip, not "ask to approve"', () => {
    const { ada, bob } = setup();
    const base = ada.git('rev-parse', 'origin/main');
    const tip = commitFile(
      ada,
      'retry.ts',
      'export const cap = 3;\n',
      'retry\n\nAI-Provenance: v1 ai=1 human=0 untracked=0',
    );
    recordDecision(ada, bob, {
      email: 'bob@example.com',
      tip,
      base,
      decision: 'reject',
      comment: 'cap should be configurable',
    });
    const r = ada.cli(['verify', '--branch', 'main']);
    assert.strictEqual(r.status, 1, r.stderr);
    const todo = r.stdout.slice(r.stdout.indexOf('What to do:'));
    assert.ok(todo.startsWith('What to do:'), r.stdout);
    assert.match(todo, /1\. Address what Bob .* asked for \("cap should be configurable"\)/);
    assert.match(todo, /Push the new tip/);
    assert.match(todo, /ask Bob .* to review it again/);
    assert.doesNotMatch(
      todo,
      /The reviewer runs: +countersign approve /,
      'approving the rejected tip is not the next step',
    );
  });
});
