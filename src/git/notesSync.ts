import { formatAuthorshipNote, parseAuthorshipNote } from '../core/authorshipNote';
import { mergeNotesOnSameCommit } from '../core/noteOwners';
import { CountersignError, errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import { runGit } from './gitRunner';
import { noteTarget } from './notePath';
import { oidHexLength } from './objectFormat';
import {
  AI_NOTES_REF,
  REVIEW_NOTES_REF,
  mirroredNotesRef,
  notesFetchRefspecs,
  SHARED_NOTES,
  TRACKING_PREFIX,
  trackingRef,
} from './notesConfig';
import { notesTip, objectType } from './notesReader';
import { identityEnv } from './fallbackIdentity';
import { filteredIntake, isForeignNotesRemote } from './notesIntake';
import { aiNotesIntake } from './aiNotesIntake';
import { shortSha } from '../core/shortSha';
import { terminalSafe } from '../core/provenanceStrings';

/** The remote (its ref-name key) a tracking ref `refs/countersign/remotes/<remote>/<name>` was fetched from. */
const remoteOfTracking = (name: string) => name.slice(TRACKING_PREFIX.length).split('/')[0];

/**
 * Notes travel between clones without clobbering: fetched notes land in remote-tracking refs outside
 * refs/notes/ (`refs/countersign/remotes/<remote>/{ai,countersign}`, so a `refs/notes/*` push never sends
 * them back) and are merged into the local refs — refs/notes/countersign by `cat_sort_uniq` (one JSON
 * statement per line, so concurrent reviews union), refs/notes/ai note by note (two notes on one commit
 * are merged as authorship logs; the local one wins a line both attest). Pushing never forces.
 */

async function isAncestor(cwd: string, a: string, b: string): Promise<boolean> {
  return (await runGit(['merge-base', '--is-ancestor', a, b], { cwd, okCodes: [1] })).code === 0;
}

/**
 * annotated object → note blob, read from a notes commit's tree (any ref, fan-out or not). A path that is no note path
 * of this repository's format (notePath.ts: a 64-digit name in a SHA-1 repository, attack14 N7) is no note, as for git.
 */
async function notesOf(cwd: string, commit: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const hexLength = await oidHexLength(cwd);
  const r = await runGit(['ls-tree', '-r', '-z', commit], { cwd });
  for (const rec of r.stdout.split('\0')) {
    const m = /^\d+ blob ([0-9a-f]+)\t(.+)$/s.exec(rec);
    const target = m ? noteTarget(m[2], hexLength) : undefined;
    if (m && target) out.set(target, m[1]);
  }
  return out;
}

/**
 * Merges the notes commit `from` into `ref`. Returns whether `ref` changed. A fast-forward when possible;
 * otherwise refs/notes/countersign by cat_sort_uniq and refs/notes/ai by `-s ours` followed by rewriting each
 * note both sides changed to the merge of the two.
 */
export async function mergeNotesRef(
  cwd: string,
  ref: string,
  from: string,
  logger?: Logger,
  remote?: string,
): Promise<boolean> {
  const local = await notesTip(cwd, ref);
  if (local === from) return false;
  // A fetched value that is no commit (a tag or tree a broken server took) would make every `git notes add`
  // here fail: keep ours and say which ref is broken (outside tester, session 9, I1).
  const type = await objectType(cwd, from);
  if (type !== 'commit') {
    logger?.warn(
      `[notes] kept ${ref}: the fetched value ${shortSha(from)} is a ${type ?? 'missing object'}, not a notes commit — the remote's ${ref} needs repair`,
    );
    return false;
  }
  // Another remote's notes (a contributor's fork): only what its server would take, on top of ours — never its
  // notes commit itself, by fast-forward or merge (notesIntake.ts and aiNotesIntake.ts: J3, attack12 L3, L7).
  if (remote !== undefined && SHARED_NOTES.some((n) => n.ref === ref) && (await isForeignNotesRemote(cwd, remote))) {
    const approvals = ref === REVIEW_NOTES_REF;
    const taken = approvals ? await filteredIntake(cwd, local, from) : await aiNotesIntake(cwd, local, from);
    if (taken.left > 0) {
      logger?.warn(
        approvals
          ? `[notes] took ${remote}'s ${ref} without ${taken.left} line(s) the server would refuse (not a statement signed by a listed reviewer about the commit its note is on); they stay in ${remote}'s tracking ref`
          : `[notes] took ${remote}'s ${ref} without ${taken.left} note(s) the server would refuse (unreadable, oversized, on a commit we do not have, or attesting more than its commit's AI-Provenance trailer says); they stay in ${remote}'s tracking ref`,
      );
    }
    if (taken.refused)
      logger?.warn(`[notes] kept ${ref} as it was; the server would refuse the result: ${taken.refused}`);
    if (taken.commit === undefined || taken.commit === local) return false;
    await runGit(['update-ref', '-m', 'countersign: notes taken in', ref, taken.commit, local ?? '0'.repeat(40)], {
      cwd,
    });
    return true;
  }
  if (local === undefined || (await isAncestor(cwd, local, from))) {
    await runGit(
      ['update-ref', '-m', 'countersign: notes fast-forward', ref, from, ...(local ? [local] : ['0'.repeat(40)])],
      { cwd },
    );
    return true;
  }
  if (await isAncestor(cwd, from, local)) return false;
  const env = await identityEnv(cwd);
  if (ref !== AI_NOTES_REF) {
    await runGit(['notes', `--ref=${ref}`, 'merge', '--quiet', '-s', 'cat_sort_uniq', from], { cwd, env });
    return true;
  }
  const [ours, theirs] = await Promise.all([notesOf(cwd, local), notesOf(cwd, from)]);
  await runGit(['notes', `--ref=${ref}`, 'merge', '--quiet', '-s', 'ours', from], { cwd, env });
  for (const [obj, theirBlob] of theirs) {
    const ourBlob = ours.get(obj);
    if (!ourBlob || ourBlob === theirBlob) continue;
    const [a, b] = await Promise.all([
      runGit(['cat-file', 'blob', ourBlob], { cwd }),
      runGit(['cat-file', 'blob', theirBlob], { cwd }),
    ]);
    let merged: string;
    try {
      merged = formatAuthorshipNote(
        mergeNotesOnSameCommit(
          parseAuthorshipNote(a.stdout, `our ${ref} note on ${obj}`),
          parseAuthorshipNote(b.stdout, `the fetched ${ref} note on ${obj}`),
        ),
      );
    } catch (e) {
      logger?.warn(`[notes] kept our ${ref} note on ${obj}: ${errorMessage(e)}`);
      continue;
    }
    const blob = (await runGit(['hash-object', '-w', '--stdin'], { cwd, input: merged })).stdout.trim();
    await runGit(['notes', `--ref=${ref}`, 'add', '-f', '-C', blob, obj], { cwd, env });
  }
  return true;
}

/** Merges every fetched notes tracking ref into the local notes ref it mirrors. Returns the refs that changed. */
export async function mergeFetchedNotes(cwd: string, logger?: Logger): Promise<string[]> {
  const r = await runGit(['for-each-ref', '--format=%(refname) %(objectname)', TRACKING_PREFIX], { cwd });
  const changed: string[] = [];
  for (const line of r.stdout.split('\n')) {
    const [name, oid] = line.split(' ');
    if (!name || !oid) continue;
    const ref = mirroredNotesRef(name);
    if (!ref) continue;
    try {
      if (await mergeNotesRef(cwd, ref, oid, logger, remoteOfTracking(name))) changed.push(ref);
    } catch (e) {
      logger?.warn(`[notes] could not merge ${name} into ${ref}: ${errorMessage(e)}`);
    }
  }
  return changed;
}

export async function fetchNotes(cwd: string, remote: string, timeoutMs: number, logger?: Logger): Promise<void> {
  await runGit(['fetch', '--no-tags', '--no-write-fetch-head', '--quiet', remote, ...notesFetchRefspecs(remote)], {
    cwd,
    timeoutMs,
    env: { COUNTERSIGN_NOTES_SYNC: '1' },
  });
  for (const { ref } of SHARED_NOTES) {
    const tip = await notesTip(cwd, trackingRef(remote, ref));
    if (tip) await mergeNotesRef(cwd, ref, tip, logger, remote);
  }
}

export interface NotesPushResult {
  pushed: string[];
  upToDate: string[];
}

/**
 * Pushes the local notes refs to `remote` (never forced): when the remote has notes we lack, fetches and
 * merges them and tries again, a few times. Called by pre-push, so notes travel with every push however the
 * push names its refs; `skip` names the refs (remote names) that push updates itself.
 */
export async function pushNotes(
  cwd: string,
  remote: string,
  opts: {
    timeoutMs?: number;
    attempts?: number;
    logger?: Logger;
    skip?: readonly string[];
    /** The remote's notes refs as `git ls-remote` just listed them: a ref already there at our value is not pushed. */
    remoteHas?: ReadonlyMap<string, string>;
  } = {},
): Promise<NotesPushResult> {
  const timeoutMs = opts.timeoutMs ?? 20000;
  const attempts = opts.attempts ?? 3;
  const refs: string[] = [];
  const result: NotesPushResult = { pushed: [], upToDate: [] };
  for (const { ref } of SHARED_NOTES) {
    const tip = opts.skip?.includes(ref) ? undefined : await notesTip(cwd, ref);
    if (tip === undefined) continue;
    if (opts.remoteHas?.get(ref) === tip) result.upToDate.push(ref);
    else refs.push(ref);
  }
  if (refs.length === 0) return result;
  let why = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const r = await runGit(['push', '--porcelain', '--no-verify', remote, ...refs.map((x) => `${x}:${x}`)], {
      cwd,
      timeoutMs,
      okCodes: [1],
      env: { COUNTERSIGN_NOTES_SYNC: '1' },
    });
    const statuses = parsePorcelain(r.stdout);
    const rejected = refs.filter((x) => statuses.get(x) === '!');
    for (const x of refs) {
      const flag = statuses.get(x);
      if (flag === '=' && !result.upToDate.includes(x)) result.upToDate.push(x);
      else if (flag !== undefined && flag !== '!' && !result.pushed.includes(x)) result.pushed.push(x);
    }
    if (r.code === 0 && rejected.length === 0) return result;
    why = refusalReason(r.stderr);
    if (rejected.length === 0 && statuses.size === 0) break; // not a rejection: the remote refused or is unreachable
    await fetchNotes(cwd, remote, timeoutMs, opts.logger);
  }
  throw new CountersignError(
    'git',
    `could not push notes (${refs.join(', ')}) to ${remote}: ${why || 'the remote kept moving'}; run \`git push ${remote} ${refs.join(' ')}\` later`,
  );
}

const MAX_REASON_LINES = 20;

/**
 * Why a push failed, in the remote's own words when it said any (a server gate's REFUSED sentence names the note
 * and the fix; git's last two lines only say "for the reason above": newuser10 N15), else git's last two lines.
 */
export function refusalReason(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim());
  const remote = lines.filter((l) => l.startsWith('remote:')).map((l) => l.slice('remote:'.length).trim());
  const said = remote.filter(Boolean);
  // The remote's words are untrusted text for a terminal: bounded, and escaped (newuser14 S3).
  const shown = (said.length > 0 ? said : lines.filter(Boolean).slice(-2)).slice(0, MAX_REASON_LINES);
  const more =
    said.length > MAX_REASON_LINES ? [`… ${said.length - MAX_REASON_LINES} more line(s) from the remote`] : [];
  return [...shown.map((l) => terminalSafe(l.length > 500 ? `${l.slice(0, 500)}…` : l)), ...more].join('\n  ');
}

/** `git push --porcelain`: `<flag>\t<from>:<to>\t<summary>` per ref. */
function parsePorcelain(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const m = /^(.)\t([^:]*):(\S+)\t/.exec(line);
    if (m) out.set(m[3], m[1]);
  }
  return out;
}
