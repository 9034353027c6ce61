import type { Person } from '../gate';
import { eligibleReviewers, samePerson, selfReview } from '../approvalRules';
import { personLabel } from '../gate';
import { POLICY_FILE, type Policy, type Reviewer } from '../policy';

/**
 * Checks made before signing a decision from the editor, so that the reviewer hears "this approval would
 * not count" before ssh-keygen asks for a passphrase, not after the statement is recorded: user.email names
 * a reviewer of the policy, the configured key is that reviewer's key, and the commit is not their own
 * (DESIGN.md: the signer is never the commit's author or committer). The gate checks all of it again.
 */
export type PreflightCode = 'noEmail' | 'notReviewer' | 'keyMismatch' | 'ownCommit';

export interface PreflightProblem {
  code: PreflightCode;
  message: string;
}

export interface PreflightInput {
  email: string | undefined;
  /** The policy the gate applies (from the protected branch), when there is one. */
  policy: Policy | undefined;
  /** Where the policy came from, for messages: `origin/main`. */
  policyFrom: string;
  /** The public key line of the configured signing key, when it could be read. */
  keyLine: string | undefined;
  keySource: string;
  commit: { sha: string; author: Person; committer: Person } | undefined;
  decision: 'approve' | 'reject';
}


/** The base64 blob of an OpenSSH public key line: what identifies the key (type and comment aside). */
export function keyBlob(line: string): string {
  return line.trim().split(/\s+/)[1] ?? '';
}

export function reviewPreflight(i: PreflightInput): PreflightProblem | undefined {
  if (!i.email) {
    return { code: 'noEmail', message: 'git user.email is not set: a decision is signed as the reviewer it names. Set it to the address the policy lists for you (git config user.email you@example.com).' };
  }
  let reviewer: Reviewer | undefined;
  if (i.policy) {
    reviewer = i.policy.reviewers.find((r) => samePerson(r.email, i.email));
    if (!reviewer) {
      const listed = i.policy.reviewers.map((r) => personLabel(r)).join(', ') || 'nobody';
      return { code: 'notReviewer', message: `You (${i.email}) are not a reviewer in ${POLICY_FILE} on ${i.policyFrom} (it lists ${listed}). Ask a maintainer to add you with your SSH key, or set git user.email to the address listed for you.` };
    }
    if (i.keyLine !== undefined && keyBlob(i.keyLine) !== keyBlob(reviewer.key)) {
      return { code: 'keyMismatch', message: `Your signing key (${i.keySource}) is not the key ${POLICY_FILE} on ${i.policyFrom} lists for ${reviewer.email}, so the gate would not count your signature. Choose the listed key with "Countersign: Set Reviewer Signing Key", or get the policy updated through review.` };
    }
  }
  if (i.commit && i.decision === 'approve') {
    const c = i.commit;
    const role = selfReview(i.email, c);
    if (role) {
      const others = i.policy ? eligibleReviewers(i.policy, c).map((r) => personLabel(r)) : [];
      return { code: 'ownCommit', message: `You ${role} ${c.sha.slice(0, 12)}: under the two-person rule your approval does not count for it.${others.length > 0 ? ` Ask ${others.join(' or ')}.` : ''}` };
    }
  }
  return undefined;
}
