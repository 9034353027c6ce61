import { usageError } from '../core/errors';
import { CountersignError } from '../core/errors';
import { HistoryHeaders } from './historyHeaders';
import { streamCounted } from './historyCounted';
import { streamNulSpans } from './nulStream';
import { recordParser, RECORD_ARGS } from './historyRecords';

/**
 * Streams commits from one `git log` process (docs/design.md: no process per commit), or with `numstat` from one
 * `git diff-tree --stdin` fed the listed walk once its paths are counted (src/git/historyCounted.ts). Each commit
 * is printed as NUL-separated fields behind a \x01 marker, followed, with `numstat`, by `added\tdeleted\tpath`
 * tokens (-z, --no-renames: one path per entry; src/git/historyRecords.ts). Merges print no diff (git log's
 * default), so their added lines are their parents' and are not counted twice.
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
  /**
   * With `numstat`: told the walk's commits and their parents once they are listed, before the first is read (what
   * a caller can ask git about meanwhile, such as the policy each first parent holds).
   */
  onListed?: (commits: ReadonlyArray<{ sha: string; parents: string[] }>) => void;
}

export async function streamHistory(
  cwd: string,
  opts: LogStreamOptions,
  onCommit: (c: HistoryCommit) => void,
): Promise<number> {
  checkRevisionArgs(opts.revs);
  // With diff stats, paths are counted before any is listed, as the gate counts them (core/changedPaths.ts,
  // bounds22): src/git/historyCounted.ts.
  return opts.numstat ? streamCounted(cwd, opts, onCommit) : streamLog(cwd, opts, onCommit);
}

/** One `git log` of `opts` without diff stats, each commit's header problem read beside it with `headers`. */
async function streamLog(cwd: string, opts: LogStreamOptions, onCommit: (c: HistoryCommit) => void): Promise<number> {
  const args = ['-c', 'log.showSignature=false', 'log', ...RECORD_ARGS, ...(opts.extra ?? []), ...opts.revs, '--'];
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
  const parser = recordParser(false, (c) => {
    count++;
    if (headers) {
      waiting.push(c);
      handOn();
    } else onCommit(c);
  });
  let failed = true;
  try {
    await streamNulSpans(args, cwd, parser.token, opts.stdin);
    parser.end();
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
