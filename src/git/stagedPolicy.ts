import { checkPolicy, formatProblem, POLICY_FILE } from '../core/policy';
import { runGit } from './gitRunner';

/**
 * The problems of a staged `.countersign.json` that differs from HEAD's, or none. prepare-commit-msg warns
 * with them (issue 17): such a policy, once on the policy branch, would be refused by the server anyway, and
 * finding out at commit time is cheaper than at push time. A warning only: the commit goes on.
 */
export async function stagedPolicyProblems(cwd: string): Promise<string[]> {
  const changed = await runGit(['diff', '--cached', '--name-only', '-z', '--', POLICY_FILE], { cwd, okCodes: [128] });
  if (changed.code !== 0 || !changed.stdout.split('\0').includes(POLICY_FILE)) return [];
  const staged = await runGit(['cat-file', 'blob', `:${POLICY_FILE}`], { cwd, okCodes: [128] });
  if (staged.code !== 0) return []; // deleted: a policy change, judged at push time
  return checkPolicy(staged.stdout, `${POLICY_FILE} (staged)`).problems.map(formatProblem);
}
