import { CountersignError, errorMessage } from '../core/errors';
import type { PolicySource } from '../core/gate';
import { parsePolicy, POLICY_FILE } from '../core/policy';
import { readPolicyBlob } from './policyBlob';
import { notePolicyOrigin } from './retiredReviewerKeys';
import { revParse } from './revision';

/** The policy blob at `rev`, or undefined when the commit has no .countersign.json; throws when `rev` is unreadable. */
async function policyBlobAt(cwd: string, rev: string): Promise<{ commit: string; blob?: string }> {
  const commit = await revParse(cwd, `${rev}^{commit}`);
  if (!commit) {
    throw new CountersignError(
      'config',
      `${rev} is not in this repository, so its ${POLICY_FILE} cannot be read; fetch it (git fetch) and try again`,
    );
  }
  return { commit, blob: await revParse(cwd, `${commit}:${POLICY_FILE}`) };
}

export async function readPolicyFrom(cwd: string, revs: Array<{ rev: string; label: string }>): Promise<PolicySource> {
  const looked: string[] = [];
  for (const { rev, label } of revs) {
    const where = `${POLICY_FILE} on ${label}`;
    let blob: string | undefined;
    let commit: string;
    try {
      ({ commit, blob } = await policyBlobAt(cwd, rev));
    } catch (e) {
      return { kind: 'error', message: errorMessage(e), from: where };
    }
    looked.push(label);
    if (!blob) continue;
    // Never fetched: a partial clone that lacks the policy's blob reads it as an error (fail closed).
    const text = await readPolicyBlob(cwd, blob);
    if (text === 'missing')
      return {
        kind: 'error',
        message: `${where}: this clone lacks its content (a partial clone; nothing was fetched): run 'git fetch --refetch' or use a full clone`,
        from: where,
      };
    if (text === undefined) return { kind: 'error', message: `${where} is not a file`, from: where };
    try {
      const policy = parsePolicy(text, where);
      notePolicyOrigin(policy, cwd, commit);
      return { kind: 'ok', policy, from: where };
    } catch (e) {
      return { kind: 'error', message: errorMessage(e), from: where };
    }
  }
  return { kind: 'none', looked };
}
