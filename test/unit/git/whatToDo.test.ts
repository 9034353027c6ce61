import * as assert from 'assert';
import { cloneAs, recordDecision } from '../helpers/approvals';
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

  it('N20: a refused deletion or force-push is not told to "get the review"; review keeps a multi-line error indented', () => {
    const { ada, bob, server } = setup();
    assert.strictEqual(ada.cli(['install', '-q']).status, 0);
    const del = ada.gitResult(['push', 'origin', ':main']);
    assert.notStrictEqual(del.status, 0);
    assert.match(del.stderr, /countersign \(pre-push\): push blocked/);
    assert.doesNotMatch(del.stderr, /Get the review/, del.stderr);

    // A branch with a broken policy aimed at main: review names the error over several lines, all indented.
    ada.git('checkout', '-q', '-b', 'feature/badpolicy');
    ada.write('.countersign.json', ada.read('.countersign.json').replace('"protectedBranches"', '"protectedBranchs"'));
    ada.git('commit', '-qam', 'typo policy', '-m', 'AI-Provenance: v1 ai=0 human=1 untracked=0');
    assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'feature/badpolicy']).status, 0);
    const reviewer = cloneAs(server.dir, 'Bob Reviewer', 'bob@example.com', bob.privateKeyFile);
    const r = reviewer.cli(['review']);
    assert.strictEqual(r.status, 0, r.stderr);
    const at = r.stdout.indexOf('  error: ');
    assert.ok(at >= 0, r.stdout);
    const errorLines = r.stdout.slice(at).trimEnd().split('\n');
    assert.ok(errorLines.length > 1, `a multi-line error: ${r.stdout}`);
    for (const l of errorLines) assert.match(l, /^ {2,}\S/, `every line of the error is indented:\n${r.stdout}`);
  });

  it('N10: approve of a remote branch this clone has not fetched says to fetch and look first (approve signs only what the clone has)', () => {
    const { ada, bob, server } = setup();
    const reviewer = cloneAs(server.dir, 'Bob Reviewer', 'bob@example.com', bob.privateKeyFile);
    ada.git('checkout', '-q', '-b', 'feature/sq');
    commitFile(
      ada,
      'sq.ts',
      'export const sq = (x: number) => x * x;\n',
      'sq\n\nAI-Provenance: v1 ai=1 human=0 untracked=0',
    );
    assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'feature/sq']).status, 0);
    const r = reviewer.cli(['approve', 'origin/feature/sq']);
    assert.strictEqual(r.status, 2, r.stderr);
    assert.match(
      r.stderr,
      /origin\/feature\/sq is not in this clone yet: run `git fetch origin` \(or `countersign review`/,
    );
    assert.strictEqual(reviewer.gitResult(['notes', '--ref=countersign', 'list']).stdout, '', 'nothing signed');
    // The same name after a fetch signs what the clone now has.
    reviewer.git('fetch', '-q', 'origin');
    assert.strictEqual(reviewer.cli(['approve', 'origin/feature/sq', '--no-push']).status, 0);
  });
});
