import * as path from 'path';
import { checkPolicy, POLICY_FILE, type Policy } from '../core/policy';
import { formatProblem } from '../core/policyProblems';
import { readRegularFile, SETTINGS_FILE_MAX_BYTES } from './regularFile';

/**
 * Why the work tree's `.countersign.json` at `root` does not parse (its first problem, file:line:col), or
 * undefined when it parses or is not there. For `init` keeping an existing file and `doctor`, which say what the
 * gate reads and would otherwise say nothing of a broken local copy (newuser16 F5, F12); each adds its own
 * pointer to `countersign policy check`.
 */
export function workTreePolicyProblem(root: string): string | undefined {
  return readWorkTreePolicy(root).problem;
}

/** The work tree's `.countersign.json` at `root`: its policy when it parses, else why not (nothing when absent). */
export function readWorkTreePolicy(root: string): { policy?: Policy; problem?: string } {
  const r = readRegularFile(path.join(root, POLICY_FILE), { maxBytes: SETTINGS_FILE_MAX_BYTES });
  if (r.kind === 'missing') return {};
  if (r.kind !== 'ok') return { problem: `the work tree's ${POLICY_FILE} cannot be read as a policy (${r.why})` };
  const { problems, policy } = checkPolicy(r.content.toString('utf8'), POLICY_FILE);
  if (problems.length === 0) return { policy };
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  const first = formatProblem(problems[0]).split('\n')[0];
  return { problem: `the work tree's ${POLICY_FILE} does not parse${more}: ${first}` };
}
