import { checkPolicy, formatProblem, POLICY_FILE } from '../core/policy';
import type { ChangedFile } from './commitDiff';
import { runGit } from './gitRunner';

/**
 * The problems of a staged `.countersign.json` that differs from HEAD's, or none. prepare-commit-msg warns
 * with them (issue 17): such a policy, once on the policy branch, would be refused by the server anyway, and
 * finding out at commit time is cheaper than at push time. A warning only: the commit goes on.
 */
export async function stagedPolicyProblems(cwd: string, changed?: ChangedFile[]): Promise<string[]> {
  // prepare-commit-msg passes the files it already diffed (no git process on a commit that leaves the policy alone).
  const staged = changed ? changed.find((f) => f.path === POLICY_FILE)?.blob : await stagedPolicyBlob(cwd);
  if (!staged) return [];
  return problemsOf(cwd, staged);
}

async function stagedPolicyBlob(cwd: string): Promise<string | undefined> {
  const changed = await runGit(['diff', '--cached', '--name-only', '-z', '--', POLICY_FILE], { cwd, okCodes: [128] });
  return changed.code === 0 && changed.stdout.split('\0').includes(POLICY_FILE) ? `:${POLICY_FILE}` : undefined;
}

async function problemsOf(cwd: string, blob: string): Promise<string[]> {
  const staged = await runGit(['cat-file', 'blob', blob], { cwd, okCodes: [128] });
  if (staged.code !== 0) return []; // deleted: a policy change, judged at push time
  return checkPolicy(staged.stdout, `${POLICY_FILE} (staged)`).problems.map(formatProblem);
}
