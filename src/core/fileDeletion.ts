/**
 * What the gate counts as a deleted file (the tiers' `deletedFiles`, a rewind's dropped files, the net change of
 * an update): the one place that says it. Git's status `D` alone was not enough: emptying a file (status `M`)
 * or replacing it with a symlink to /dev/null or a gitlink (status `T`) destroys it as surely, and an outside
 * tester (session 7, G7) landed 8 service definitions destroyed that way where `git rm` of the 8 met the
 * mass-deletion tier. A rename stays what `--no-renames` makes it (a deletion and an addition); an edit that
 * leaves content (see leavesStub for what does not count as content), and a symlink becoming a regular file, are
 * not deletions.
 */

/** The empty blob's id in each object format git has. */
const EMPTY_BLOBS = new Set([
  'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391',
  '473a0f4c3be8a93681a267e3b1e9a7dcda1185436fe141f7749120a303721813',
]);

/** One `--raw` entry of a diff: `:OLDMODE NEWMODE OLDOID NEWOID STATUS`. */
export interface RawEntry {
  oldMode: string;
  newMode: string;
  oldOid: string;
  newOid: string;
  status: string;
}

/** Parses the header of a `--raw` entry (`:100644 100644 <old> <new> M`); undefined when it is not one. */
export function parseRawEntry(header: string): RawEntry | undefined {
  const m = /^:(\d{6}) (\d{6}) ([0-9a-f]+) ([0-9a-f]+) ([A-Z])\d*$/.exec(header);
  return m ? { oldMode: m[1], newMode: m[2], oldOid: m[3], newOid: m[4], status: m[5] } : undefined;
}

/** Whether the change destroys the file: gone, or a regular file left empty or replaced by a symlink or gitlink. */
export function deletesFile(e: RawEntry): boolean {
  if (e.status === 'D') return true;
  if (!e.oldMode.startsWith('100')) return false;
  return e.newMode === '120000' || e.newMode === '160000' || EMPTY_BLOBS.has(e.newOid);
}

/** A changed file's status for the tiers: `D` when deletesFile says so, else git's own letter. */
export function deletionStatus(e: RawEntry): string {
  return deletesFile(e) ? 'D' : e.status;
}

/**
 * Stubs (attack24 02): the empty blob alone was not enough either. Eight 60-line service definitions each left as
 * one newline (or a space, a lone `#`, a BOM) were edits: 0 files deleted and 480 lines, under the tier's 500,
 * where `git rm` of the eight met it. An edit of a regular file leaves it a stub, and so deletes it, when
 * - the file lost lines (git counts more lines deleted than added), and
 * - its new version is at most MAX_STUB_BYTES bytes, and
 * - that version holds no visible character (white space, control and format characters only: Unicode Z, Cc and
 *   Cf, which take in a BOM and the zero-width characters; UTF-16 read as such after its BOM), or it keeps none of
 *   the old lines (each of its lines is an added one) and is at most MAX_STUB_LINES lines.
 * A rewrite that keeps an old line, or one as long as the file was (60 lines as 60 blank ones), is an edit: its
 * deleted lines count toward `deletedLines`. The bounds keep it cheap: the gate reads the new version only of a
 * file that lost lines, and only when git says it is that small (git/stubFiles.ts).
 */
export const MAX_STUB_BYTES = 64;
export const MAX_STUB_LINES = 2;

/** A changed file as the gate has it before reading any content: status letter, new mode, numstat counts. */
export interface EditCounts {
  status: string;
  mode?: string;
  added: number | undefined;
  deleted: number | undefined;
}

/**
 * Whether the change is an edit that may leave a stub, so its new version is worth reading when it has at most
 * MAX_STUB_BYTES bytes: `M` (not a type change) of a regular file that lost lines, and added no more lines than
 * such a version can have.
 */
export function mayLeaveStub(f: EditCounts): boolean {
  return (
    f.status === 'M' &&
    f.mode?.startsWith('100') === true &&
    f.added !== undefined &&
    f.deleted !== undefined &&
    f.deleted > f.added &&
    f.added <= MAX_STUB_BYTES
  );
}

/** Whether `content`, the new version of an edit mayLeaveStub allowed, leaves the file a stub (see above). */
export function leavesStub(f: EditCounts, content: Uint8Array): boolean {
  if (!mayLeaveStub(f) || content.length > MAX_STUB_BYTES) return false;
  if (INVISIBLE.test(stubText(content))) return true;
  const lines = lineCount(content);
  return lines <= MAX_STUB_LINES && lines === f.added;
}

/** Nothing a reader sees: white space, control and format characters (a BOM, zero-width ones, bidi marks). */
const INVISIBLE = /^[\s\p{Z}\p{Cc}\p{Cf}]*$/u;

/** UTF-16 after its BOM, else UTF-8 (a byte that is not UTF-8 decodes to U+FFFD, a visible character). */
function stubText(content: Uint8Array): string {
  const [a, b] = content;
  const encoding = a === 0xff && b === 0xfe ? 'utf-16le' : a === 0xfe && b === 0xff ? 'utf-16be' : 'utf-8';
  return new TextDecoder(encoding).decode(content);
}

/** Lines as git counts them (core/textLines.ts): its newlines, and a last line without one. */
function lineCount(content: Uint8Array): number {
  let n = 0;
  for (const byte of content) if (byte === 0x0a) n++;
  return n + (content.length > 0 && content[content.length - 1] !== 0x0a ? 1 : 0);
}
