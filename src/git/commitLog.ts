import { decodePath, parseCommitObject } from '../core/commitObject';
import { MAX_COMMIT_BYTES } from '../core/commitBound';
import { MAX_JUDGED_PATHS } from '../core/changedPaths';
import { CountersignError } from '../core/errors';
import { deletionStatus, parseRawEntry } from '../core/fileDeletion';
import type { ChangedFile, GateCommit } from '../core/gate';
import { ObjectReader } from './catFileBatch';
import { streamNulBuffers } from './nulStream';
import { gateDiffView } from './gateDiffView';
import { countUncountedLines } from './binaryFiles';
import { markStubs, stubEdits } from './stubFiles';
import { changedPathsOver } from './changedPathCount';
import { FILE_RECORD_ARGS, PairFiles } from './pairFiles';
import { runGit } from './gitRunner';

/**
 * The commits of a range with their changed files, as the gate sees them, read so that no byte a committer
 * controls can frame a record (issue 10, class 6):
 * - one `git log -z --format='%H %T %P' --raw --numstat`: the format prints only object ids, so a commit's
 *   record starts exactly where a token of hex ids stands; paths are NUL-terminated and read by position
 *   (the token after a raw entry, the rest of a numstat entry), never by what they look like (readCommitRange
 *   lists the commits first and reads the same diffs with `git diff-tree --stdin` fed their tree pairs, each
 *   record started where git echoes a pair asked: pairFiles.ts);
 * - one `git cat-file --batch` for author, committer and message: length-prefixed raw objects.
 */

type Skeleton = Pick<GateCommit, 'sha' | 'tree' | 'parents' | 'files'>;

const IDS =
  /^([0-9a-f]{40}|[0-9a-f]{64}) ([0-9a-f]{40}|[0-9a-f]{64}) ?((?:[0-9a-f]{40}|[0-9a-f]{64})(?: (?:[0-9a-f]{40}|[0-9a-f]{64}))*)?$/;
const NUMSTAT = /^(\d+|-)\t(\d+|-)\t/;
/** Files of a commit found by a scan of its list; beyond this many, by a Map. */
const SCANNED_FILES = 8;

/**
 * Parses the NUL-separated tokens of `git log -z --format='%H %T %P' --raw --numstat --no-renames`, in order.
 * Throws on a token that fits no position: git printed something this parser does not know, and guessing
 * would be guessing about what lands on a protected branch.
 */
export class LogTokenParser {
  readonly commits: Skeleton[] = [];

  /**
   * `onCommit` hears of each commit as soon as its last token is read (its files complete); `retain: false`
   * keeps no list of them (a long history streamed through constant memory: the reader keeps what it needs).
   */
  constructor(
    private readonly onCommit?: (c: Skeleton) => void,
    private readonly retain = true,
  ) {}

  /**
   * The commit being read; its files by path once it has more than a few: most commits change one or two files,
   * and a Map per commit was garbage the collector handled 10,000 times over a long push.
   */
  private current: { c: Skeleton; byPath: Map<string, ChangedFile> | undefined } | undefined;
  /** Status letter of the raw entry whose path is the next token. */
  private rawStatus: string | undefined;
  /** The commit that raw entry's new side names, when it is a gitlink (mode 160000). */
  private rawGitlink: string | undefined;
  /** That raw entry's objects before and after. */
  private rawOids: { old: string; new: string } | undefined;
  /** That raw entry's mode after. */
  private rawMode: string | undefined;
  /** Raw entries read, when the commits are kept (a judgement): never past core/changedPaths.ts's bound. */
  private entries = 0;

  push(token: Buffer): void {
    if (this.rawStatus !== undefined) {
      const f = this.file(decodePath(token));
      f.status = this.rawStatus;
      if (this.rawGitlink !== undefined) f.gitlink = this.rawGitlink;
      if (this.rawOids) f.oids = this.rawOids;
      if (this.rawMode !== undefined) f.mode = this.rawMode;
      this.rawStatus = undefined;
      this.rawOids = undefined;
      return;
    }
    // git separates a commit's format line from its diff with one newline.
    const t = token[0] === 0x0a ? token.subarray(1) : token;
    if (t[0] === 0x3a /* ':' */) {
      const header = t.toString('latin1');
      // `:oldmode newmode oldid newid status` (--no-abbrev): what a submodule entry pins (gitlinkPins.ts), and
      // whether the file is destroyed (core/fileDeletion.ts: gone, emptied, or replaced by a symlink or gitlink).
      const entry = parseRawEntry(header);
      if (!entry || !this.current) throw this.unexpected(header);
      // Counted before git lists them (readCommitRange), so only a count that disagrees with git's list gets here.
      // (A walk that keeps nothing, reviewedPoint.ts, has its own budget: git/diffBytes.ts walkCost.)
      if (this.retain && ++this.entries > MAX_JUDGED_PATHS)
        throw new CountersignError(
          'git',
          `git log lists more than ${MAX_JUDGED_PATHS} paths, at ${this.current.c.sha}`,
        );
      this.rawStatus = deletionStatus(entry);
      this.rawGitlink = entry.newMode === '160000' && entry.status !== 'D' ? entry.newOid : undefined;
      this.rawOids = { old: entry.oldOid, new: entry.newOid };
      this.rawMode = entry.newMode;
      return;
    }
    const head = t.subarray(0, 64).toString('latin1');
    const numstat = NUMSTAT.exec(head);
    if (numstat) {
      if (!this.current) throw this.unexpected(head);
      const f = this.file(decodePath(t.subarray(numstat[0].length)));
      f.added = numstat[1] === '-' ? undefined : Number(numstat[1]);
      f.deleted = numstat[2] === '-' ? undefined : Number(numstat[2]);
      return;
    }
    const text = t.toString('latin1');
    const ids = IDS.exec(text);
    if (!ids) throw this.unexpected(text);
    this.start({ sha: ids[1], tree: ids[2], parents: ids[3] ? ids[3].split(' ') : [] });
  }

  /**
   * A commit's record starts: what its `%H %T %P` token says, handed over by a reader that knows it already (the
   * pair reader's listing: no token printed, decoded and matched again per commit). Its parents are not copied.
   */
  start(ids: Pick<Skeleton, 'sha' | 'tree' | 'parents'>): void {
    if (this.rawStatus !== undefined) throw this.unexpected(ids.sha);
    this.finish();
    this.current = { c: { sha: ids.sha, tree: ids.tree, parents: ids.parents, files: [] }, byPath: undefined };
  }

  /** Whether the next token is the path of a raw entry (read by position, whatever its bytes). */
  get inEntry(): boolean {
    return this.rawStatus !== undefined;
  }

  /** Call after the last token. */
  end(): Skeleton[] {
    if (this.rawStatus !== undefined)
      throw new CountersignError('git', 'git log ended inside a raw diff entry (no path after it)');
    this.finish();
    return this.commits;
  }

  private file(path: string): ChangedFile {
    const current = this.current as { c: Skeleton; byPath: Map<string, ChangedFile> | undefined };
    const files = current.c.files;
    let f = current.byPath ? current.byPath.get(path) : files.find((x) => x.path === path);
    if (f) return f;
    files.push((f = { path, added: undefined, deleted: undefined, status: 'M' }));
    if (current.byPath) current.byPath.set(path, f);
    else if (files.length > SCANNED_FILES) current.byPath = new Map(files.map((x) => [x.path, x]));
    return f;
  }

  private finish(): void {
    if (!this.current) return;
    if (this.retain) this.commits.push(this.current.c);
    this.onCommit?.(this.current.c);
    this.current = undefined;
  }

  private unexpected(text: string): CountersignError {
    return new CountersignError(
      'git',
      `unexpected git log output ${JSON.stringify(text.slice(0, 80))}; the gate reads nothing it cannot place`,
    );
  }
}

/**
 * `revArgs` are revisions, `--not` and the gate's own `--max-count`, never user options; with `--stdin` among
 * them, `input` holds the revisions (walkInput.ts: lists of tips that may not fit a command line). Oldest first,
 * parents before children. Read in gateDiffView's content view (a file over core/textLines.ts MAX_DIFF_BLOB_BYTES
 * is never diffed: attack22 01), then what that left uncounted counted by git/binaryFiles.ts, the one place that
 * says how lines are counted, then edits that leave a stub marked deleted (git/stubFiles.ts).
 */
export async function readCommitRange(cwd: string, revArgs: string[], input?: string): Promise<GateCommit[]> {
  const { listed, outside } = await listCommits(cwd, revArgs, input);
  const none = () => ({ name: '', email: '' });
  const commits: GateCommit[] = listed.map((c) => ({ ...c, author: none(), committer: none(), message: '' }));
  const byId = new Map(commits.map((c) => [c.sha, c]));
  const onObject = (sha: string, content: Buffer | undefined, type?: string, oversized?: number) => {
    const c = byId.get(sha) as GateCommit;
    // Streamed past, never held (attack21 02): the gate refuses it by its size (core/commitBound.ts).
    if (oversized !== undefined && type === 'commit') {
      c.oversized = oversized;
      return;
    }
    if (!content || type !== 'commit')
      throw new CountersignError('git', `commit ${sha} is listed by git log but cannot be read as a commit`);
    const o = parseCommitObject(content, `commit ${sha}`);
    c.author = o.author;
    c.committer = o.committer;
    c.message = o.message;
    if (o.headerProblem !== undefined) c.headerProblem = o.headerProblem;
  };
  // The commit objects (each within core/commitBound.ts's bound, whatever its tree) are read while the paths are
  // counted: git's tree comparisons and Node's parsing of the objects use both cores. The count was the gate's log
  // waiting on it alone (docs/performance.md, the verify row).
  // Buffered: nothing here waits for an answer before asking the next (10,000 commits were 10,000 writes by git).
  // Borrowed: onObject keeps only the strings parseCommitObject decodes, so no copy of each object is made.
  let objectsRead: Promise<void> = Promise.resolve();
  if (listed.length > 0) {
    const objects = new ObjectReader(cwd, onObject, { buffered: true, borrowed: true, maxBytes: MAX_COMMIT_BYTES });
    for (const c of listed) objects.read(c.sha);
    objectsRead = objects.close();
    // Reported below, after the count (a failure while it runs must not go unheard or crash the process).
    objectsRead.catch(() => undefined);
  }
  // Paths counted before any is listed (core/changedPaths.ts, attack26 04), a window of commits at a time: git lists
  // the files of the commits counted so far (pairFiles.ts: their first-parent tree pairs, as the gate's log diffed
  // them) while the next window is counted. Past the bound, the commits as listed, unread, marked where it stopped;
  // the gate refuses them with its sentence (core/commitBound.ts).
  let next = 0;
  const parser = new LogTokenParser((s) => {
    const c = commits[next++] as GateCommit | undefined;
    if (
      !c ||
      c.sha !== s.sha ||
      c.tree !== s.tree ||
      (c.parents !== s.parents && c.parents.join(' ') !== s.parents.join(' '))
    )
      throw new CountersignError('git', `git listed the files of ${s.sha} where its listing had ${c?.sha ?? 'none'}`);
    c.files = s.files;
  });
  let over: Awaited<ReturnType<typeof changedPathsOver>>;
  let files: PairFiles | undefined;
  try {
    if (listed.length > 0) files = new PairFiles(await gateDiffView(cwd, 'content'), listed, parser);
    over = await changedPathsOver(cwd, listed, outside, MAX_JUDGED_PATHS, (to, pairOf) => files?.feed(to, pairOf));
    if (!over) await files?.end();
  } catch (e) {
    await files?.kill();
    await objectsRead.catch(() => undefined);
    throw e;
  }
  if (over) {
    await files?.kill();
    await objectsRead.catch(() => undefined);
    const at = 'sha' in over ? listed.findIndex((c) => c.sha === over.sha) : listed.length - 1;
    return listed.map((c, i) => ({
      ...c,
      author: none(),
      committer: none(),
      message: '',
      files: [],
      ...(i === at ? { pathsOver: over } : {}),
    }));
  }
  await objectsRead;
  if (next !== commits.length)
    throw new CountersignError(
      'git',
      `git listed the files of ${next} of the ${commits.length} commits of its listing`,
    );
  await countUncountedLines(cwd, commits);
  // After the counts: whether an edit left a stub (core/fileDeletion.ts) depends on the lines it lost.
  await markStubs(cwd, stubEdits(commits.flatMap((c) => c.files)));
  return commits;
}

/**
 * The commits `revArgs` list (as streamLog's log lists them), without their changes, and the trees of the commits
 * just outside (`--boundary`: their parents there): what changedPathsOver counts from, in one process.
 */
async function listCommits(
  cwd: string,
  revArgs: string[],
  input?: string,
): Promise<{ listed: Skeleton[]; outside: Map<string, string> }> {
  const args = ['log', '--topo-order', '--reverse', '--boundary', '--format=%m %H %T %P', ...revArgs, '--'];
  const listed: Skeleton[] = [];
  const outside = new Map<string, string>();
  for (const line of (await runGit(args, { cwd, input })).stdout.split('\n')) {
    if (!line) continue;
    const ids = IDS.exec(line.slice(2));
    if (!ids || !'<>-'.includes(line[0]) || line[1] !== ' ')
      throw new CountersignError('git', `unexpected git log output ${JSON.stringify(line.slice(0, 80))}`);
    if (line[0] === '-') outside.set(ids[1], ids[2]);
    else listed.push({ sha: ids[1], tree: ids[2], parents: ids[3] ? ids[3].split(' ') : [], files: [] });
  }
  return { listed, outside };
}

/**
 * The one `git log` the gate reads commits with (see the top of this file), token by token into `parser`, in
 * gateDiffView's `mode`.
 */
async function streamLog(
  cwd: string,
  revArgs: string[],
  parser: LogTokenParser,
  mode: 'text' | 'content',
  input?: string,
): Promise<void> {
  const view = await gateDiffView(cwd, mode);
  await streamNulBuffers(
    [
      ...view.args,
      '-c',
      'log.showSignature=false',
      '-c',
      'core.quotePath=false',
      'log',
      '--topo-order',
      '--reverse',
      '--format=%H %T %P',
      ...FILE_RECORD_ARGS,
      '--diff-merges=first-parent',
      ...revArgs,
      '--',
    ],
    view.dir,
    (t) => parser.push(t),
    input,
  );
  parser.end();
}

/**
 * The commits of a range as the gate reads them, without author or message, handed to `onCommit` one by one
 * and kept nowhere: for walks longer than a push (reviewedPoint.ts). `onCommit` may throw to stop git early.
 * In the text view, every file counted as it streams: the caller has measured the walk first and reads none with
 * a file over core/textLines.ts MAX_DIFF_BLOB_BYTES (git/diffBytes.ts walkCost `largest`).
 * `input`: git's stdin, for `--stdin` among `revArgs` (commits listed one a line: more than a command line holds).
 */
export async function streamCommitFiles(
  cwd: string,
  revArgs: string[],
  onCommit: (c: Pick<GateCommit, 'sha' | 'tree' | 'parents' | 'files'>) => void,
  input?: string,
): Promise<void> {
  await streamLog(cwd, revArgs, new LogTokenParser(onCommit, false), 'text', input);
}
