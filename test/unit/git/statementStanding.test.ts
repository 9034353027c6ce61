import * as assert from 'assert';
import { attach, sign, statementFor } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, setup, type Setup } from '../helpers/gateServer';

/**
 * Which statements count for a commit is decided in one place (src/core/statementStanding.ts) for the gate,
 * `verify`, `report`, `explain` and the review panel (issue 10, "One rule, one place"). Each case is a real
 * bare server with the installed pre-receive, `verify` agreeing with it, and `report` and `explain` asked about
 * the same commits, where they previously disagreed with the gate.
 */
describe('one rule for which statements count: gate, verify, report and explain agree (real server)', function () {
  this.timeout(180_000);

  let s: Setup;
  before(() => { s = setup(); });

  const ai = (n: number) => Array.from({ length: n }, (_, i) => `ai ${i}`).join('\n') + '\n';
  const trailer = (n: number) => `AI-Provenance: v1 ai=${n} human=0 untracked=0`;
  const minute = (m: number) => new Date(Date.UTC(2026, 10, 29, 12, m)).toISOString();

  function pushNotes(): void {
    const r = s.ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']);
    assert.strictEqual(r.status, 0, r.stderr);
  }

  it('a rejection of base..T2 holds its prefix H when only H is pushed, until the reviewer approves again', () => {
    s.ada.git('checkout', '-q', '-B', 'feature', 'origin/main');
    const base = s.ada.git('rev-parse', 'HEAD');
    const h = commitFile(s.ada, 'h.ts', ai(30), `H\n\n${trailer(30)}`);
    const t2 = commitFile(s.ada, 't2.ts', ai(10), `T2\n\n${trailer(10)}`);
    assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'feature']).status, 0);
    attach(s.ada.dir, sign(s.bob, statementFor(s.ada.dir, { email: 'bob@example.com', tip: h, base, time: minute(1) })), h, s.ada.env);
    attach(s.ada.dir, sign(s.bob, statementFor(s.ada.dir, { email: 'bob@example.com', tip: t2, base, decision: 'reject', time: minute(2), comment: 'the approach in H is wrong' })), t2, s.ada.env);
    pushNotes();

    s.ada.git('checkout', '-q', '--detach', h);
    const held = verifyThenPush(s.ada, 'main', ['origin', `${h}:main`]);
    assert.notStrictEqual(held.status, 0, 'the later rejection of base..T2 must void the approval of H');
    assert.match(held.stderr, /requested changes on .* "the approach in H is wrong"/);

    // report and explain, asked about H on the feature branch and on main's history alike, say what the gate says.
    const report = (rev: string) => JSON.parse(s.ada.cli(['report', '--format', 'json', rev]).stdout) as { reviewedCommits: number };
    assert.strictEqual(report(`${base}..${h}`).reviewedCommits, 0, 'report over base..H: the rejection of base..T2 voids the approval of H');
    assert.strictEqual(report(`${base}..${t2}`).reviewedCommits, 0);
    const explained = JSON.parse(s.ada.cli(['explain', h, '--json', '--branch', 'main']).stdout) as { approvals: { statements: Array<{ decision: string; counts: boolean; why?: string }> } };
    const approval = explained.approvals.statements.find((x) => x.decision === 'approve');
    assert.ok(approval && !approval.counts && /later rejection/.test(approval.why ?? ''), JSON.stringify(explained.approvals));

    attach(s.ada.dir, sign(s.bob, statementFor(s.ada.dir, { email: 'bob@example.com', tip: h, base, time: minute(3) })), h, s.ada.env);
    pushNotes();
    const lifted = verifyThenPush(s.ada, 'main', ['origin', `${h}:main`]);
    assert.strictEqual(lifted.status, 0, lifted.stderr);
    assert.strictEqual(report(`${base}..${h}`).reviewedCommits, 1, 'approved again after the rejection: reviewed');
  });
});
