import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { recordDecision } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, setup, type Setup } from '../helpers/gateServer';

/**
 * "An approval counts only with no later rejection by the same reviewer; per reviewer the later statement wins"
 * (DESIGN, "The gate"), when both reach the pushed commit through a rebased copy, by patch-id (issue 10). Bob
 * approves T on a feature branch, main moves on, Ada rebases T onto it (T', the same patch-id, so the approval
 * carries), and Bob then requests changes on T: the rejection reaches T' by patch-id and holds it. Bob approving T
 * again later lifts it. Real bare server, real pre-receive, real keys; `verify` asked about the same push each time.
 */
describe('a later rejection reaches a rebased copy by patch-id (real server)', function () {
  this.timeout(120_000);
  let s: Setup;
  after(() => fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true }));

  it('holds the rebased copy after a rejection of the original; a later approval of the original lands it', () => {
    s = setup();
    const { ada, bob } = s;
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
    const base = ada.git('rev-parse', 'origin/main');
    ada.git('checkout', '-q', '-b', 'feature');
    const t = commitFile(
      ada,
      'auth.py',
      'def ok(pw):\n    return len(pw) > 12\n',
      'auth\n\nAI-Provenance: v1 ai=2 human=0 untracked=0',
    );
    recordDecision(ada, bob, { email: 'bob@example.com', tip: t, base, time: minutesAgo(30) });
    const up = ada.gitResult(['push', 'origin', 'feature', 'refs/notes/countersign']);
    assert.strictEqual(up.status, 0, up.stderr);

    // main moves on by a human commit; T rebased onto it is T', carried by patch-id.
    ada.git('checkout', '-q', 'main');
    commitFile(ada, 'README.md', 'hello\nmore\n', 'docs\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0);
    ada.git('checkout', '-q', '-b', 'rebased', 'feature');
    ada.git('rebase', '-q', 'main');
    const t2 = ada.git('rev-parse', 'HEAD');
    assert.notStrictEqual(t2, t);

    // The carried approval alone would land T' (checked by verify only, so nothing lands yet).
    const carried = ada.cli(['verify', '--branch', 'main', '--format', 'json']);
    assert.strictEqual(carried.status, 0, carried.stdout + carried.stderr);

    // Bob then requests changes on the original T: the later statement wins on T' too.
    recordDecision(ada, bob, {
      email: 'bob@example.com',
      tip: t,
      base,
      decision: 'reject',
      comment: 'timing attack: compare in constant time',
      time: minutesAgo(20),
    });
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    const onServer = s.server.git('rev-parse', 'main');
    const held = verifyThenPush(ada, 'main', ['origin', 'HEAD:main']);
    assert.notStrictEqual(held.status, 0, 'the rebased copy landed past a later rejection of the original');
    assert.match(held.stderr, /requested changes/);
    assert.strictEqual(s.server.git('rev-parse', 'main'), onServer);

    // Bob approves the original again, later still: that approval reaches T' by patch-id and wins.
    recordDecision(ada, bob, {
      email: 'bob@example.com',
      tip: t,
      base,
      comment: 'fine after all',
      time: minutesAgo(10),
    });
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    const landed = verifyThenPush(ada, 'main', ['origin', 'HEAD:main']);
    assert.strictEqual(landed.status, 0, landed.stderr);
    assert.strictEqual(s.server.git('rev-parse', 'main'), t2);
  });
});
