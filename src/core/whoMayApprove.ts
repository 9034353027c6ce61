import { missingAddress, NO_ADDRESS_FIX, personLabel, samePerson, type CommitPeople } from './approvalRules';
import { POLICY_FILE, type Reviewer } from './policy';

/**
 * The last reason of a blocked commit (gate.ts): who may still approve it, or why nobody can — a separate module
 * so that each case says its own way out rather than one "nobody may approve" for all.
 * `eligible`: eligibleReviewers(policy, c); `approvals`: those that count; `needed`: how many must.
 */
export function whoMayApprove(
  c: CommitPeople,
  eligible: Reviewer[],
  approvals: Array<{ reviewer: string }>,
  needed: number,
  requested: Requester[] = [],
): string {
  // A header git and Countersign may read differently leaves nobody eligible (approvalRules.selfReview): the way
  // out is a new commit, not another reviewer or another policy.
  if (c.headerProblem !== undefined)
    return 'nobody may approve it as it is: its header is unreadable, so no reviewer can be shown not to be its author or committer — re-create the commit (see above), then ask for review';
  const unnamed = missingAddress(c);
  if (unnamed !== undefined)
    return `nobody may approve it as it is: it ${unnamed}, so no reviewer can be shown not to be its author or committer — fix: ${NO_ADDRESS_FIX}; then ask for review`;
  // Name only reviewers whose signature would still change the outcome: not those who already approved.
  const remaining = eligible.filter((r) => !approvals.some((a) => samePerson(a.reviewer, r.email)));
  // Too few eligible reviewers is said up front, not after the last of them approved (newuser8 F9).
  if (eligible.length > 0 && eligible.length < needed)
    return `can never pass as the policy stands: it needs ${needed} approvals and the policy lists ${eligible.length} eligible reviewer(s) (${eligible.map(personLabel).join(', ')}; nobody approves their own change) — add reviewers to ${POLICY_FILE} (through review) or lower the requirement`;
  // A standing request for changes is lifted only by its reviewer's approval (newuser17 F3: Lea was named
  // though her approval changed nothing): they come first, and the others only while approvals are still short.
  if (requested.length > 0) {
    const lifters = requested.map((q) => personLabel(eligible.find((r) => samePerson(r.email, q.email)) ?? q));
    const others = remaining.filter((r) => !requested.some((q) => samePerson(q.email, r.email)));
    return othersChangeNothing({ approvals, requiredApprovals: needed, changesRequested: requested }) ||
      others.length === 0
      ? `may approve: ${lifters.join(', ')} — only they can lift their request for changes; others' approvals change nothing`
      : `may approve: ${lifters.join(', ')} (only they can lift their request for changes), and for the approvals still missing: ${others.map(personLabel).join(', ')}`;
  }
  if (remaining.length > 0) return `may approve: ${remaining.map(personLabel).join(', ')}`;
  if (eligible.length > 0)
    return `no other reviewer may approve: the policy lists ${eligible.length} eligible reviewer(s) and all have approved — add reviewers to ${POLICY_FILE} (through review) or lower the requirement`;
  return `nobody may approve: the policy lists no reviewer other than this commit's author/committer, and nobody approves their own change — to add a reviewer, have the reviewer being added author the ${POLICY_FILE} change that lists them (you then approve it), or list every reviewer in the first policy (countersign init / policy init --reviewer … --key …) before it reaches the branch (docs/rollout.md)`;
}

type Requester = { name?: string; email: string };

/**
 * Whether the approval of someone who did not request changes is of no use to a held commit: the requesters'
 * own approvals, once given, make up the approvals still missing. (The reviewer roles a policy may require are
 * left to the gate's own reason about them.)
 */
function othersChangeNothing(d: {
  approvals: Array<{ reviewer: string }>;
  requiredApprovals: number;
  changesRequested?: Requester[];
}): boolean {
  const requested = d.changesRequested ?? [];
  if (requested.length === 0) return false;
  const fromRequesters = requested.filter((q) => !d.approvals.some((a) => samePerson(a.reviewer, q.email))).length;
  return d.approvals.length + fromRequesters >= d.requiredApprovals;
}

/**
 * Why `email`'s approval would not unblock a commit held by someone else's request for changes (undefined:
 * it would, or nothing holds it): what review and the panel say instead of offering an approve command.
 */
export function heldForOthers(
  d: { approvals: Array<{ reviewer: string }>; requiredApprovals: number; changesRequested?: Requester[] },
  email: string | undefined,
): string | undefined {
  const requested = d.changesRequested ?? [];
  if (requested.length === 0 || requested.some((q) => samePerson(q.email, email))) return undefined;
  if (!othersChangeNothing(d)) return undefined;
  return `${requested.map((q) => personLabel(q)).join(', ')} requested changes on it: only their approval lifts the request, and yours would change nothing.`;
}
