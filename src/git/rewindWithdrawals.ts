import type { ApprovalStatement, SignedStatement } from '../core/approvalStatement';
import type { GateCommit } from '../core/gateTypes';
import { knownForward, withdrawnBy, type Withdrawals } from '../core/rewindWithdrawal';
import { parentsAbove } from './spanReach';

/**
 * The approvals of this push that approved rewinds withdraw (core/rewindWithdrawal.ts, attack29 F6, attack31 F2),
 * on any protected ref, whatever its value. `valid`: the statements that reach the push, signature checked;
 * `plausible`: every statement that could pass the key check, among them the rewinds. Git is asked only when an
 * approval of the push has a statement signed after it that the push's own commits do not show to be an ordinary
 * approval (knownForward): one `git cat-file --batch-check` and one `git rev-list --parents` over what those
 * statements reach beyond the push's boundary `exclude` (the ref's value; for a new ref, the protected states it
 * is judged from: spanReach.ts's walk), whatever the number of statements.
 */
export async function withdrawnApprovals(
  cwd: string,
  o: {
    exclude: readonly string[];
    commits: readonly GateCommit[];
    valid: readonly ApprovalStatement[];
    plausible: readonly SignedStatement[];
    check: (s: SignedStatement) => boolean;
  },
): Promise<Withdrawals | undefined> {
  const approvals = o.valid.filter((st) => st.decision === 'approve');
  if (approvals.length === 0) return undefined;
  const first = Math.min(...approvals.map((st) => Date.parse(st.time)));
  const later = o.plausible.filter(
    ({ statement: st }) => st.decision === 'approve' && st.base !== st.tip && Date.parse(st.time) > first,
  );
  const forward = later.length > 0 ? knownForward(later, o.commits) : undefined;
  const candidates = later.filter((s) => !forward?.has(s));
  if (candidates.length === 0) return undefined;
  const starts = [...approvals.map((st) => st.tip), ...candidates.flatMap((s) => [s.statement.base, s.statement.tip])];
  const graph = await parentsAbove(cwd, starts, [...o.exclude]);
  const out = withdrawnBy(approvals, candidates, graph, o.check);
  return Object.keys(out).length > 0 ? out : undefined;
}
