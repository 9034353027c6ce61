import { isProtected, type Policy } from '../core/policy';
import type { GateResult } from '../core/gate';
import { runGit } from './gitRunner';

/** Blocked commits asked about one by one (a `git for-each-ref --contains` each); beyond it, the message stays. */
const MAX_ASKED = 20;

/**
 * Where the reviewer can fetch what a blocked push holds (newuser12 P7): the block message suggested
 * `approve <sha>` for a commit only this clone has (a local merge of a pushed feature branch), and "push your
 * branch somewhere the reviewer can fetch it" for a new protected branch whose own name cannot be pushed.
 *
 * When the head is on one of the remote's branches, the message names it (newuser15 #9: verify on a pushed feature
 * branch said "push your branch somewhere"). When the head is on none of them but one of them (as ls-remote shows it now) holds every
 * blocked commit, the reviewer approves that branch by name; otherwise the message names a push that makes the
 * head fetchable: the local branch under its own name, or `review/NAME-<head>` when NAME is protected.
 */
export async function whereReviewersFetch(
  cwd: string,
  result: GateResult,
  o: { remote: string; localRef: string; heads: Map<string, string> | undefined; policy: Policy | undefined },
): Promise<void> {
  const head = result.head;
  if (result.ok || !result.approveCommand || !head) return;
  const blocked = result.commits.filter((c) => !c.ok).map((c) => c.sha);
  if (blocked.length === 0 || blocked.length > MAX_ASKED) return;
  const prefix = `refs/remotes/${o.remote}/`;
  const holding = async (sha: string): Promise<Set<string>> => {
    const r = await runGit(['for-each-ref', '--format=%(refname)%00%(objectname)', `--contains=${sha}`, prefix], {
      cwd,
      okCodes: [1, 128, 129],
    });
    const out = new Set<string>();
    for (const line of r.code === 0 ? r.stdout.split('\n') : []) {
      const [ref, sha1] = line.split('\0');
      const name = ref?.slice(prefix.length);
      // Only a branch the remote still has at that commit: a stale tracking ref is no place to fetch from.
      if (name && name !== 'HEAD' && (o.heads === undefined || o.heads.get(name) === sha1)) out.add(name);
    }
    return out;
  };
  // The head itself is fetchable — `approve <sha>` works after a fetch —, and the step says where it is, not
  // "push your branch somewhere" for a branch that is on the remote already (newuser15 #9).
  const holdingHead = await holding(head);
  if (holdingHead.size > 0) {
    result.reviewFrom = `${o.remote}/${shortestName(holdingHead)}`;
    return;
  }
  let common: Set<string> | undefined;
  for (const sha of blocked) {
    const here = await holding(sha);
    common = common ? new Set([...common].filter((b) => here.has(b))) : here;
    if (common.size === 0) break;
  }
  const branch = common && common.size > 0 ? shortestName(common) : undefined;
  if (branch) {
    result.reviewFrom = `${o.remote}/${branch}`;
    result.approveCommand = `countersign approve ${o.remote}/${branch}`;
    return;
  }
  const local = o.localRef.startsWith('refs/heads/') ? o.localRef.slice('refs/heads/'.length) : undefined;
  if (!local) return;
  const guarded = (b: string) => o.policy !== undefined && isProtected(o.policy, b) !== undefined;
  // Named for the change (newuser16 F8): a fixed review/NAME left on the remote made the next change's push a
  // non-fast-forward, refused with git's hint to pull.
  const name = guarded(local) ? `review/${local}-${head.slice(0, 8)}` : local;
  if (guarded(name)) return;
  result.pushForReview = {
    command: `git push ${o.remote} ${name === local ? local : `${local}:${name}`}`,
    ...(name !== local ? { protectedName: local } : {}),
  };
}

/** The branch to name of several holding the same commits: the shortest name, then the first alphabetically. */
function shortestName(names: Set<string>): string {
  return [...names].sort((a, b) => a.length - b.length || a.localeCompare(b))[0];
}
