import {
  formatStatementLine,
  parseStatementNote,
  type SignedStatement,
  type StatementError,
} from '../core/approvalStatement';
import { CountersignError, errorMessage } from '../core/errors';
import { emptyTree } from './emptyTree';
import { noteTarget } from './notePath';
import { oidHexLength } from './objectFormat';
import { identityEnv } from './fallbackIdentity';
import { runGit } from './gitRunner';
import { isForeignNotesRemote } from './notesIntake';
import { mergeNotesRef, refusalReason } from './notesSync';
import { REVIEW_NOTES_REF, trackingRef } from './notesConfig';
import { assertNotesRefIsCommit, notesTip } from './notesReader';
import { StatementNotes } from './approvalNotes';

/**
 * Approval statements live as JSON lines in notes under refs/notes/countersign, on the tip each approves
 * (docs/design.md, "Approvals"). One line per statement, lines sorted and unique — the shape
 * `git notes merge -s cat_sort_uniq` produces — so concurrent reviews from different clones union cleanly.
 */

/**
 * Every statement in refs/notes/countersign, by the commit its note is attached to, read with one
 * `git notes list` and one `git cat-file --batch` (approvalNotes.ts). The gate looks statements up by their own
 * tip and patch-id (a rebase moves commits away from their notes), which is why it needs them all. Malformed
 * lines and unreadable notes are reported in `errors` with the commit as a field (never recovered from the
 * message text), never dropped silently.
 */
export function readAllStatements(
  cwd: string,
  ref = REVIEW_NOTES_REF,
): Promise<{ byCommit: Map<string, SignedStatement[]>; errors: StatementError[] }> {
  return new StatementNotes(cwd).ofRef(ref);
}

/** The statements in the note on one commit (no note: none). */
export async function readStatementsOn(
  cwd: string,
  commit: string,
  ref = REVIEW_NOTES_REF,
): Promise<{ statements: SignedStatement[]; errors: string[]; text: string }> {
  const r = await runGit(['notes', `--ref=${ref}`, 'show', commit], { cwd, okCodes: [1] });
  const text = r.code === 0 ? r.stdout : '';
  return { ...parseStatementNote(text, `the ${ref} note on ${commit}`), text };
}

/** Sorted, unique, non-empty lines, compared as bytes like `sort` in cat_sort_uniq. */
export function sortUniqueLines(lines: string[]): string[] {
  const unique = [...new Set(lines.map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== ''))];
  return unique.sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
}

/**
 * Adds a signed statement to the note on its tip (keeping the lines already there). Idempotent: recording
 * the same statement twice leaves one line. Returns the note line.
 */
export async function recordStatement(cwd: string, signed: SignedStatement, ref = REVIEW_NOTES_REF): Promise<string> {
  const line = formatStatementLine(signed);
  if (line.includes('\n')) throw new CountersignError('input', 'internal: a statement line contains a line break');
  const tip = signed.statement.tip;
  await assertNotesRefIsCommit(cwd, ref);
  const env = await identityEnv(cwd);
  // Read-modify-write, then check: `git notes add -f` does not compare-and-swap the notes ref, so a racing
  // writer could drop our line; re-reading shows it and we try again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await readStatementsOn(cwd, tip, ref);
    const lines = sortUniqueLines([...existing.text.split('\n'), line]);
    if (existing.text.split('\n').includes(line)) return line;
    await runGit(['notes', `--ref=${ref}`, 'add', '-f', '-F', '-', tip], { cwd, input: lines.join('\n') + '\n', env });
    const after = await readStatementsOn(cwd, tip, ref);
    if (after.text.split('\n').includes(line)) return line;
  }
  throw new CountersignError(
    'git',
    `could not record the statement in ${ref} on ${tip}: another process kept rewriting the note; try again`,
  );
}

/**
 * Unions the notes commit `from` into refs/notes/countersign with cat_sort_uniq (a fast-forward when ours is
 * missing or behind). Returns whether the local ref changed.
 */
export async function mergeApprovals(cwd: string, from: string, ref = REVIEW_NOTES_REF): Promise<boolean> {
  const before = await notesTip(cwd, ref);
  // --quiet: the form a snapshot answers from its ref listing (batchedReads.ts), not a git process of its own.
  const peeled = await runGit(['rev-parse', '--verify', '--quiet', `${from}^{commit}`], { cwd, okCodes: [1] });
  const fromOid = peeled.stdout.trim();
  if (peeled.code !== 0 || !fromOid) throw new CountersignError('git', `${from} names no notes commit`);
  if (before === undefined) {
    // Create only if still absent (an empty old value makes update-ref compare-and-swap against "no ref").
    await runGit(['update-ref', '-m', 'countersign: approvals from remote', ref, fromOid, ''], { cwd });
    return true;
  }
  if (before === fromOid) return false;
  await runGit(['notes', `--ref=${ref}`, 'merge', '--quiet', '-s', 'cat_sort_uniq', fromOid], {
    cwd,
    env: await identityEnv(cwd),
  });
  return (await notesTip(cwd, ref)) !== before;
}

/**
 * Fetches the remote's refs/notes/countersign into a remote-tracking ref and unions it into ours, in bounded
 * time. A remote without approvals yet is not an error. Throws CountersignError('remoteUnreachable') when the
 * remote cannot be reached in `timeoutMs` — the caller decides whether that blocks (the gate: it does). A merge
 * that fails (a stale lock, an unfinished notes merge) does not throw: the gate reads the tracking ref too
 * (approvalNotes.ts), so the remote's approvals and rejections still count; `mergeError` says what to repair.
 */
export async function fetchApprovals(
  cwd: string,
  remote: string,
  timeoutMs: number,
  ref = REVIEW_NOTES_REF,
  listed?: ReadonlyMap<string, string>,
): Promise<{ remoteTip: string | undefined; merged: boolean; mergeError?: string }> {
  const tracking = trackingRef(remote, REVIEW_NOTES_REF);
  // A one-character glob so that a remote without the ref yet matches nothing instead of failing the fetch
  // (telling "no ref" from "no connection" any other way would mean parsing git's messages).
  const refspec = `+${ref}*:${tracking}*`;
  // COUNTERSIGN_NOTES_SYNC: the fetched ref is merged below, in this process; the client shim's
  // reference-transaction hook would start Node to merge it too (perf17: ~10 git processes and a Node start more
  // per pre-push that brought an approval).
  if (!(listed && (await fetchWouldBringNothing(cwd, ref, tracking, listed))))
    await runGit(['fetch', '--no-tags', '--no-write-fetch-head', '--quiet', remote, refspec], {
      cwd,
      timeoutMs,
      env: { COUNTERSIGN_NOTES_SYNC: '1' },
    });
  const remoteTip = await notesTip(cwd, tracking);
  if (remoteTip === undefined) return { remoteTip, merged: false };
  try {
    // Another remote than the trusted one (a fork, `--remote alice`, a push to the contributor's branch): only the
    // lines its server would take, as every other intake does (notesIntake.ts, attack11 K2).
    if (ref === REVIEW_NOTES_REF && (await isForeignNotesRemote(cwd, remote)))
      return { remoteTip, merged: await mergeNotesRef(cwd, ref, remoteTip, undefined, remote) };
    return { remoteTip, merged: await mergeApprovals(cwd, tracking, ref) };
  } catch (e) {
    const mergeError = `fetched ${remote}'s approvals into ${tracking} but could not merge them into ${ref} (${errorMessage(e).split('\n')[0]}); the gate reads both, so they still count here. Fix: remove a stale lock (\`.git/${ref}.lock\`) or end an unfinished notes merge (\`git notes --ref=${ref} merge --abort\`), then \`git notes --ref=${ref} merge -s cat_sort_uniq ${tracking}\``;
    return { remoteTip, merged: false, mergeError };
  }
}

/**
 * Whether the fetch of `ref*` would write nothing, by the remote's notes refs as `git ls-remote` just listed them
 * (`listed`): none matches the glob, or only `ref` itself does, at the value its tracking ref already holds. The
 * pre-push hook lists the remote anyway; a fetch is a connection, a connectivity walk and `maintenance --auto`
 * more (newuser16 F16). Anything else (another ref under the glob, a value this clone lacks) fetches as before.
 */
async function fetchWouldBringNothing(
  cwd: string,
  ref: string,
  tracking: string,
  listed: ReadonlyMap<string, string>,
): Promise<boolean> {
  const matching = [...listed].filter(([name]) => name.startsWith(ref));
  if (matching.length === 0) return true;
  if (matching.length > 1 || matching[0][0] !== ref) return false;
  return (await notesTip(cwd, tracking)) === matching[0][1];
}

export interface PushResult {
  /** Whether the remote now has our notes (pushed now, or already up to date). */
  ok: boolean;
  upToDate: boolean;
  attempts: number;
  /** Nothing to push: there are no local approvals. */
  nothingToPush: boolean;
}

/**
 * Pushes refs/notes/countersign. When the remote has approvals we lack (rejected as non-fast-forward), fetches
 * and merges them and tries again, a few times. Never forces: that would erase other reviewers' approvals.
 */
export async function pushApprovals(
  cwd: string,
  remote: string,
  opts: { timeoutMs?: number; attempts?: number } = {},
  ref = REVIEW_NOTES_REF,
): Promise<PushResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const attempts = opts.attempts ?? 4;
  if ((await notesTip(cwd, ref)) === undefined) return { ok: true, upToDate: true, attempts: 0, nothingToPush: true };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const r = await runGit(['push', '--porcelain', '--no-verify', remote, `${ref}:${ref}`], {
      cwd,
      timeoutMs,
      okCodes: [1],
    });
    const status = porcelainStatus(r.stdout, ref);
    if (r.code === 0 && status && status.flag !== '!')
      return { ok: true, upToDate: status.flag === '=', attempts: attempt, nothingToPush: false };
    // `[rejected]`: the remote has approvals we lack. `[remote rejected] (failed to update ref)`: another
    // reviewer's push held the ref lock at that moment. Both resolve by merging theirs and trying again; a
    // hook that declines for good just fails again, a bounded number of times.
    // A hook that declined (the server's gate refusing a statement) says why on stderr and will say it again:
    // relayed at once, not retried (newuser14 S3).
    const declined = /hook declined/.test(status?.summary ?? '');
    if (status?.flag === '!' && /^\[(remote )?rejected\]/.test(status.summary) && !declined && attempt < attempts) {
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.floor(Math.random() * 200 * attempt)));
      const fetched = await fetchApprovals(cwd, remote, timeoutMs, ref);
      if (fetched.mergeError)
        throw new CountersignError('git', `could not push ${ref} to ${remote}: ${fetched.mergeError}`);
      continue;
    }
    const why = declined
      ? `${status?.summary}:\n  ${refusalReason(r.stderr)}`
      : status
        ? status.summary
        : refusalReason(r.stderr);
    throw new CountersignError(
      declined ? 'remoteRefused' : 'git',
      `could not push ${ref} to ${remote}: ${why}`,
      r.stderr,
    );
  }
  throw new CountersignError(
    'git',
    `could not push ${ref} to ${remote}: the remote kept moving after ${attempts} attempts; run \`countersign approve\` again or \`git push ${remote} ${ref}\``,
  );
}

/** `git push --porcelain` prints `<flag>\t<from>:<to>\t<summary>` per ref: machine output, stable across versions. */
function porcelainStatus(stdout: string, ref: string): { flag: string; summary: string } | undefined {
  for (const line of stdout.split('\n')) {
    const parts = line.split('\t');
    if (parts.length >= 3 && parts[1].endsWith(`:${ref}`))
      return { flag: parts[0], summary: parts.slice(2).join('\t') };
  }
  return undefined;
}

/**
 * The commits whose notes in our `ref` differ from the remote's last fetched ones: where a statement the server
 * refused can be (newuser14 S3), so the user can be told which note to edit. At most `limit`.
 */
export async function unsharedStatementCommits(cwd: string, remote: string, limit = 5): Promise<string[]> {
  const theirs = await notesTip(cwd, trackingRef(remote, REVIEW_NOTES_REF));
  const ours = await notesTip(cwd, REVIEW_NOTES_REF);
  if (!ours) return [];
  const r = await runGit(['diff-tree', '-r', '--name-only', '--no-renames', theirs ?? (await emptyTree(cwd)), ours], {
    cwd,
    okCodes: [0, 128],
  });
  if (r.code !== 0) return [];
  const hexLength = await oidHexLength(cwd);
  return r.stdout
    .split('\n')
    .map((p) => noteTarget(p, hexLength))
    .filter((target): target is string => target !== undefined)
    .slice(0, limit);
}
