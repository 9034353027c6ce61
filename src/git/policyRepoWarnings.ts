import { samePerson } from '../core/approvalRules';
import { canonicalStatementBytes, type SignedStatement } from '../core/approvalStatement';
import { closest } from '../core/didYouMean';
import { matchGlob } from '../core/glob';
import type { Policy } from '../core/policy';
import { REVIEW_NAMESPACE, verifySshSignature } from '../core/sshsig';
import { gatherApprovals } from './approvalNotes';
import { clientPolicyBranch, policyTextAt } from './policyBranch';
import { defaultRemote } from './remotes';
import { runGit } from './gitRunner';
import { REVIEW_NOTES_REF, TRACKING_PREFIX } from './notesConfig';

/**
 * `policy check`'s warnings about the policy against this repository (newuser12 P4, P13): typos that pass the
 * schema but make the policy say something else than meant. Each is chosen to have no false alarm on a healthy
 * repository, so none is an error:
 * - a protected branch named literally (no glob) that matches no branch here or on a fetched remote, when the
 *   repository has branches at all (`"mian"`); a glob (`release/*`) for branches not cut yet is normal;
 * - a listed reviewer whose key signed statements under another address: approvals are matched by address, so
 *   those approvals do not count for the address listed (a typo in the policy, or an address changed since).
 *   Only statements whose address no reviewer has are verified, and one of each such address is enough.
 */
export async function policyRepoWarnings(cwd: string, policy: Policy): Promise<string[]> {
  try {
    return [...(await unmatchedBranches(cwd, policy)), ...(await reviewersSigningAsOthers(cwd, policy))];
  } catch {
    return []; // not a repository (policy check FILE anywhere), or notes the gate reports on itself
  }
}

async function unmatchedBranches(cwd: string, policy: Policy): Promise<string[]> {
  const refs = await runGit(['for-each-ref', '--format=%(refname)', 'refs/heads/', 'refs/remotes/'], { cwd });
  const names = new Set(
    refs.stdout
      .split('\n')
      .filter((r) => r !== '' && !r.endsWith('/HEAD'))
      .map((r) => r.replace(/^refs\/heads\//, '').replace(/^refs\/remotes\/[^/]+\//, '')),
  );
  if (names.size === 0) return [];
  return policy.protectedBranches
    .filter((p) => !/[*?[]/.test(p) && ![...names].some((n) => matchGlob(p, n)))
    .map((p) => {
      const near = closest(p, [...names]);
      return `protectedBranches names '${p}', which matches no branch here or on a fetched remote${near ? ` — did you mean '${near}'?` : ' (fine if it is not created yet)'}`;
    });
}

async function reviewersSigningAsOthers(cwd: string, policy: Policy): Promise<string[]> {
  const tracking = await runGit(['for-each-ref', '--format=%(refname)', TRACKING_PREFIX], { cwd });
  const refs = [REVIEW_NOTES_REF, ...tracking.stdout.split('\n').filter((r) => r.endsWith('/countersign'))];
  const { statements } = await gatherApprovals(cwd, refs);
  const unlisted = new Map<string, { first: SignedStatement; count: number }>();
  for (const { signed } of statements) {
    const email = signed.statement.reviewer.email;
    if (policy.reviewers.some((r) => samePerson(r.email, email))) continue;
    const seen = unlisted.get(email.toLowerCase());
    if (seen) seen.count++;
    else unlisted.set(email.toLowerCase(), { first: signed, count: 1 });
  }
  const out: string[] = [];
  for (const { first, count } of unlisted.values()) {
    const message = canonicalStatementBytes(first.statement);
    const signer = policy.reviewers.find(
      (r) =>
        verifySshSignature({ message, signature: first.signature, publicKey: r.key, namespace: REVIEW_NAMESPACE }).ok,
    );
    if (signer)
      out.push(
        `reviewer ${signer.email}'s key signed ${count} approval statement(s) as ${first.statement.reviewer.email}: approvals are matched by address, so they do not count for ${signer.email} — a typo in the policy's address, or the reviewer's user.email?`,
      );
  }
  return out;
}

/**
 * The contract's "`policy check` warns when it differs" (DESIGN, "Policy"; newuser13 R21): a policy edited on a
 * branch or in the work tree is not what the gate uses — that is the copy on the policy branch as fetched (the
 * local branch without a remote) — until it lands there through review. Undefined when they agree, or when the
 * policy branch has no policy yet (the first policy is what `init` writes).
 */
export async function gatePolicyDifference(cwd: string, text: string): Promise<string | undefined> {
  try {
    const branch = await clientPolicyBranch(cwd);
    if (!branch) return undefined;
    const remote = await defaultRemote(cwd).catch(() => undefined);
    const where = remote ? `${remote}/${branch}` : branch;
    const there = await policyTextAt(cwd, remote ? `refs/remotes/${remote}/${branch}` : `refs/heads/${branch}`);
    if (there === undefined || there === text) return undefined;
    return `this file differs from .countersign.json on ${where}, which is the policy the gate uses; it takes effect once it lands on ${where} (a policy change, reviewed under the policy there now)`;
  } catch {
    return undefined;
  }
}
