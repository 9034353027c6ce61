import type { ApprovalStatement, SignedStatement } from '../core/approvalStatement';
import { withdrawnBy, type Withdrawals } from '../core/rewindWithdrawal';
import { parentsAbove } from './spanReach';

/**
 * The approvals of this push that an approved rewind in force on the branch withdraws (core/rewindWithdrawal.ts,
 * attack29 F6). `valid`: the statements that reach the push, signature checked; `plausible`: every statement that
 * could pass the key check, among them the rewinds. Git is asked only when an approval of the push has a statement
 * signed after it whose tip the push does not hold: one `git cat-file --batch-check` and one `git rev-list
 * --parents` over what those statements reach that the branch's value `old` does not (spanReach.ts's walk). A new
 * branch has no rewind in force.
 */
export async function withdrawnApprovals(
  cwd: string,
  o: {
    old: string | undefined;
    valid: readonly ApprovalStatement[];
    plausible: readonly SignedStatement[];
    inRange: ReadonlySet<string>;
    check: (s: SignedStatement) => boolean;
  },
): Promise<Withdrawals | undefined> {
  const approvals = o.valid.filter((st) => st.decision === 'approve');
  if (o.old === undefined || approvals.length === 0) return undefined;
  const first = Math.min(...approvals.map((st) => Date.parse(st.time)));
  const candidates = o.plausible.filter(
    ({ statement: st }) =>
      st.decision === 'approve' && st.base !== st.tip && !o.inRange.has(st.tip) && Date.parse(st.time) > first,
  );
  if (candidates.length === 0) return undefined;
  const starts = [...approvals.map((st) => st.tip), ...candidates.flatMap((s) => [s.statement.base, s.statement.tip])];
  const graph = await parentsAbove(cwd, starts, [o.old]);
  const out = withdrawnBy(approvals, candidates, graph, o.check);
  return Object.keys(out).length > 0 ? out : undefined;
}
