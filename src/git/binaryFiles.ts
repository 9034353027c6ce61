import { decodePath } from '../core/commitObject';
import { CountersignError } from '../core/errors';
import { MAX_DIFF_BLOB_BYTES } from '../core/textLines';
import { readObjects } from './catFileBatch';
import { runGit } from './gitRunner';
import type { NumstatEntry } from './historyStream';
import { markedTextView } from './markedTextView';
import { isNullObjectId } from '../core/nullObjectId';

/**
 * The git side of core/textLines.ts, the one place that decides how a file's lines are counted for the gate
 * (git/commitLog.ts), `report` and `explain` (git/historyStream.ts): their diffs run in the content view (binary
 * by content; a version over MAX_DIFF_BLOB_BYTES never read), and countUncountedLines counts what those left
 * uncounted (`- -`): a file over the bound by its newlines, a binary one as text. A history or a push without
 * either costs nothing more.
 */

export interface DiffedCommit {
  sha: string;
  parents: string[];
}

type Counts = Map<string, { added: number | undefined; deleted: number | undefined }>;

const ENTRY = /^(\d+|-)\t(\d+|-)\t/;
const ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * numstat of each commit's change from its first parent (from the empty tree for a root commit), as the gate
 * diffs it (--no-renames, no external diff or textconv), in `view` (markedTextView: `- -` for a file git calls
 * binary unless its path is marked, and for one over the bound, which git does not read).
 */
async function numstatOf(view: { dir: string; args: string[] }, commits: DiffedCommit[]): Promise<Map<string, Counts>> {
  const out = new Map<string, Counts>(commits.map((c) => [c.sha, new Map()]));
  if (commits.length === 0) return out;
  const r = await runGit(
    [
      ...view.args,
      'diff-tree',
      '--stdin',
      '--root',
      '-r',
      '-z',
      '--numstat',
      '--no-renames',
      '--no-ext-diff',
      '--no-textconv',
    ],
    {
      cwd: view.dir,
      bytes: true,
      // `SHA PARENT`: that one diff (a merge's first-parent change, as the gate and the report take it).
      input: commits.map((c) => (c.parents.length > 0 ? `${c.sha} ${c.parents[0]}\n` : `${c.sha}\n`)).join(''),
    },
  );
  let current: Counts | undefined;
  for (const raw of r.stdout.split('\0')) {
    const t = raw.startsWith('\n') ? raw.slice(1) : raw;
    if (t === '') continue;
    const entry = ENTRY.exec(t);
    if (entry && current) {
      current.set(decodePath(Buffer.from(t.slice(entry[0].length), 'latin1')), {
        added: entry[1] === '-' ? undefined : Number(entry[1]),
        deleted: entry[2] === '-' ? undefined : Number(entry[2]),
      });
      continue;
    }
    const id = ID.test(t) ? out.get(t) : undefined;
    if (!id) throw new CountersignError('git', `unexpected git diff-tree output ${JSON.stringify(t.slice(0, 80))}`);
    current = id;
  }
  return out;
}

/** A changed file as the content view's numstat and raw diff give it (the gate's ChangedFile, a NumstatEntry). */
export interface UncountedFile {
  path: string;
  added: number | undefined;
  deleted: number | undefined;
  binary?: boolean;
  oversized?: number;
  oids?: { old: string; new: string };
}

type Record = DiffedCommit & { files?: UncountedFile[] };

const uncounted = (f: UncountedFile) => f.added === undefined && f.oids !== undefined;

/**
 * Counts the lines of the files the content view left uncounted (`- -`) in `records` (core/textLines.ts):
 * - a file with a version over MAX_DIFF_BLOB_BYTES as a complete rewrite, each version's newlines counted as
 *   `git cat-file --batch` streams it past (never held, never diffed), `oversized` set to the larger size;
 * - a file git calls binary by content, as text, `binary` set: a `git diff-tree --numstat` over the commits
 *   that have one with just those paths marked as text (markedTextView), never `* diff`, which would make git
 *   diff a file over the bound beside it. A path over the bound in one commit and marked for another is never
 *   in one run: such a commit waits for a later run (one run unless a push sets that up on purpose).
 * One `git cat-file --batch-check` for the sizes first. Returns the records it changed; none (and no git
 * process) when no file is uncounted. A file git still leaves uncounted (the repository's own info/attributes
 * says `-diff`) stays so.
 */
export async function countUncountedLines<R extends Record>(cwd: string, records: R[]): Promise<R[]> {
  const asked = records.filter((r) => r.files?.some(uncounted));
  if (asked.length === 0) return asked;
  const oids = new Set<string>();
  for (const r of asked)
    for (const f of r.files ?? [])
      if (uncounted(f)) for (const o of [f.oids?.old, f.oids?.new]) if (o && !isNullObjectId(o)) oids.add(o);
  const sizes = await objectSizes(cwd, oids);
  const size = (oid: string | undefined) => (oid ? (sizes.get(oid)?.size ?? 0) : 0);
  const over: UncountedFile[] = [];
  const small = new Map<R, Set<string>>();
  for (const r of asked)
    for (const f of r.files ?? []) {
      if (!uncounted(f)) continue;
      const largest = Math.max(size(f.oids?.old), size(f.oids?.new));
      if (largest > MAX_DIFF_BLOB_BYTES) {
        f.oversized = largest;
        over.push(f);
      } else small.set(r, (small.get(r) ?? new Set()).add(f.path));
    }
  if (over.length > 0) await countByNewlines(cwd, over, sizes);
  await countMarkedAsText(cwd, small);
  return asked;
}

/**
 * Each object's id, type and size, by the name it was asked by (an id, or `REV:PATH`), from one `git cat-file
 * --batch-check`, whose answers come one a line in the order asked (a missing or ambiguous name has none here).
 */
export async function objectSizes(
  cwd: string,
  names: Iterable<string>,
): Promise<Map<string, { oid: string; type: string; size: number }>> {
  const out = new Map<string, { oid: string; type: string; size: number }>();
  const asked = [...new Set(names)];
  if (asked.length === 0) return out;
  const r = await runGit(['cat-file', '--batch-check=%(objectname) %(objecttype) %(objectsize)'], {
    cwd,
    input: asked.join('\n') + '\n',
  });
  const answers = r.stdout.split('\n');
  asked.forEach((name, i) => {
    const [oid, type, n] = (answers[i] ?? '').split(' ');
    if (Number.isSafeInteger(Number(n)) && /^[0-9a-f]{40,64}$/.test(oid)) out.set(name, { oid, type, size: Number(n) });
  });
  return out;
}

/** What the lines of one version are, read as its bytes go by: newlines, whether it ends in one, a NUL early on. */
export class LineTally {
  lines = 0;
  bytes = 0;
  last = 0x0a;
  nul = false;

  add(piece: Buffer): void {
    // A byte loop, not indexOf per newline: on 300 MB of one-character lines, 1.2 s against 5.6 s.
    let n = 0;
    for (let i = 0; i < piece.length; i++) if (piece[i] === 0x0a) n++;
    this.lines += n;
    // git calls a file binary for a NUL among its first 8,000 bytes (core/textLines.ts): a label only.
    if (!this.nul && this.bytes < 8000) this.nul = piece.subarray(0, 8000 - this.bytes).includes(0);
    this.bytes += piece.length;
    if (piece.length > 0) this.last = piece[piece.length - 1];
  }

  /** Lines as git counts them: a last line without a newline counts too. */
  get count(): number {
    return this.lines + (this.last === 0x0a ? 0 : 1);
  }
}

/**
 * The lines of each blob of `oids` as core/textLines.ts counts them, from one `git cat-file --batch`: one over
 * the bound streamed past in pieces (never held), a smaller one read whole; with whether git calls it binary.
 */
export async function blobLineCounts(cwd: string, oids: Iterable<string>): Promise<Map<string, LineTally>> {
  const tallies = new Map<string, LineTally>();
  const unread: string[] = [];
  for (const oid of new Set(oids)) {
    const known = counted.get(oid);
    if (known) tallies.set(oid, known);
    else unread.push(oid);
  }
  let current: LineTally | undefined;
  await readObjects(
    cwd,
    unread,
    (name, content) => {
      current = new LineTally();
      tallies.set(name, current);
      if (content) current.add(content);
    },
    { maxBytes: MAX_DIFF_BLOB_BYTES, onSkipped: (piece) => current?.add(piece) },
  );
  // Kept once read whole (a read that failed half way keeps nothing).
  if (counted.size + unread.length > 1000) counted.clear();
  for (const oid of unread) {
    const t = tallies.get(oid);
    if (t) counted.set(oid, t);
  }
  return tallies;
}

/**
 * Blobs counted in this process, by object id (a blob's lines never change): the gate counts a bomb in its
 * commits, then again in the net change of the push; `explain` in the commit and in the gate it replays.
 */
const counted = new Map<string, LineTally>();

/**
 * Each version's lines of `files` (all over the bound on one side): blobLineCounts. A gitlink side (a commit) is
 * one line, as git's `Subproject commit` line.
 */
async function countByNewlines(
  cwd: string,
  files: UncountedFile[],
  sizes: Map<string, { type: string; size: number }>,
): Promise<void> {
  const blobs = new Set<string>();
  for (const f of files)
    for (const o of [f.oids?.old, f.oids?.new])
      if (o && !isNullObjectId(o) && sizes.get(o)?.type === 'blob') blobs.add(o);
  const tallies = await blobLineCounts(cwd, blobs);
  const lines = (oid: string | undefined) => {
    if (!oid || isNullObjectId(oid)) return 0;
    const t = tallies.get(oid);
    if (t) return t.count;
    if (sizes.get(oid)?.type === 'commit') return 1;
    throw new CountersignError('git', `git cat-file --batch did not read ${oid}, a file version to count`);
  };
  for (const f of files) {
    f.added = lines(f.oids?.new);
    f.deleted = lines(f.oids?.old);
    if ([f.oids?.old, f.oids?.new].some((o) => o !== undefined && tallies.get(o)?.nul)) f.binary = true;
  }
}

/** The uncounted files of `paths` (per commit) counted as text by git, in as few runs as keep them apart. */
async function countMarkedAsText<R extends Record>(cwd: string, paths: Map<R, Set<string>>): Promise<void> {
  const waiting = new Map(paths);
  while (waiting.size > 0) {
    const run: R[] = [];
    const marked = new Set<string>();
    const over = new Set<string>();
    for (const [r, own] of waiting) {
      const big = (r.files ?? []).filter((f) => f.oversized !== undefined).map((f) => f.path);
      if (big.some((p) => marked.has(p)) || [...own].some((p) => over.has(p))) continue;
      run.push(r);
      for (const p of own) marked.add(p);
      for (const p of big) over.add(p);
    }
    const view = await markedTextView(cwd, marked);
    let counts: Map<string, Counts>;
    try {
      counts = await numstatOf(view, run);
    } finally {
      view.done();
    }
    for (const r of run) {
      const own = waiting.get(r) as Set<string>;
      waiting.delete(r);
      for (const f of r.files ?? []) {
        if (!own.has(f.path) || f.added !== undefined) continue;
        const n = counts.get(r.sha)?.get(f.path);
        if (n?.added === undefined) continue;
        f.added = n.added;
        f.deleted = n.deleted;
        f.binary = true;
      }
    }
  }
}

/**
 * countUncountedLines for `explain` and `report`, so that they give the figures the commit hook and the gate give:
 * a file git's numstat still left uncounted fails loudly rather than count as empty (that is the gap this module
 * closes).
 */
export async function countBinaryLines<R extends DiffedCommit & { files?: NumstatEntry[] }>(
  cwd: string,
  records: R[],
): Promise<R[]> {
  const asked = await countUncountedLines(cwd, records);
  for (const r of asked)
    for (const f of r.files ?? [])
      if (f.added === undefined)
        throw new CountersignError('git', `git diff-tree gave no line count for ${f.path} in ${r.sha}`);
  return asked;
}
