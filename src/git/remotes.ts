import { closest, didYouMean } from '../core/didYouMean';
import { CountersignError } from '../core/errors';
import { runGit } from './gitRunner';

/** The repository's remotes, by name (`git remote`): the one place that output is read. */
export async function listRemotes(cwd: string): Promise<string[]> {
  return (await runGit(['remote'], { cwd })).stdout
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * A remote the user named (--remote) must exist before anything is read or signed: `approve --remote nosuch` signed
 * first and then failed its push (newuser14 S10), `explain --remote nosuch` judged with no remote at all (S12).
 * Usage error (exit 2), prefixed with the command's name.
 */
export function requireNamedRemote(remotes: readonly string[], asked: string, command: string): void {
  if (remotes.includes(asked)) return;
  const known = `there is no remote named '${asked}' here (${remotes.length > 0 ? `remotes: ${remotes.join(', ')}` : 'this repository has no remote'})`;
  // A close name is a typo: suggesting `git remote add` under the misspelt name would make it worse.
  if (closest(asked, remotes) !== undefined)
    throw new CountersignError('usage', `${command}: ${known}.${didYouMean(asked, remotes)}`);
  throw new CountersignError(
    'usage',
    `${command}: ${known}; pass --remote with one of them, or add it with \`git remote add ${asked} URL\``,
  );
}

/** A remote's URL, or undefined when it has none (or there is no such remote). */
export async function remoteUrl(cwd: string, remote: string): Promise<string | undefined> {
  const url = (await runGit(['remote', 'get-url', remote], { cwd, okCodes: [2, 128] })).stdout.trim();
  return url || undefined;
}

/**
 * Which remote Countersign talks to when none is named — where approvals are pushed, whose default branch is
 * the policy branch, what `verify` reads: the current branch's upstream remote, else `origin`, else the only
 * one; undefined when that leaves a choice (or there is no remote).
 */
export function chooseRemote(remotes: readonly string[], upstreamRemote: string | undefined): string | undefined {
  if (upstreamRemote && remotes.includes(upstreamRemote)) return upstreamRemote;
  if (remotes.includes('origin')) return 'origin';
  return remotes.length === 1 ? remotes[0] : undefined;
}

/**
 * The remote of the current branch's upstream, or of `branch`'s (a remote name may itself contain `/`: the longest
 * match wins).
 */
export async function upstreamRemote(
  cwd: string,
  remotes: readonly string[],
  branch = '',
): Promise<string | undefined> {
  const up = await runGit(['rev-parse', '--symbolic-full-name', `${branch}@{upstream}`], { cwd, okCodes: [128] });
  const ref = up.code === 0 ? up.stdout.trim() : '';
  return remotes.filter((r) => ref.startsWith(`refs/remotes/${r}/`)).sort((a, b) => b.length - a.length)[0];
}

/** chooseRemote for this repository as it stands. */
export async function defaultRemote(cwd: string): Promise<string | undefined> {
  const remotes = await listRemotes(cwd);
  if (remotes.length === 0) return undefined;
  return chooseRemote(remotes, await upstreamRemote(cwd, remotes));
}

/**
 * The remote whose refs/notes/countersign a clone takes in as it is: origin, else the only remote, else the remote
 * the local main (else master) tracks; none when that leaves a choice. Fixed per repository, never the checked-out
 * branch's upstream: checking out a fork's pull-request branch the ordinary way (`git checkout feature`) makes the
 * fork that upstream, and its junk lines then rode into the reviewer's ref unjudged (attack11 K2). Every other
 * remote's notes are taken only as far as the server would take them (notesIntake.ts). Where approvals are pushed
 * and what verify reads are still defaultRemote's.
 */
export async function approvalsRemote(cwd: string): Promise<string | undefined> {
  const remotes = await listRemotes(cwd);
  const fixed = chooseRemote(remotes, undefined);
  if (fixed !== undefined || remotes.length === 0) return fixed;
  for (const branch of ['main', 'master']) {
    const r = await upstreamRemote(cwd, remotes, branch);
    if (r !== undefined) return r;
  }
  return undefined;
}

/**
 * Where a review decision on `tip` is shared, and whose policy judges it, when no remote is named: the trusted
 * remote (approvalsRemote) when the checked-out branch tracks another one (a fork's pull-request branch) and the
 * commit is on either's fetched refs — the gate that counts the approval reads the trusted remote's notes, and a
 * fork's policy must not decide whether the reviewer is listed. Otherwise defaultRemote's choice, as before.
 * `instead` names the remote the branch tracks when it was passed over, so the caller can say so.
 */
export async function decisionRemote(cwd: string, tip: string): Promise<{ remote?: string; instead?: string }> {
  const usual = await defaultRemote(cwd);
  const trusted = await approvalsRemote(cwd);
  if (trusted === undefined || trusted === usual) return { remote: usual };
  const refs = [trusted, ...(usual ? [usual] : [])].map((r) => `refs/remotes/${r}/`);
  const on = await runGit(['for-each-ref', '--count=1', '--format=%(refname)', '--contains', tip, ...refs], {
    cwd,
    okCodes: [129],
  });
  if (on.code !== 0 || !on.stdout.trim()) return { remote: usual };
  return { remote: trusted, ...(usual ? { instead: usual } : {}) };
}
