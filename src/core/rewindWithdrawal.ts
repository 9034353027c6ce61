import type { ApprovalStatement, SignedStatement } from './approvalStatement';
import { shortSha } from './shortSha';

/**
 * An approved rewind withdraws the approvals of what it takes out (attack29 F6, attack31 F2). With allowForcePushes,
 * reviewers take an approved change T off a branch by approving the rewind O → N (`countersign approve N --base O
 * --rewind`, O holding T, N not); the rewind is judged on its own approvals (core/rewindReview.ts). Then a keyless
 * pusher pushed T again as a fast-forward from N, and T's first approval carried it: "an approval covers it once"
 * (approvalReplay.ts, landedCopy.ts) looks only at the branch's history, which the rewind had emptied of T.
 *
 * The rule, stateless so that the server, `verify` in CI and pre-push agree: a valid approval statement S (base O,
 * tip N) withdraws every approval A signed before it (A.time < S.time) whose tip O holds and N does not — a commit
 * the rewind dropped, or a copy of one: a rebased approval is withdrawn with the statement, wherever it would be
 * carried. It holds on every protected ref whatever the ref's value now: session 24 applied it only while the
 * branch held N but not O, and a keyless rewind past N (attack31 F2), or T pushed as a new protected branch or tag,
 * took the team's rewind out of force. A reviewer's new approval, signed after the rewind, counts as before. An
 * ordinary approval withdraws nothing: its base is an ancestor of its tip, so the tip holds all the base does.
 * A statement whose tip is not in the repository is not known to be a rewind, and withdraws nothing.
 */

/** Per withdrawn approval (withdrawalKey), why it no longer counts. */
export type Withdrawals = Record<string, string>;

/** An approval's identity for Withdrawals: its reviewer, span, change and time (a copy with another signature is the same decision). */
export function withdrawalKey(st: ApprovalStatement): string {
  return JSON.stringify([st.reviewer.email, st.base, st.tip, st.patchId, st.time]);
}

/**
 * What the rule reads of the history: the commits the statements reach that the push's boundary (the ref's value, or
 * for a new ref the protected states it is judged from) does not. Exact for an approval outside the boundary: every
 * commit holding it is outside too, so O and N hold it exactly when they reach it in this graph (a tip inside the
 * boundary holds none of it). An approval inside the boundary covers nothing the push adds but through a copy.
 */
export interface WithdrawalGraph {
  /** Statement tips and bases that are commits in this repository. */
  present: ReadonlySet<string>;
  /** Each commit the boundary does not hold (reached from the statements), with its parents. */
  parents: ReadonlyMap<string, readonly string[]>;
}

/**
 * The approvals among `approvals` that rewind statements among `candidates` withdraw. `check`: whether a statement
 * is signed by a listed reviewer's key (asked only of one that would withdraw something, so junk costs a signature
 * check only where it would matter). Cost: one pass over the graph per distinct approved tip.
 */
export function withdrawnBy(
  approvals: readonly ApprovalStatement[],
  candidates: readonly SignedStatement[],
  graph: WithdrawalGraph,
  check: (s: SignedStatement) => boolean,
): Withdrawals {
  const out: Withdrawals = {};
  // O outside the boundary (else it holds nothing outside it), N here (else not known to be a rewind).
  const rewinds = candidates.filter((s) => graph.present.has(s.statement.tip) && graph.parents.has(s.statement.base));
  if (rewinds.length === 0) return out;
  const children = new Map<string, string[]>();
  for (const [c, ps] of graph.parents) for (const p of ps) children.set(p, [...(children.get(p) ?? []), c]);
  const checked = new Map<SignedStatement, boolean>();
  const valid = (s: SignedStatement) => checked.get(s) ?? checked.set(s, check(s)).get(s) === true;
  const descendants = new Map<string, Set<string>>();
  for (const a of approvals) {
    if (!graph.parents.has(a.tip)) continue; // inside the boundary: it covers nothing the push adds by ancestry
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
    // `below`: the commits that hold a.tip. O holds it, N does not (so O is not an ancestor of N: a rewind).
    const by = rewinds.find(
      (s) =>
        Date.parse(s.statement.time) > Date.parse(a.time) &&
        below.has(s.statement.base) &&
        !below.has(s.statement.tip) &&
        valid(s),
    );
    if (by) out[withdrawalKey(a)] = withdrawnWhy(a, by.statement);
  }
  return out;
}

/** How many distinct tips in the push knownForward walks in memory; past it, git's walk decides the rest. */
const MAX_FORWARD_TIPS = 32;

/**
 * The candidates that are surely not rewinds, known from the push's own commits without asking git: the tip is
 * in the push and the base is among its ancestors there (or their parents, the push's boundary). The push's own
 * approvals signed at different times (two reviewers of one tip) are such: they no longer cost a git walk.
 */
export function knownForward(
  candidates: readonly SignedStatement[],
  commits: ReadonlyArray<{ sha: string; parents: readonly string[] }>,
): Set<SignedStatement> {
  const parents = new Map(commits.map((c) => [c.sha, c.parents]));
  const reach = new Map<string, Set<string>>();
  const out = new Set<SignedStatement>();
  for (const s of candidates) {
    const { tip, base } = s.statement;
    if (!parents.has(tip)) continue;
    let seen = reach.get(tip);
    if (!seen) {
      if (reach.size >= MAX_FORWARD_TIPS) continue;
      seen = new Set<string>();
      for (const stack = [tip]; stack.length > 0;) {
        const c = stack.pop() as string;
        if (seen.has(c)) continue;
        seen.add(c);
        stack.push(...(parents.get(c) ?? [])); // a parent outside the push is added, not walked
      }
      reach.set(tip, seen);
    }
    if (seen.has(base)) out.add(s);
  }
  return out;
}

function withdrawnWhy(a: ApprovalStatement, by: ApprovalStatement): string {
  return `approval by ${a.reviewer.email} on ${shortSha(a.tip)} (${a.time}) no longer counts: ${by.reviewer.email} approved the rewind ${shortSha(by.base)} → ${shortSha(by.tip)} (${by.time}), which took ${shortSha(a.tip)} off the branch — fix: a reviewer who agrees it may come back approves it again`;
}
