import * as path from 'path';
import { checkPolicy, POLICY_FILE } from '../core/policy';
import { formatProblem } from '../core/policyProblems';
import { readRegularFile, SETTINGS_FILE_MAX_BYTES } from './regularFile';

/**
 * Why the work tree's `.countersign.json` at `root` does not parse (its first problem, file:line:col), or
 * undefined when it parses or is not there. For `init` keeping an existing file and `doctor`, which say what the
 * gate reads and would otherwise say nothing of a broken local copy (newuser16 F5, F12); each adds its own
 * pointer to `countersign policy check`.
 */
export function workTreePolicyProblem(root: string): string | undefined {
  const r = readRegularFile(path.join(root, POLICY_FILE), { maxBytes: SETTINGS_FILE_MAX_BYTES });
  if (r.kind === 'missing') return undefined;
  if (r.kind !== 'ok') return `the work tree's ${POLICY_FILE} cannot be read as a policy (${r.why})`;
  const { problems } = checkPolicy(r.content.toString('utf8'), POLICY_FILE);
  if (problems.length === 0) return undefined;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  const first = formatProblem(problems[0]).split('\n')[0];
  return `the work tree's ${POLICY_FILE} does not parse${more}: ${first}`;
}
