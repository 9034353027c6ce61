import { checkPolicy, POLICY_FILE } from '../core/policy';
import { formatProblem } from '../core/policyProblems';
import type { FileAdditions } from './commitDiff';
import { readPolicyBlob } from './policyBlob';

/**
 * The problems of a `.countersign.json` the commit being prepared adds or changes, or none. prepare-commit-msg
 * warns with them (issue 17): such a policy, once on the policy branch, would be refused by the server anyway,
 * and finding out at commit time is cheaper than at push time. A warning only: the commit goes on. `changed`
 * is what prepare-commit-msg already diffed, so a commit that leaves the policy alone costs no git process.
 */
export async function stagedPolicyProblems(cwd: string, changed: FileAdditions[]): Promise<string[]> {
  const blob = changed.find((f) => f.path === POLICY_FILE)?.blob;
  if (!blob) return [];
  const staged = await readPolicyBlob(cwd, blob);
  if (staged === 'missing' || staged === undefined) return [];
  return checkPolicy(staged, `${POLICY_FILE} (staged)`).problems.map(formatProblem);
}
