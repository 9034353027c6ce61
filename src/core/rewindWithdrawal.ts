import type { ApprovalStatement, SignedStatement } from './approvalStatement';
import { shortSha } from './shortSha';

/**
 * An approved rewind withdraws the approvals of what it takes out (attack29 F6). With allowForcePushes, reviewers
 * take an approved change T off a branch by approving the rewind O → N (`countersign approve N --base O --rewind`,
 * O holding T, N not); the rewind is judged on its own approvals (core/rewindReview.ts). Then a keyless pusher
 * pushed T again as a fast-forward from N, and T's first approval carried it: "an approval covers it once"
 * (approvalReplay.ts, landedCopy.ts) looks only at the branch's history, which the rewind had emptied of T.
 *
 * The rule, stateless so that the server, `verify` in CI and pre-push agree: a valid approval statement S (base O,
 * tip N) is a rewind in force on a branch whose value is V when V holds N but not O — the branch went back from O
 * and has not come forward to it again. It withdraws every approval A signed before it (A.time < S.time) whose tip
 * O holds and N does not (a commit the rewind dropped, or a copy of one: a rebased approval is withdrawn with the
 * statement, wherever it would be carried). A reviewer's new approval, signed after the rewind, counts as before.
 * An ordinary approval (N holds O) withdraws nothing; nor does a rewind the branch has come forward from again.
 */

/** Per withdrawn approval (withdrawalKey), why it no longer counts. */
export type Withdrawals = Record<string, string>;

/** An approval's identity for Withdrawals: its reviewer, span, change and time (a copy with another signature is the same decision). */
export function withdrawalKey(st: ApprovalStatement): string {
  return JSON.stringify([st.reviewer.email, st.base, st.tip, st.patchId, st.time]);
}

/** What the rule reads of the history: the commits the branch's value does not hold that the statements reach. */
export interface WithdrawalGraph {
  /** Statement tips and bases that are commits in this repository. */
  present: ReadonlySet<string>;
  /** Each commit not held by the branch's value (reached from the statements), with its parents. */
  parents: ReadonlyMap<string, readonly string[]>;
}

/**
 * The approvals among `approvals` that rewinds in force among `candidates` withdraw. `check`: whether a statement
 * is signed by a listed reviewer's key (asked only of a rewind in force that would withdraw something, so junk
 * costs a signature check only where it would matter). Cost: one pass over the graph per distinct approved tip.
 */
export function withdrawnBy(
  approvals: readonly ApprovalStatement[],
  candidates: readonly SignedStatement[],
  graph: WithdrawalGraph,
  check: (s: SignedStatement) => boolean,
): Withdrawals {
  const out: Withdrawals = {};
  const held = (sha: string) => graph.present.has(sha) && !graph.parents.has(sha);
  const inForce = candidates.filter((s) => held(s.statement.tip) && graph.parents.has(s.statement.base));
  if (inForce.length === 0) return out;
  const children = new Map<string, string[]>();
  for (const [c, ps] of graph.parents) for (const p of ps) children.set(p, [...(children.get(p) ?? []), c]);
  const checked = new Map<SignedStatement, boolean>();
  const valid = (s: SignedStatement) => checked.get(s) ?? checked.set(s, check(s)).get(s) === true;
  const descendants = new Map<string, Set<string>>();
  for (const a of approvals) {
    if (!graph.parents.has(a.tip)) continue; // held by the branch: it took nothing out of it
    let below = descendants.get(a.tip);
    if (!below) {
      below = new Set<string>();
      const stack = [a.tip];
      for (let c = stack.pop(); c !== undefined; c = stack.pop()) {
        if (below.has(c)) continue;
        below.add(c);
        stack.push(...(children.get(c) ?? []));
      }
      descendants.set(a.tip, below);
    }
    const by = inForce.find(
      (s) => Date.parse(s.statement.time) > Date.parse(a.time) && below.has(s.statement.base) && valid(s),
    );
    if (by) out[withdrawalKey(a)] = withdrawnWhy(a, by.statement);
  }
  return out;
}

function withdrawnWhy(a: ApprovalStatement, by: ApprovalStatement): string {
  return `approval by ${a.reviewer.email} on ${shortSha(a.tip)} (${a.time}) no longer counts: ${by.reviewer.email} approved the rewind ${shortSha(by.base)} → ${shortSha(by.tip)} (${by.time}), which took ${shortSha(a.tip)} off the branch — fix: a reviewer who agrees it may come back approves it again`;
}
