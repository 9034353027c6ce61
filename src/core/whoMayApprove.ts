import { personLabel, samePerson, type CommitPeople } from './approvalRules';
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
): string {
  // A header git and Countersign may read differently leaves nobody eligible (approvalRules.selfReview): the way
  // out is a new commit, not another reviewer or another policy.
  if (c.headerProblem !== undefined)
    return 'nobody may approve it as it is: its header is unreadable, so no reviewer can be shown not to be its author or committer — re-create the commit (see above), then ask for review';
  // Name only reviewers whose signature would still change the outcome: not those who already approved.
  const remaining = eligible.filter((r) => !approvals.some((a) => samePerson(a.reviewer, r.email)));
  // Too few eligible reviewers is said up front, not after the last of them approved (newuser8 F9).
  if (eligible.length > 0 && eligible.length < needed)
    return `can never pass as the policy stands: it needs ${needed} approvals and the policy lists ${eligible.length} eligible reviewer(s) (${eligible.map(personLabel).join(', ')}; nobody approves their own change) — add reviewers to ${POLICY_FILE} (through review) or lower the requirement`;
  if (remaining.length > 0) return `may approve: ${remaining.map(personLabel).join(', ')}`;
  if (eligible.length > 0)
    return `no other reviewer may approve: the policy lists ${eligible.length} eligible reviewer(s) and all have approved — add reviewers to ${POLICY_FILE} (through review) or lower the requirement`;
  return `nobody may approve: the policy lists no reviewer other than this commit's author/committer, and nobody approves their own change — to add a reviewer, have the reviewer being added author the ${POLICY_FILE} change that lists them (you then approve it), or list every reviewer in the first policy (countersign init / policy init --reviewer … --key …) before it reaches the branch (docs/rollout.md)`;
}
