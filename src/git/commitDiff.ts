import { MAX_DIFF_BLOB_BYTES } from '../core/textLines';
import { blobLineCounts, objectSizes } from './binaryFiles';
import { runGit } from './gitRunner';
import { emptyTree } from './emptyTree';
import { isNullObjectId } from '../core/nullObjectId';

/**
 * The lines a commit adds, file by file, exactly as `git diff` counts them with myers (so `AI-Provenance` totals
 * agree with `git diff --numstat` and with the gate, whatever diff.algorithm says): a `--raw -z` listing gives each
 * file's new blob unambiguously, and a `-U0` patch gives the added line numbers (both from one `git diff`).
 */
export interface FileAdditions {
  path: string;
  /** The file's blob in the target (index or commit). */
  blob: string;
  /** Added lines, 1-based in the target file. */
  added: number[];
}

/** What to compare `base` with: the index (a commit being prepared) or an existing commit. */
export type DiffTarget = { index: true } | { commit: string };

function targetArgs(base: string, target: DiffTarget): string[] {
  return 'index' in target ? ['--cached', base] : [base, target.commit];
}

// diff.algorithm as every git process of ours has it (gitRunner.GIT_CONFIG), for the shell's diff too (hookPrelude.ts).
export const DIFF_CONFIG = [
  '-c',
  'diff.algorithm=myers',
  '-c',
  'core.quotePath=false',
  '-c',
  'diff.noprefix=false',
  '-c',
  'diff.mnemonicPrefix=false',
];
// --text: a file with a NUL byte, or one a committed .gitattributes marks `-diff`/`binary`, still has lines, and they
// are counted as the gate counts them (an outside tester's bypass, session 5: such AI lines were stamped ai=0).
export const DIFF_FLAGS = [
  '--text',
  '--no-renames',
  '--no-ext-diff',
  '--no-textconv',
  '--no-color',
  '--no-relative',
  '--ignore-submodules=all',
];

/** changedFiles' `git diff` before the two sides (the commit hook's shim asks it ahead of Node: src/git/hookPrelude.ts). */
/** The added lines as a zero-context patch with full ids: what the hook's diff and the server's first-note check read alike. */
export const PATCH_ARGS = ['-p', '-U0', '--no-abbrev', '--src-prefix=a/', '--dst-prefix=b/', ...DIFF_FLAGS];

/**
 * The commit hook's first diff: as PATCH_ARGS but without --text and with git's big-file threshold at
 * core/textLines.ts MAX_DIFF_BLOB_BYTES, so git prints "Binary files … differ" for a file over it without reading
 * it (newuser22 F-bigfile-hook: with --text, 100 MB of one-character lines took git 3-4 GB and the hook 60 s).
 * Only when some file is "Binary" (over the bound, a NUL byte, a `-diff` attribute) does changedFilesAndPatch
 * ask again, with --text, for every file but those over the bound.
 */
export const DIFF_ARGS = [
  ...DIFF_CONFIG,
  '-c',
  `core.bigFileThreshold=${MAX_DIFF_BLOB_BYTES}`,
  'diff',
  '--raw',
  '-z',
  ...PATCH_ARGS.filter((a) => a !== '--text'),
];

/**
 * A file of the commit with a version over MAX_DIFF_BLOB_BYTES: never diffed, its lines counted by their newlines
 * as git counts a complete rewrite (core/textLines.ts, the same everywhere), none of them attributed.
 */
export interface OversizedFile {
  path: string;
  blob: string;
  /** The larger of its versions' sizes. */
  size: number;
  /** The lines of its version in the target (0 when the commit deletes it). */
  lines: number;
}

export async function changedFiles(
  cwd: string,
  baseRev: string | undefined,
  target: DiffTarget,
): Promise<FileAdditions[]> {
  return (await changedFilesAndPatch(cwd, baseRev, target)).files;
}

/** changedFiles, and the `-U0` patch it read them from (what the commit removes is in it too: removedLinesIn). */
export async function changedFilesAndPatch(
  cwd: string,
  baseRev: string | undefined,
  target: DiffTarget,
): Promise<{ files: FileAdditions[]; patch: string; oversized: OversizedFile[]; deletes: boolean }> {
  const base = baseRev ?? (await emptyTree(cwd));
  // One process for both (this is on every commit's path): with `--raw -z -p` git prints the NUL-separated raw
  // records, an empty record, then the patch as it prints it without -z.
  const raw = (await runGit([...DIFF_ARGS, ...targetArgs(base, target)], { cwd })).stdout;
  const split = splitRawAndPatch(raw);
  const { blobs } = split;
  let patch = split.patch;
  let oversized: OversizedFile[] = [];
  // "Binary files" at a line's start is git's, never content (a -U0 patch's content lines start with + - or a backslash).
  if (/^Binary files /m.test(patch)) ({ patch, oversized } = await asText(cwd, base, target, raw));
  const added = parseAddedLines(patch);
  const out: FileAdditions[] = [];
  for (const [p, blob] of blobs) {
    const lines = added.get(p);
    if (lines && lines.length > 0) out.push({ path: p, blob, added: lines });
  }
  return { files: out, patch, oversized, deletes: split.deletes };
}

/**
 * The patch of every file of the diff as text (--text: a binary file has lines), leaving out those with a version
 * over MAX_DIFF_BLOB_BYTES, which are counted by their newlines instead (streamed by cat-file, never held): one
 * `cat-file --batch-check` for the sizes, one `git diff`, and a `cat-file --batch` when some file is over.
 */
async function asText(
  cwd: string,
  base: string,
  target: DiffTarget,
  raw: string,
): Promise<{ patch: string; oversized: OversizedFile[] }> {
  const records: Array<{ path: string; old: string; new: string }> = [];
  const parts = raw.split('\0');
  for (let i = 0; i + 1 < parts.length && parts[i].startsWith(':'); i += 2) {
    const [, , oldBlob, newBlob] = parts[i].slice(1).split(' ');
    records.push({ path: parts[i + 1], old: oldBlob, new: newBlob });
  }
  const sizes = await objectSizes(
    cwd,
    new Set(records.flatMap((r) => [r.old, r.new]).filter((o) => !isNullObjectId(o))),
  );
  const size = (o: string) => sizes.get(o)?.size ?? 0;
  const over = records.filter((r) => Math.max(size(r.old), size(r.new)) > MAX_DIFF_BLOB_BYTES);
  const exclude = over.map((r) => `:(exclude,literal)${r.path}`);
  const patch = (
    await runGit([...DIFF_CONFIG, 'diff', ...PATCH_ARGS, ...targetArgs(base, target), '--', ...exclude], { cwd })
  ).stdout;
  const counted =
    over.length > 0
      ? await blobLineCounts(
          cwd,
          over.map((r) => r.new).filter((o) => !isNullObjectId(o)),
        )
      : undefined;
  const oversized = over.map((r) => ({
    path: r.path,
    blob: r.new,
    size: Math.max(size(r.old), size(r.new)),
    lines: counted?.get(r.new)?.count ?? 0,
  }));
  return { patch, oversized };
}

/**
 * The lines a `-U0` patch removes from each of `paths` (the old side's path), with whether it deletes the file
 * (`+++ /dev/null`). Hunk bodies are read by count, as AddedRunReader does, so no content line passes for a header.
 */
export function removedLinesIn(
  patch: string,
  paths: ReadonlySet<string>,
): Map<string, { lines: string[]; wholeFile: boolean }> {
  const out = new Map<string, { lines: string[]; wholeFile: boolean }>();
  let current: { lines: string[]; wholeFile: boolean } | undefined;
  let oldPath: string | undefined;
  let minus = 0;
  let plus = 0;
  for (const line of patch.split('\n')) {
    if (minus > 0 || plus > 0) {
      if (line.startsWith('\\')) continue;
      if (line.startsWith('-')) {
        minus--;
        current?.lines.push(line.slice(1));
      } else plus--;
      continue;
    }
    if (line.startsWith('diff --git ')) {
      current = undefined;
      oldPath = undefined;
    } else if (line.startsWith('--- ')) {
      const p = line.slice(4).replace(/\t$/, '');
      oldPath = p === '/dev/null' ? undefined : stripOldPrefix(unquoteC(p));
    } else if (line.startsWith('+++ ')) {
      current = undefined;
      if (oldPath !== undefined && paths.has(oldPath)) {
        current = { lines: [], wholeFile: line === '+++ /dev/null' };
        out.set(oldPath, current);
      }
    } else {
      const h = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/.exec(line);
      if (h) {
        minus = h[1] === undefined ? 1 : Number(h[1]);
        plus = h[2] === undefined ? 1 : Number(h[2]);
      }
    }
  }
  return out;
}

function stripOldPrefix(p: string): string {
  return p.startsWith('a/') ? p.slice(2) : p;
}

/** `git diff --raw -z -p` output → the raw records' new blobs (parseRawZ) and the patch text after them. */
export function splitRawAndPatch(out: string): { blobs: Map<string, string>; patch: string; deletes: boolean } {
  let at = 0;
  // Each raw record is `:meta\0path\0`; the patch starts after the NUL that ends the empty record following them.
  while (out.startsWith(':', at)) {
    const metaEnd = out.indexOf('\0', at);
    const pathEnd = metaEnd < 0 ? -1 : out.indexOf('\0', metaEnd + 1);
    if (pathEnd < 0) break;
    at = pathEnd + 1;
  }
  const records = out.slice(0, at);
  const blobs = parseRawZ(records);
  // Whether the change deletes a file: with none, git's rename detection between the same two sides finds nothing.
  const deletes = records.split('\0').some((r, i) => i % 2 === 0 && r.startsWith(':') && r.endsWith(' D'));
  return { blobs, patch: out.startsWith('\0', at) ? out.slice(at + 1) : out.slice(at), deletes };
}

/** `:<mode> <mode> <old> <new> <status>\0<path>\0` records → path → new blob, for files that still exist as regular files or symlinks. */
export function parseRawZ(raw: string): Map<string, string> {
  const out = new Map<string, string>();
  const parts = raw.split('\0');
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const meta = parts[i];
    const p = parts[i + 1];
    if (!meta.startsWith(':')) break;
    const [, dstMode, , dstBlob, status] = meta.slice(1).split(' ');
    if (status === 'D' || dstMode === '160000' || isNullObjectId(dstBlob)) continue;
    out.set(p, dstBlob);
  }
  return out;
}

/**
 * Added line numbers per path from a `-U0` patch. Hunk bodies are skipped by count, so content lines that
 * look like headers (`--- x`, `+++ y`) are never mistaken for them.
 */
export function parseAddedLines(patch: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const reader = new AddedRunReader((path, start, count) => {
    let list = out.get(path);
    if (!list) out.set(path, (list = []));
    for (let l = start; l < start + count; l++) list.push(l);
  });
  for (const line of patch.split('\n')) reader.line(line);
  return out;
}

/**
 * A `-U0` patch read one line at a time (parseAddedLines, and the batched `diff-tree --stdin` of commitAddedRuns.ts):
 * each hunk's added run goes to `onRun` (path, first line, count); a line outside every hunk body that is no file
 * header goes to `onOther` (a `diff-tree --stdin` commit line). While `inBody`, the caller may pass just the line's
 * first character: a body line's text is never read.
 */
export class AddedRunReader {
  private current: string | undefined;
  private body = 0;
  constructor(
    private readonly onRun: (path: string, start: number, count: number) => void,
    private readonly onOther?: (line: string) => void,
  ) {}

  get inBody(): boolean {
    return this.body > 0;
  }

  line(line: string): void {
    if (this.body > 0) {
      // oldCount '-' lines and newCount '+' lines; "\ No newline" markers among them do not count.
      if (!line.startsWith('\\')) this.body--;
      return;
    }
    if (line.startsWith('\\')) return;
    if (line.startsWith('diff --git ')) {
      this.current = undefined;
      return;
    }
    if (line.startsWith('+++ ')) {
      // git ends the name with a tab when it contains a space (for patch(1)); a quoted name never needs one.
      const p = line.slice(4).replace(/\t$/, '');
      this.current = p === '/dev/null' ? undefined : stripPrefix(unquoteC(p));
      return;
    }
    const h = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (!h) {
      this.onOther?.(line);
      return;
    }
    const oldCount = h[1] === undefined ? 1 : Number(h[1]);
    const start = Number(h[2]);
    const newCount = h[3] === undefined ? 1 : Number(h[3]);
    if (this.current !== undefined && newCount > 0) this.onRun(this.current, start, newCount);
    this.body = oldCount + newCount;
  }
}

function stripPrefix(p: string): string {
  return p.startsWith('b/') ? p.slice(2) : p;
}

/** Undoes git's C-style quoting of a path (`"dir/t\303\251st \"x\""`); unquoted input is returned as is. */
export function unquoteC(s: string): string {
  if (!(s.length >= 2 && s.startsWith('"') && s.endsWith('"'))) return s;
  const body = s.slice(1, -1);
  const bytes: number[] = [];
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '"': 34, '\\': 92 };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      // Take a whole code point so surrogate pairs encode correctly.
      const cp = body.codePointAt(i) ?? 0;
      const ch = String.fromCodePoint(cp);
      for (const b of Buffer.from(ch, 'utf8')) bytes.push(b);
      i += ch.length - 1;
      continue;
    }
    const n = body[i + 1];
    if (n !== undefined && /[0-7]/.test(n)) {
      bytes.push(parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else if (n !== undefined && n in simple) {
      bytes.push(simple[n]);
      i += 1;
    } else {
      bytes.push(92);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
