import { deletesFile, parseRawEntry, type RawEntry } from '../core/fileDeletion';
import { CountersignError } from '../core/errors';
import { runGit } from './gitRunner';
import { streamNulSpans } from './nulStream';
import { isNullObjectId } from '../core/nullObjectId';

const COMMIT = /^([0-9a-f]{40}|[0-9a-f]{64})((?: (?:[0-9a-f]{40}|[0-9a-f]{64}))*) ?$/;
const REGULAR = /^100(644|755)$/;

/** A commit of the walk as its tree comparison shows it, before any diff is read. */
export interface WalkedCommit {
  sha: string;
  parents: string[];
  /** Whether a line count could make it delete something: only these are diffed (`--numstat`). */
  diff: boolean;
}

/** What the walk over `revArgs` costs, measured without diffing; `over` when it stopped at the entry budget. */
export type WalkCost =
  { commits: WalkedCommit[]; entries: number; bytes: number; largest: number } | { over: 'entries'; entries: number };

/** Both sides are regular files with the same blob: only the mode changed (git reads nothing to count it). */
function modeOnly(e: RawEntry): boolean {
  return e.oldOid === e.newOid && REGULAR.test(e.oldMode) && REGULAR.test(e.newMode);
}

/**
 * Whether counting the entry's lines could find a deleted line, or the entry is a deleted file: everything but an
 * addition (nothing before it: `--numstat` says 0 deleted) and a mode-only change of a regular file (0 and 0).
 * Renames and copies are not special: the gate reads with `--no-renames`, where a rename is a deletion (of the
 * old path's lines) and an addition, as core/fileDeletion.ts says. A type change (a file becoming a symlink), a
 * symlink's new target and a gitlink's new commit all count lines in `--numstat` (5 lines, 1, 1), so are diffed.
 */
function mayDelete(e: RawEntry): boolean {
  if (deletesFile(e)) return true;
  return !isNullObjectId(e.oldOid) && !modeOnly(e);
}

/**
 * The commits of `revArgs` (each against its first parent, as the gate's walk diffs them), in the walk's order
 * (oldest first, parents before children), read with one `git log --raw` (tree comparisons only, no diffs):
 * - `entries`: the changed entries (paths) the walk reads: every commit's once here, and a diffed commit's once
 *   more (its diff lists them all again). What the walk costs grows with them even where no blob is read
 *   (outside tester, session 11, L5: a commit flipping the executable bit of 100,000 small files, read again on
 *   every later deleting push, cost ~2 s). Reading stops once they pass `entryBudget`: the walk then reads at
 *   most that many.
 * - `diff` per commit: only commits with an entry that may delete (mayDelete) are diffed afterwards; a commit
 *   that only adds files or flips modes costs the walk its tree comparison and nothing else.
 * - `bytes`: what `--numstat` reads for those commits: the sizes of each changed entry's blobs before and after,
 *   counted per diff, not per distinct blob, since git reads them again for each (one `git cat-file
 *   --batch-check`). A mode-only entry reads nothing, nor does a gitlink (it names a commit). Bounds the walk by
 *   what it diffs (outside tester, session 10, K1: commits appending a line to a file of 1 MiB lines cost ~60 ms
 *   each to diff).
 */
export async function walkCost(cwd: string, revArgs: string[], entryBudget: number): Promise<WalkCost> {
  const commits: WalkedCommit[] = [];
  const uses = new Map<string, number>();
  let current: WalkedCommit | undefined;
  let read: string[] = [];
  let entries = 0;
  let commitEntries = 0;
  let expectPath = false;
  const finish = () => {
    if (current?.diff) for (const oid of read) uses.set(oid, (uses.get(oid) ?? 0) + 1);
    read = [];
  };
  const OVER = Symbol('over');
  try {
    await streamNulSpans(
      [
        'log',
        '--topo-order',
        '--reverse',
        '--format=%H %P',
        '--raw',
        '-z',
        '--no-abbrev',
        '--no-renames',
        '--diff-merges=first-parent',
        ...revArgs,
        '--',
      ],
      cwd,
      (bytes, start, end) => {
        // Records are ":modes oids status" then the path (-z, no renames: exactly one); a path may start with ':'.
        if (expectPath) {
          expectPath = false;
          return;
        }
        while (start < end && bytes[start] === 0x0a) start++;
        if (start === end) return;
        if (bytes[start] === 0x3a /* ':' */) {
          const header = bytes.toString('latin1', start, end);
          const e = parseRawEntry(header);
          if (!e || !current) throw unexpected(header);
          expectPath = true;
          // A diffed commit's entries are read twice (here and in its diff): from the entry that makes it one,
          // each counts twice, those before it once more.
          if (!current.diff && mayDelete(e)) {
            current.diff = true;
            entries += commitEntries;
          }
          commitEntries++;
          entries += current.diff ? 2 : 1;
          if (entries > entryBudget) throw OVER;
          if (modeOnly(e)) return;
          for (const [mode, oid] of [
            [e.oldMode, e.oldOid],
            [e.newMode, e.newOid],
          ])
            if (!isNullObjectId(oid) && mode !== '160000') read.push(oid);
          return;
        }
        const text = bytes.toString('latin1', start, end);
        const ids = COMMIT.exec(text);
        if (!ids) throw unexpected(text);
        finish();
        commitEntries = 0;
        current = { sha: ids[1], parents: ids[2].split(' ').filter(Boolean), diff: false };
        commits.push(current);
      },
    );
  } catch (e) {
    if (e === OVER) return { over: 'entries', entries: entryBudget };
    throw e;
  }
  if (expectPath) throw new CountersignError('git', 'git log ended inside a raw diff entry (no path after it)');
  finish();
  return { commits, entries, ...(await blobBytes(cwd, uses)) };
}

/**
 * The sizes of `uses`' blobs, each times its uses, and the largest: the walk diffs in the text view, where a file
 * over core/textLines.ts MAX_DIFF_BLOB_BYTES would be diffed line by line (attack22 01), so it reads none.
 */
async function blobBytes(cwd: string, uses: Map<string, number>): Promise<{ bytes: number; largest: number }> {
  if (uses.size === 0) return { bytes: 0, largest: 0 };
  const r = await runGit(['cat-file', '--batch-check=%(objectname) %(objectsize)'], {
    cwd,
    input: [...uses.keys()].join('\n') + '\n',
  });
  let bytes = 0;
  let largest = 0;
  for (const line of r.stdout.split('\n')) {
    const [oid, size] = line.split(' ');
    const n = Number(size);
    if (!Number.isFinite(n)) continue;
    bytes += n * (uses.get(oid) ?? 0);
    largest = Math.max(largest, n);
  }
  return { bytes, largest };
}

function unexpected(text: string): CountersignError {
  return new CountersignError(
    'git',
    `unexpected git log output ${JSON.stringify(text.slice(0, 80))}; the gate reads nothing it cannot place`,
  );
}
