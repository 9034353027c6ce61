import { runGit } from './gitRunner';
import { TAG_PREFIX } from '../core/policy';

/** The branches and tags the gate compares a push with: the remote's (tracked or listed live) and the local ones. */

export function branchOf(ref: string): string | undefined {
  return ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
}

/** The current branch's upstream: remote name and branch there. */
export async function upstreamOf(cwd: string): Promise<{ remote: string; branch: string } | undefined> {
  const head = await runGit(['symbolic-ref', '--quiet', 'HEAD'], { cwd, okCodes: [1, 128] });
  if (head.code !== 0) return undefined;
  const r = await runGit(
    ['for-each-ref', '--format=%(upstream:remotename)%00%(upstream:remoteref)', head.stdout.trim()],
    { cwd },
  );
  const [remote, ref] = r.stdout.trim().split('\0');
  const branch = ref ? branchOf(ref) : undefined;
  return remote && branch ? { remote, branch } : undefined;
}

/** The remote-tracking branches of `remote` and their values, as the gate sees them. */
export async function remoteBranches(cwd: string, remote: string): Promise<Array<{ branch: string; sha: string }>> {
  const r = await runGit(['for-each-ref', '--format=%(objectname) %(refname)', `refs/remotes/${remote}/`], { cwd });
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [sha, ref] = [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)];
      return { sha, branch: ref.replace(`refs/remotes/${remote}/`, '') };
    })
    .filter((b) => b.branch !== 'HEAD');
}

export async function localBranches(cwd: string): Promise<Array<{ branch: string; sha: string }>> {
  const r = await runGit(['for-each-ref', '--format=%(objectname) %(refname:lstrip=2)', 'refs/heads/'], { cwd });
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => ({ sha: l.slice(0, l.indexOf(' ')), branch: l.slice(l.indexOf(' ') + 1) }));
}

export interface RemoteView {
  heads: Map<string, string>;
  /** Tags by full ref (`refs/tags/v1.0`), their own values (not peeled). */
  tags: Map<string, string>;
  /** Notes refs by full ref (`refs/notes/countersign`): whether fetching approvals would bring anything new. */
  notes: Map<string, string>;
  defaultBranch?: string;
}

/** `git ls-remote --symref` in bounded time: every branch and tag there and the default branch. */
export async function lsRemote(cwd: string, remote: string, timeoutMs: number): Promise<RemoteView> {
  const r = await runGit(['ls-remote', '--symref', remote], { cwd, timeoutMs });
  const heads = new Map<string, string>();
  const tags = new Map<string, string>();
  const notes = new Map<string, string>();
  let defaultBranch: string | undefined;
  for (const line of r.stdout.split('\n')) {
    const sym = /^ref: refs\/heads\/(\S+)\s+HEAD$/.exec(line);
    if (sym) {
      defaultBranch = sym[1];
      continue;
    }
    const [sha, ref] = line.split('\t');
    const b = ref ? branchOf(ref) : undefined;
    if (b && sha) heads.set(b, sha);
    else if (sha && ref?.startsWith(TAG_PREFIX) && !ref.endsWith('^{}')) tags.set(ref, sha);
    else if (sha && ref?.startsWith('refs/notes/')) notes.set(ref, sha);
  }
  return { heads, tags, notes, ...(defaultBranch ? { defaultBranch } : {}) };
}
