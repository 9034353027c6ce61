import type { CommitDecision } from './gate';

/**
 * Whether no set of approvals can make a commit pass under the policy as it stands: fewer eligible reviewers
 * (listed, not its author or committer: core/approvalRules.ts eligibleReviewers) than it needs, or a required
 * role none of them has. Then messages drop "ask a reviewer" and name the policy change instead (newuser8 F9).
 */
export function cannotPass(
  d: Pick<CommitDecision, 'eligibleReviewers' | 'requiredApprovals' | 'requiredRoles'>,
): boolean {
  return (
    d.eligibleReviewers.length < d.requiredApprovals ||
    d.requiredRoles.some((role) => !d.eligibleReviewers.some((r) => r.role === role))
  );
}
