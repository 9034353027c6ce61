import * as assert from 'assert';
import { parseStatementNote, formatStatementLine, type ApprovalStatement } from '../../../src/core/approvalStatement';
import { RangeIndex, ReviewerKeys } from '../../../src/core/approvalRules';
import { parsePolicy } from '../../../src/core/policy';
import { StatementStanding } from '../../../src/core/statementStanding';
import { sign } from '../helpers/approvals';
import { makeKey } from '../helpers/reviewerKeys';

/**
 * Junk statement lines (signed by no listed key, or naming no listed reviewer) mixed with a real approval, with real
 * ssh-keygen signatures: the standing a judgement reads — which approvals count, which statements are named as not
 * counting and why, how many more there are, which unreadable lines hold a commit — is the same whether junk is
 * refused early without a check (ReviewerKeys.plausible) or every statement is checked in full, as before perf17.
 */
describe('junk statement lines beside a real approval (verdict and messages unchanged by the cheap path)', function () {
  this.timeout(60_000);
  const bob = makeKey('bob');
  const carol = makeKey('carol');
  const mallory = makeKey('mallory');
  const policy = parsePolicy(
    JSON.stringify({
      protectedBranches: ['main'],
      reviewers: [
        { name: 'Bob', email: 'bob@example.com', key: bob.publicKey },
        { name: 'Carol', email: 'carol@example.com', key: carol.publicKey },
      ],
    }),
    'p.json',
  );
  const hex = (n: number) => n.toString(16).padStart(40, '0');
  const BASE = hex(0xba5e);
  const commits = [1, 2, 3].map((n) => ({ sha: hex(n), tree: hex(1000 + n), parents: [n === 1 ? BASE : hex(n - 1)] }));
  const approval: ApprovalStatement = {
    v: 1,
    decision: 'approve',
    reviewer: { name: 'Bob', email: 'bob@example.com' },
    tip: hex(3),
    tree: hex(1003),
    base: BASE,
    patchId: hex(5003),
    time: '2026-01-01T00:00:00Z',
  };
  const at = (n: number, o: Partial<ApprovalStatement> = {}): ApprovalStatement => ({
    ...approval,
    tip: hex(n),
    tree: hex(1000 + n),
    time: `2026-01-02T00:00:${String(n).padStart(2, '0')}Z`,
    ...o,
  });

  /** The note lines: junk of every kind before and after the real approval, more than the gate names one by one. */
  function noteLines(): string[] {
    const mallorySig = sign(mallory, approval).signature;
    const lines: string[] = [];
    const junk = (st: ApprovalStatement, signature: string) =>
      lines.push(formatStatementLine({ statement: st, signature }));
    // Naming Bob, signed by a key the policy does not list (one signature copied onto many statements).
    for (let i = 0; i < 12; i++)
      junk({ ...at(1 + (i % 3)), time: `2026-01-03T00:00:${String(i).padStart(2, '0')}Z` }, mallorySig);
    // Naming Bob, signed by Carol's key: another listed reviewer's key.
    lines.push(formatStatementLine(sign(carol, { ...at(2), reviewer: { email: 'bob@example.com' } })));
    // Bob's own signature over another statement: plausible, and refused by the check.
    const bobsOther = sign(bob, at(1));
    junk({ ...at(2), comment: 'altered' }, bobsOther.signature);
    // A reviewer the policy does not list.
    for (let i = 0; i < 6; i++) junk({ ...at(3), reviewer: { email: `eve${i}@example.com` } }, mallorySig);
    lines.push(formatStatementLine(sign(bob, approval)));
    for (let i = 0; i < 15; i++)
      junk(
        { ...at(1 + (i % 3)), decision: 'reject', time: `2026-01-04T00:00:${String(i).padStart(2, '0')}Z` },
        mallorySig,
      );
    // Not a signature at all, and not a statement: unreadable.
    lines.push('{"statement":{"v":1},"signature":"-----BEGIN SSH SIGNATURE-----junk"}');
    lines.push('not json');
    return lines;
  }

  function standing(withPlausible: boolean, lines: string[]) {
    const parsed = parseStatementNote(lines.join('\n'), `the note on ${hex(2)}`);
    const keys = new ReviewerKeys(policy);
    return {
      parsed,
      standing: new StatementStanding({
        range: new RangeIndex(commits, BASE, {}),
        keys: withPlausible ? keys : { check: (s) => keys.check(s) },
        statements: parsed.statements.map((signed) => ({ attachedTo: hex(2), signed })),
        statementErrors: parsed.errors.map((error) => ({ attachedTo: hex(2), error })),
      }),
    };
  }

  const people = { author: { email: 'ada@example.com' }, committer: { email: 'ada@example.com' } };
  const view = (s: StatementStanding) => ({
    notices: s.notices,
    commits: commits.map((c) => {
      const f = s.forCommit({ ...c, ...people });
      const on = s.statementsOn(c.sha);
      return {
        approvals: f.approvals.map((a) => a.reviewer.email),
        rejections: f.rejections.length,
        ignored: f.ignored,
        unreadable: f.unreadable,
        valid: on.valid.map((v) => v.reviewer.email),
        refused: on.refused.map((r) => r.why),
      };
    }),
  });

  it('names the same refusals, counts the same junk and holds the same commits, with or without the cheap path', () => {
    const lines = noteLines();
    const cheap = standing(true, lines);
    const full = standing(false, lines);
    assert.deepStrictEqual(view(cheap.standing), view(full.standing));
    const v = view(cheap.standing);
    // The real approval counts on the tip; the 35 junk statements do not, the first 20 named, all counted.
    assert.deepStrictEqual(v.commits[2].approvals, ['bob@example.com']);
    assert.deepStrictEqual(v.notices, [
      "35 statements on this push's commits do not count (not signed by the key of the reviewer they name); the first 20 are named on the commits they would cover.",
    ]);
    const named = v.commits.flatMap((c) => c.ignored.filter((i) => / does not count: /.test(i)));
    assert.ok(
      named.some((i) => /signed with the key of Carol/.test(i)),
      named.join('\n'),
    );
    assert.ok(
      named.some((i) => /does not verify with bob@example.com's key/.test(i)),
      named.join('\n'),
    );
    // The unreadable lines still hold the commit whose note holds them and its ancestors (fail closed).
    assert.strictEqual(cheap.parsed.errors.length, 2);
    assert.deepStrictEqual(
      v.commits.map((c) => c.unreadable?.shown.length),
      [2, 2, undefined],
    );
  });

  it('reads CRLF note lines as before, and reports an unreadable line by its line number', () => {
    const lines = noteLines();
    const crlf = parseStatementNote(lines.join('\r\n') + '\r\n', 'n');
    const lf = parseStatementNote(lines.join('\n') + '\n', 'n');
    assert.deepStrictEqual(crlf, lf);
    assert.match(lf.errors[1], new RegExp(`^n line ${lines.length}: not JSON`));
  });
});
