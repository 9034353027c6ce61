import type { Person } from '../gate';
import { eligibleReviewers, missingAddress, NO_ADDRESS_FIX, samePerson, selfReview } from '../approvalRules';
import { personLabel } from '../gate';
import { POLICY_FILE, type Policy, type Reviewer } from '../policy';
import { shortSha } from '../shortSha';

/**
 * Checks made before signing a decision from the editor, so that the reviewer hears "this approval would
 * not count" before ssh-keygen asks for a passphrase, not after the statement is recorded: user.email names
 * a reviewer of the policy, the configured key is that reviewer's key, and the commit is not their own
 * (docs/design.md: the signer is never the commit's author or committer). The gate checks all of it again.
 */
export type PreflightCode = 'noEmail' | 'policyUnreadable' | 'notReviewer' | 'keyMismatch' | 'ownCommit';

export interface PreflightProblem {
  code: PreflightCode;
  message: string;
  /** ownCommit: the listed reviewers whose approval would count for every commit the decision covers. */
  mayApprove?: string[];
}

export interface PreflightInput {
  email: string | undefined;
  /** The policy the gate applies (from the protected branch), when there is one. */
  policy: Policy | undefined;
  /** Why the policy on the policy branch cannot be read, when it cannot: the gate then counts no approval. */
  policyProblem?: string;
  /** Where the policy came from, for messages: `origin/main`. */
  policyFrom: string;
  /** The public key line of the configured signing key, when it could be read. */
  keyLine: string | undefined;
  keySource: string;
  /** The commits the decision covers (the editor: the one commit chosen; approve: every commit of base..tip). */
  commits: Array<{ sha: string; author: Person; committer: Person }>;
  decision: 'approve' | 'reject';
  /** Where the reviewer is: the fix for another key is an editor command there, git config / --key in the CLI. */
  surface?: 'editor' | 'cli';
}

/** The base64 blob of an OpenSSH public key line: what identifies the key (type and comment aside). */
export function keyBlob(line: string): string {
  return line.trim().split(/\s+/)[1] ?? '';
}

export function reviewPreflight(i: PreflightInput): PreflightProblem | undefined {
  if (!i.email) {
    return {
      code: 'noEmail',
      message:
        'git user.email is not set: a decision is signed as the reviewer it names. Set it to the address the policy lists for you (git config user.email you@example.com).',
    };
  }
  if (i.policyProblem) {
    return {
      code: 'policyUnreadable',
      // newuser16 F19: the one approval that can count here is of the fix itself, on a server an administrator
      // opened with --recover, which judges it under its last readable policy: say so, rather than "never".
      message: `${POLICY_FILE} on ${i.policyFrom} cannot be read (${i.policyProblem}), so the gate counts no approval until it is fixed — except of the fix itself on a self-hosted server whose administrator ran \`countersign install --server --recover\`, which judges it under the last policy it could read: approve that fix with --force (the author pushes it with \`git push --no-verify\`, since the local check cannot read the policy either).`,
    };
  }
  let reviewer: Reviewer | undefined;
  if (i.policy) {
    reviewer = i.policy.reviewers.find((r) => samePerson(r.email, i.email));
    if (!reviewer) {
      const listed = i.policy.reviewers.map((r) => personLabel(r)).join(', ') || 'nobody';
      return {
        code: 'notReviewer',
        message: `You (${i.email}) are not a reviewer in ${POLICY_FILE} on ${i.policyFrom} (it lists ${listed}). Ask a maintainer to add you with your SSH key, or set git user.email to the address listed for you.`,
      };
    }
    if (i.keyLine !== undefined && keyBlob(i.keyLine) !== keyBlob(reviewer.key)) {
      return {
        code: 'keyMismatch',
        message: `Your signing key (${i.keySource}) is not the key ${POLICY_FILE} on ${i.policyFrom} lists for ${reviewer.email}, so the gate would not count your signature. ${i.surface === 'cli' ? 'Sign with the listed key: git config user.signingkey FILE.pub (or --key FILE.pub)' : 'Choose the listed key with "Countersign: Set Reviewer Signing Key"'}, or get the policy updated through review.`,
      };
    }
  }
  const email = i.email;
  const own = i.decision === 'approve' ? i.commits.filter((c) => selfReview(email, c) !== undefined) : [];
  if (own.length > 0) {
    const c = own[0];
    const role = selfReview(email, c);
    const more =
      own.length > 1 ? ` (and ${own.length - 1} more of the ${i.commits.length} commits this decision covers)` : '';
    // Who to ask instead: a reviewer the policy lists now (not a retired one) whose approval counts for every
    // commit the decision covers — the same-person rule (eligibleReviewers) over all of them, not only the signer's
    // own: filtered by those alone, the hint named Carol for a change she wrote part of.
    const others = i.policy
      ? i.policy.reviewers
          .filter((r) => i.commits.every((o) => eligibleReviewers(i.policy as Policy, o).includes(r)))
          .map((r) => personLabel(r))
      : [];
    // No address on it (approvalRules.missingAddress): nobody's approval counts, so there is nobody to ask.
    const unnamed = missingAddress(c);
    if (unnamed !== undefined)
      return {
        code: 'ownCommit',
        mayApprove: [],
        message: `${shortSha(c.sha)}${more} ${unnamed}, so nobody can be shown not to be its author or committer: no reviewer's approval counts for it, yours included, until it is re-created — fix: ${NO_ADDRESS_FIX}.`,
      };
    return {
      code: 'ownCommit',
      mayApprove: others,
      message: `You ${role} ${shortSha(c.sha)}${more}: under the two-person rule your approval does not count for it.${others.length > 0 ? ` Ask ${others.join(' or ')}.` : ''}${i.surface === 'cli' ? ' (To withdraw a request for changes you made on your own commit, add --force: your own later statement lifts it, though it does not count as an approval.)' : ''}`,
    };
  }
  return undefined;
}
