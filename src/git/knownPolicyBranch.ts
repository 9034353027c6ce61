import type { PolicySource } from '../core/gate';

/**
 * Where a client cannot tell which branch holds the remote's policy, or does not hold its tip, the policy that
 * judges a push is unknown, and the gate fails closed (docs/design.md, "The gate"): nobody can say the branch
 * is unprotected. `verify` and the pre-push hook (when the remote cannot be reached: newuser14 S24) both judge
 * from what this clone holds of the remote, so both ask here: the branch and its tip when known, else the error.
 */
export function knownPolicyBranch(p: {
  remote: string;
  /** The policy branch as chosen (remoteDefaultBranchChoice, or given), and whether that choice was a guess. */
  branch: string | undefined;
  ambiguous: boolean;
  /** The policy branch's tip in this clone, when it has one. */
  tip: string | undefined;
  /** How the policy branch is named to the user (`origin/main`, or `main` for a local-only check). */
  at: (branch: string) => string;
  /** `verify` takes --policy-branch; the hook has no such option to offer. */
  option: boolean;
}): { branch: string; tip: string } | { unknown: PolicySource } {
  const { remote } = p;
  const orOption = p.option ? ', or pass --policy-branch NAME' : '';
  if (p.ambiguous)
    return {
      unknown: {
        kind: 'error',
        from: `the policy branch of ${remote}`,
        message: `${remote}/HEAD is not set here and both ${remote}/main and ${remote}/master exist, so which one holds the policy that judges this push is unknown (a pushed branch must not choose it)`,
        fix: p.option
          ? `fix: pass --policy-branch NAME (the CI templates pass the forge's default branch), or run \`git remote set-head ${remote} --auto\``
          : `fix: run \`git remote set-head ${remote} --auto\``,
      },
    };
  if (!p.branch)
    return {
      unknown: {
        kind: 'error',
        from: `the policy branch of ${remote}`,
        message: `cannot tell ${remote}'s default branch (no ${remote}/HEAD, ${remote}/main or ${remote}/master here), so the policy that judges this push is unknown`,
        fix: `fix: run \`git remote set-head ${remote} --auto\` (or fetch the default branch)${orOption}`,
      },
    };
  if (!p.tip)
    return {
      unknown: {
        kind: 'error',
        from: p.at(p.branch),
        message: `the policy branch ${p.at(p.branch)} is not here, so the policy that judges this push is unknown`,
        fix: `fix: fetch it (\`git fetch ${remote} ${p.branch}\`)${orOption}`,
      },
    };
  return { branch: p.branch, tip: p.tip };
}
