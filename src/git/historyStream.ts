import { usageError } from '../core/errors';
import { CountersignError } from '../core/errors';
import { decodePath } from '../core/commitObject';
import { gateDiffView } from './gateDiffView';
import { HistoryHeaders } from './historyHeaders';
import { commitsOverPaths } from './changedPathCount';
import { streamNulSpans } from './nulStream';

/**
 * Streams commits from one `git log` process (docs/design.md: no process per commit). Each commit is printed as
 * NUL-separated fields behind a \x01 marker, followed, with `numstat`, by `added\tdeleted\tpath` tokens
 * (-z, --no-renames: one path per entry). Merges print no diff (git log's default), so their added lines are
 * their parents' and are not counted twice.
 */
export interface NumstatEntry {
  path: string;
  /** undefined for a binary file (or one over the bound) until src/git/binaryFiles.ts countBinaryLines counts it. */
  added: number | undefined;
  deleted: number | undefined;
  /** Set by countBinaryLines: git calls the file binary (core/textLines.ts). */
  binary?: boolean;
  /** Set by countBinaryLines: a version's size, over core/textLines.ts MAX_DIFF_BLOB_BYTES (counted by newlines). */
  oversized?: number;
  /** git's status letter from --raw (A, M, D, T): the gate's deletion tiers count deleted files by it. */
  status?: string;
  /** Its objects before and after, from --raw: what countBinaryLines reads of an uncounted file. */
  oids?: { old: string; new: string };
}

export interface HistoryCommit {
  sha: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  /** Author date, seconds since the epoch. */
  authorTime: number;
  committerName: string;
  committerEmail: string;
  committerTime: number;
  message: string;
  /** With `headers: true`: why git and Countersign may read its object differently (core/commitObject.ts). */
  headerProblem?: string;
  /** Present when streamed with `numstat: true`. */
  files?: NumstatEntry[];
  /**
   * With `numstat: true`: it changes more than core/changedPaths.ts MAX_JUDGED_PATHS paths, so its files were not
   * listed (`files` is absent, as without numstat) and it is not judged (bounds22: a tree bomb's million lines).
   */
  pathsOver?: true;
}

/** What a --raw entry says of its path: git's status letter and the objects before and after. */
type RawFacts = { status: string; oids: { old: string; new: string } };

const FIELDS = ['%H', '%P', '%an', '%ae', '%at', '%cn', '%ce', '%ct', '%B'];
const FORMAT = '%x01' + FIELDS.join('%x00');

/** Revisions from the command line are passed to git only when they cannot be read as options. */
export function checkRevisionArgs(revs: string[]): void {
  for (const r of revs) {
    if (r.startsWith('-') || r.length === 0)
      throw usageError(`'${r}' is not a revision range (write ranges like main, v1.0..HEAD or A...B)`);
  }
}

export interface LogStreamOptions {
  revs: string[];
  numstat?: boolean;
  /** Extra `git log` options (e.g. `--no-walk`, `-n1`), never user input. */
  extra?: string[];
  /** Fed to git's stdin (with `--stdin` in `extra`): revisions too many for a command line. */
  stdin?: string;
  /**
   * Also read each commit's raw header (a second `git log --pretty=raw` alongside: src/git/historyHeaders.ts) and
   * set `headerProblem`: `git log` shows a commit as git reads it, and cannot say that the gate, reading the
   * object, refuses to believe it (an `encoding` header git converts, a header line twice): report and explain
   * say what the gate says.
   */
  headers?: boolean;
}

export async function streamHistory(
  cwd: string,
  opts: LogStreamOptions,
  onCommit: (c: HistoryCommit) => void,
): Promise<number> {
  checkRevisionArgs(opts.revs);
  if (!opts.numstat) return streamLog(cwd, opts, onCommit);
  // Paths counted before any is listed, as the gate counts them (core/changedPaths.ts, bounds22): a commit over
  // the bound is read without its files (`pathsOver`), the others as before, all handed on in the log's order.
  const listed = await listHistory(cwd, opts);
  const over = await commitsOverPaths(cwd, listed.commits, listed.outside);
  if (over.size === 0) return streamLog(cwd, opts, onCommit);
  const only = (ids: string[]): LogStreamOptions => ({
    revs: [],
    extra: ['--no-walk=unsorted', '--stdin'],
    stdin: ids.join('\n') + '\n',
    headers: opts.headers,
  });
  const unread = new Map<string, HistoryCommit>();
  await streamLog(cwd, only([...over]), (c) => unread.set(c.sha, { ...c, pathsOver: true }));
  let at = 0;
  const handUpTo = (sha: string | undefined) => {
    for (; at < listed.commits.length; at++) {
      const id = listed.commits[at].sha;
      if (id === sha) return void at++;
      const c = unread.get(id);
      if (c) onCommit(c);
    }
  };
  const rest = listed.commits.filter((c) => !over.has(c.sha)).map((c) => c.sha);
  if (rest.length > 0)
    await streamLog(cwd, { ...only(rest), numstat: true }, (c) => {
      handUpTo(c.sha);
      onCommit(c);
    });
  handUpTo(undefined);
  return listed.commits.length;
}

/**
 * The commits `opts` lists, in its log's order, with their trees and parents, and the trees of their parents
 * outside it (`--boundary`): what the paths' count reads. One `git log`.
 */
async function listHistory(
  cwd: string,
  opts: LogStreamOptions,
): Promise<{ commits: Array<{ sha: string; tree: string; parents: string[] }>; outside: Map<string, string> }> {
  const commits: Array<{ sha: string; tree: string; parents: string[] }> = [];
  const outside = new Map<string, string>();
  const args = ['log', '--boundary', '--format=%m %H %T %P', ...(opts.extra ?? []), ...opts.revs, '--'];
  await streamNulSpans(
    args,
    cwd,
    (bytes, start, end) => {
      const [mark, sha, tree, ...parents] = bytes.toString('latin1', start, end).split(' ');
      if (!sha || !tree) return;
      if (mark === '-') outside.set(sha, tree);
      else commits.push({ sha, tree, parents });
    },
    opts.stdin,
    0x0a,
  );
  return { commits, outside };
}

/** One `git log` of `opts` (streamHistory without the paths' count). */
async function streamLog(cwd: string, opts: LogStreamOptions, onCommit: (c: HistoryCommit) => void): Promise<number> {
  // With numstat, git judges binary by content alone, as the gate does (gateDiffView 'content'): `- -` then means
  // binary by core/textLines.ts's rule, whatever a .gitattributes says; countBinaryLines counts those as text.
  const view = opts.numstat ? await gateDiffView(cwd, 'content') : { dir: cwd, args: [] };
  const args = [
    ...view.args,
    '-c',
    'log.showSignature=false',
    'log',
    '-z',
    `--format=${FORMAT}`,
    '--no-color',
    '--encoding=UTF-8',
    // --raw beside --numstat: each file's status letter (no blob is read for it), which the review rule needs.
    // --no-abbrev: the objects a file uncounted here is counted from (binaryFiles.ts countBinaryLines).
    ...(opts.numstat ? ['--raw', '--no-abbrev', '--numstat', '--no-renames', '--diff-merges=off'] : []),
    ...(opts.extra ?? []),
    ...opts.revs,
    '--',
  ];
  // Each commit is \x01 and FIELDS.length NUL-terminated fields; with numstat, `added\tdeleted\tpath` tokens
  // follow (the first behind git's newline). Tokens are read where they lie in the pipe's chunk: a field is
  // decoded once, a numstat entry's counts are read from its bytes, and only its path becomes a string.
  let field = FIELDS.length;
  let current: HistoryCommit | undefined;
  let count = 0;
  // With headers, a commit is handed on when its header is read: both logs show the walk in the same order.
  const waiting: HistoryCommit[] = [];
  let handed = 0;
  const handOn = () => {
    for (; handed < waiting.length; handed++) {
      const c = waiting[handed];
      const read = headers?.take(c.sha);
      if (!read) break;
      if (read.problem !== undefined) c.headerProblem = read.problem;
      onCommit(c);
    }
    // The handed-on prefix is dropped now and then, not per commit.
    if (handed > 256 && handed * 2 > waiting.length) {
      waiting.splice(0, handed);
      handed = 0;
    }
  };
  const headers = opts.headers ? new HistoryHeaders(cwd, opts, handOn) : undefined;
  // --raw entries come before the commit's numstat entries: `:modes oids STATUS` then the path, one token each.
  let statusOf = new Map<string, RawFacts>();
  let rawStatus: RawFacts | undefined;
  const flush = () => {
    if (current) {
      count++;
      if (headers) {
        waiting.push(current);
        handOn();
      } else onCommit(current);
    }
    current = undefined;
  };
  let failed = true;
  try {
    await streamNulSpans(
      args,
      view.dir,
      (bytes, start, end) => {
        if (field < FIELDS.length) {
          setField(current as HistoryCommit, field++, bytes.toString('utf8', start, end));
          return;
        }
        // A --raw entry's path is its own token and may start with \x01 itself: read before the commit marker.
        if (rawStatus !== undefined) {
          statusOf.set(decodePath(bytes.subarray(start, end)), rawStatus);
          rawStatus = undefined;
          return;
        }
        if (start < end && bytes[start] === 0x01) {
          flush();
          current = emptyCommit(opts.numstat === true);
          field = 0;
          if (statusOf.size > 0) statusOf = new Map();
          setField(current, field++, bytes.toString('utf8', start + 1, end));
          return;
        }
        if (!current) return;
        const at = start < end && bytes[start] === 0x0a ? start + 1 : start;
        if (at < end && bytes[at] === 0x3a /* : */) {
          // `:oldmode newmode oldid newid STATUS`
          const [, , old, now] = bytes.toString('latin1', at, end).split(' ');
          rawStatus = { status: String.fromCharCode(bytes[end - 1]), oids: { old, new: now } };
          return;
        }
        numstatEntry(current, bytes, start, end, statusOf);
      },
      opts.stdin,
    );
    flush();
    failed = false;
  } finally {
    // Awaited on failure too: no git process is left running.
    const closing = headers?.wait();
    if (failed) await closing?.catch(() => undefined);
    else await closing;
  }
  if (headers) {
    handOn();
    if (handed < waiting.length || headers.untaken > 0)
      throw new CountersignError('git', 'git log and its raw log (commit headers) showed different commits');
  }
  return count;
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

/** Field `i` of FIELDS. */
function setField(c: HistoryCommit, i: number, text: string): void {
  switch (i) {
    case 0:
      c.sha = text;
      break;
    case 1:
      c.parents = text ? text.split(' ') : [];
      break;
    case 2:
      c.authorName = text;
      break;
    case 3:
      c.authorEmail = text;
      break;
    case 4:
      c.authorTime = Number(text);
      break;
    case 5:
      c.committerName = text;
      break;
    case 6:
      c.committerEmail = text;
      break;
    case 7:
      c.committerTime = Number(text);
      break;
    default:
      c.message = text;
  }
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
  const path = decodePath(bytes.subarray(i, end));
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
