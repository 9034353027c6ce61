import { matchGlob } from './glob';
import type { Policy } from './policy';

/**
 * The policy branch is always protected (docs/threat-model.md, "The policy branch judged as protected"). Its
 * `.countersign.json` judges every protected ref, so a push to it that is never judged could empty
 * protectedBranches or add the pusher's key, then land anything: a team protecting only `release/*` left
 * `main`, its policy branch, open to exactly that. The gate treats the policy read from the policy branch as
 * protecting that branch too, whatever its protectedBranches say.
 */

/** `name` as a glob that matches exactly `name` (the glob's special characters escaped). */
export function literalGlob(name: string): string {
  return name.replace(/[\\*?[\]{}]/g, (c) => `\\${c}`);
}

/** Whether some protectedBranches pattern names `branch`. */
export function namesPolicyBranch(policy: Policy, branch: string): boolean {
  return policy.protectedBranches.some((p) => matchGlob(p, branch));
}

/**
 * The policy as the gate applies it when read from the policy branch `branch`: the same object when a
 * pattern already protects it, else a copy whose protectedBranches also names it (literally).
 */
export function protectingPolicyBranch(policy: Policy, branch: string): Policy {
  if (namesPolicyBranch(policy, branch)) return policy;
  return { ...policy, protectedBranches: [...policy.protectedBranches, literalGlob(branch)] };
}

/** The warning `policy check` and `doctor` give when no protectedBranches pattern names the policy branch. */
export function policyBranchWarning(policy: Policy, branch: string): string | undefined {
  if (namesPolicyBranch(policy, branch)) return undefined;
  return `the policy branch '${branch}' matches no protectedBranches pattern: the gate judges it as protected anyway (a change to the policy always needs review), so add "${literalGlob(branch)}" to protectedBranches to say so`;
}
