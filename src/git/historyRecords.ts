import { decodePath } from '../core/commitObject';
import type { HistoryCommit, NumstatEntry } from './historyStream';

/**
 * The records src/git/historyStream.ts reads (git log) and src/git/historyCounted.ts (git diff-tree --stdin, the
 * same format and diff options, the same bytes): each commit's fields, and with diff stats its files.
 */

/** What a --raw entry says of its path: git's status letter and the objects before and after. */
type RawFacts = { status: string; oids: { old: string; new: string } };

/** Each commit's fields in the order git prints them: its format, and where its text goes. */
const FIELDS: ReadonlyArray<readonly [format: string, set: (c: HistoryCommit, text: string) => void]> = [
  ['%H', (c, t) => (c.sha = t)],
  ['%P', (c, t) => (c.parents = t ? t.split(' ') : [])],
  ['%an', (c, t) => (c.authorName = t)],
  ['%ae', (c, t) => (c.authorEmail = t)],
  ['%at', (c, t) => (c.authorTime = Number(t))],
  ['%cn', (c, t) => (c.committerName = t)],
  ['%ce', (c, t) => (c.committerEmail = t)],
  ['%ct', (c, t) => (c.committerTime = Number(t))],
  ['%B', (c, t) => (c.message = t)],
];
const FORMAT = '%x01' + FIELDS.map(([format]) => format).join('%x00');

/** The format of each commit's fields: \x01, then FIELDS each NUL-terminated (with -z). */
export const RECORD_ARGS = ['-z', `--format=${FORMAT}`, '--no-color', '--encoding=UTF-8'];
/**
 * Diff stats after each commit's fields: --raw beside --numstat gives each file's status letter (no blob is read
 * for it), which the review rule needs; --no-abbrev, the objects a file uncounted here is counted from
 * (binaryFiles.ts countBinaryLines).
 */
export const NUMSTAT_ARGS = ['--raw', '--no-abbrev', '--numstat', '--no-renames'];

/**
 * Reads the records RECORD_ARGS (and, with `numstat`, NUMSTAT_ARGS) print, token by token as a NUL-split stream
 * hands them on, and gives `emit` each commit once its last token is read (`end()` after the stream's last).
 * Each commit is \x01 and FIELDS.length NUL-terminated fields; with numstat, `added\tdeleted\tpath` tokens follow
 * (the first behind git's newline). Tokens are read where they lie in the pipe's chunk: a field is decoded once, a
 * numstat entry's counts are read from its bytes, and only its path becomes a string.
 */
export function recordParser(
  numstat: boolean,
  emit: (c: HistoryCommit) => void,
): { token: (bytes: Buffer, start: number, end: number) => void; end: () => void } {
  let field = FIELDS.length;
  let current: HistoryCommit | undefined;
  // --raw entries come before the commit's numstat entries: `:modes oids STATUS` then the path, one token each.
  const statusOf = new Map<string, RawFacts>();
  let rawStatus: RawFacts | undefined;
  const end = () => {
    if (current) emit(current);
    current = undefined;
  };
  const token = (bytes: Buffer, start: number, end_: number) => {
    if (field < FIELDS.length) {
      FIELDS[field++][1](current as HistoryCommit, bytes.toString('utf8', start, end_));
      return;
    }
    // A --raw entry's path is its own token and may start with \x01 itself: read before the commit marker.
    if (rawStatus !== undefined) {
      statusOf.set(decodePath(bytes, start, end_), rawStatus);
      rawStatus = undefined;
      return;
    }
    if (start < end_ && bytes[start] === 0x01) {
      end();
      current = emptyCommit(numstat);
      field = 0;
      if (statusOf.size > 0) statusOf.clear();
      FIELDS[field++][1](current, bytes.toString('utf8', start + 1, end_));
      return;
    }
    if (!current) return;
    const at = start < end_ && bytes[start] === 0x0a ? start + 1 : start;
    if (at < end_ && bytes[at] === 0x3a /* : */) {
      // `:oldmode newmode oldid newid STATUS`
      const [, , old, now] = bytes.toString('latin1', at, end_).split(' ');
      rawStatus = { status: String.fromCharCode(bytes[end_ - 1]), oids: { old, new: now } };
      return;
    }
    numstatEntry(current, bytes, start, end_, statusOf);
  };
  return { token, end };
}

function emptyCommit(numstat: boolean): HistoryCommit {
  const c: HistoryCommit = {
    sha: '',
    parents: [],
    authorName: '',
    authorEmail: '',
    authorTime: 0,
    committerName: '',
    committerEmail: '',
    committerTime: 0,
    message: '',
  };
  if (numstat) c.files = [];
  return c;
}

/**
 * A numstat token `added\tdeleted\tpath` (`-` for a binary file's counts) in bytes[start, end), git's newline
 * before the first one skipped; anything else is not an entry and is skipped. The path is decoded losslessly
 * (decodePath), so distinct paths stay distinct.
 */
function numstatEntry(
  c: HistoryCommit,
  bytes: Buffer,
  start: number,
  end: number,
  statusOf: ReadonlyMap<string, RawFacts>,
): void {
  let i = start < end && bytes[start] === 0x0a ? start + 1 : start;
  const added = countAt(bytes, i, end);
  if (added.next < 0) return;
  const deleted = countAt(bytes, added.next, end);
  if (deleted.next < 0) return;
  i = deleted.next;
  const path = decodePath(bytes, i, end);
  const raw = statusOf.get(path);
  const entry: NumstatEntry = { path, added: added.value, deleted: deleted.value };
  if (raw) entry.status = raw.status;
  // Kept only where countBinaryLines needs them: a report holds every file of its history.
  if (raw && added.value === undefined) entry.oids = raw.oids;
  (c.files ??= []).push(entry);
}

/** Digits or `-` then a tab, from `i`: the count (undefined for `-`) and where the next part starts, or next -1. */
function countAt(bytes: Buffer, i: number, end: number): { value: number | undefined; next: number } {
  if (i + 1 < end && bytes[i] === 0x2d && bytes[i + 1] === 0x09) return { value: undefined, next: i + 2 };
  let value = 0;
  const from = i;
  for (; i < end && bytes[i] >= 0x30 && bytes[i] <= 0x39; i++) value = value * 10 + bytes[i] - 0x30;
  return i > from && i < end && bytes[i] === 0x09 ? { value, next: i + 1 } : { value: undefined, next: -1 };
}
