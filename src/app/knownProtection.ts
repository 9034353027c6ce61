import { isProtected } from '../core/policy';
import { policySourceAt, remoteDefaultBranch } from '../git/policyBranch';
import { resolveCommit } from '../git/stagedDiff';

/**
 * Whether the policy this clone can read on the policy branch protects `branch`, for a verify that failed
 * before judging (a shallow clone, a missing base): its error JSON said `"protected": false` for a branch
 * the readable policy protects, and a CI script branching on it read a wrong fact (newuser15 #8). False when
 * the policy cannot be read or found: then nobody here can say, and the error itself is what to act on.
 */
export async function protectedByReadablePolicy(
  cwd: string,
  o: { remote?: string; branch: string; policyBranch?: string },
): Promise<boolean> {
  const remote = o.remote ?? 'origin';
  const policyBranch = o.policyBranch ?? (await remoteDefaultBranch(cwd, remote));
  if (!policyBranch) return false;
  const tip = await resolveCommit(cwd, `refs/remotes/${remote}/${policyBranch}`);
  if (!tip) return false;
  const source = await policySourceAt(cwd, tip, `${remote}/${policyBranch}`, policyBranch);
  return source.kind === 'ok' && isProtected(source.policy, o.branch) !== undefined;
}
