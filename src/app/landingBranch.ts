import type { PolicySource } from '../core/gate';
import { isProtected } from '../core/policy';
import { policySourceAt, remoteDefaultBranch } from '../git/policyBranch';
import { resolveCommit } from '../git/stagedDiff';

/**
 * Where commits on `own` (a branch's upstream, or the same name on the remote) land: `own` itself when the
 * policy protects it (or cannot be read, failing closed), else the policy branch, where a feature branch lands
 * through a pull request. `explain` judges a commit for this branch, as the review panel's "Your branch" does
 * (src/app/reviewSnapshot.ts developerGate), both through landingTarget; `verify` uses it only without an
 * upstream (verifyDefaultBranch).
 */
export function landingBranch(
  own: string | undefined,
  policy: PolicySource,
  policyBranch: string | undefined,
): string | undefined {
  const protectsOwn = own !== undefined && policy.kind === 'ok' && isProtected(policy.policy, own) !== undefined;
  return own && (protectsOwn || policy.kind !== 'ok') ? own : (policyBranch ?? own);
}

/**
 * `verify`'s branch without --branch, as DESIGN's contract says: "a push to branch NAME (default: the current
 * branch's upstream)" — the upstream's branch, protected or not (an unprotected one passes; verify's text then
 * names the landing branch to check, `verify --branch`). Without an upstream on the judged remote, where the
 * current branch lands (landingBranch of the same name on the remote). It used to be the landing branch in
 * both cases, which is what explain and the panel keep (newuser15 #10).
 */
export function verifyDefaultBranch(
  upstream: string | undefined,
  sameName: string | undefined,
  policy: PolicySource,
  policyBranch: string | undefined,
): string | undefined {
  return upstream ?? landingBranch(sameName, policy, policyBranch);
}

/**
 * landingBranch as a clone can tell it: the policy read at `remote`'s default branch as fetched (the policy
 * branch on clients). Without a fetched policy branch, `own` (undefined when there is no upstream either).
 */
export async function landingTarget(cwd: string, remote: string, own: string | undefined): Promise<string | undefined> {
  const policyBranch = await remoteDefaultBranch(cwd, remote);
  if (!policyBranch) return own;
  const tip = await resolveCommit(cwd, `refs/remotes/${remote}/${policyBranch}`);
  if (!tip) return own;
  return landingBranch(own, await policySourceAt(cwd, tip, `${remote}/${policyBranch}`, policyBranch), policyBranch);
}
