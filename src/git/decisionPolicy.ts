import type { PolicySource } from '../core/gate';
import { readPolicyFrom } from './policyRead';
import { remoteDefaultBranch } from './policyBranch';
import { resolveCommit } from './stagedDiff';

/**
 * The policy a reviewer's decision will be judged under, as a client sees it (docs/design.md "Policy"): the one on
 * the policy branch — the remote's default branch as fetched — else, with no remote, a local main/master.
 * `approve` and `reject` check against it before signing, as the editor does from its snapshot.
 */
export async function policyForDecision(
  cwd: string,
  remote: string | undefined,
): Promise<{ source: PolicySource; from: string; branch: string }> {
  const revs: Array<{ rev: string; label: string; branch: string }> = [];
  if (remote) {
    const def = await remoteDefaultBranch(cwd, remote);
    if (def) revs.push({ rev: `refs/remotes/${remote}/${def}`, label: `${remote}/${def}`, branch: def });
  }
  if (revs.length === 0) {
    for (const b of ['main', 'master']) {
      if (await resolveCommit(cwd, `refs/heads/${b}`)) {
        revs.push({ rev: `refs/heads/${b}`, label: b, branch: b });
        break;
      }
    }
  }
  if (revs.length === 0)
    return {
      source: { kind: 'none', looked: [] },
      from: remote ? `${remote}'s default branch` : 'main',
      branch: 'main',
    };
  return { source: await readPolicyFrom(cwd, revs), from: revs[0].label, branch: revs[0].branch };
}
