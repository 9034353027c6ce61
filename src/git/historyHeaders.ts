import { MAX_COMMIT_BYTES, oversizedCommitClause } from '../core/commitBound';
import { commitHeaderProblem, headerProblem } from '../core/commitObject';
import { CountersignError } from '../core/errors';
import { ObjectReader } from './catFileBatch';
import { streamNulSpans } from './nulStream';

/**
 * Each commit's raw header, for src/git/historyStream.ts's `headers` option: why git and Countersign may read
 * the commit object differently (core/commitObject.ts), for every commit a `git log` walk shows.
 *
 * Read from a second `git log` over the same walk, `--pretty=raw --encoding=none -z`, not by asking `git
 * cat-file --batch` for each commit as the log shows it (a pipe write and a wake-up of cat-file per chunk of the
 * log, and the whole object framed and handed over). It cannot be the same `git log`: no `--format` placeholder
 * prints the raw header, and `--pretty=raw` prints the message lossily (leading blank lines dropped, each line's
 * trailing white space stripped, indented), so the message still comes from `%B`.
 *
 * What `--pretty=raw` shows of the header (git's pretty.c pp_header): each header line copied as stored — a
 * header given twice, a line with no value, continuation lines (gpgsig, mergetag) — and, with
 * `--encoding=none`, the `encoding` header unconverted (git's default output encoding converts the commit and
 * drops or rewrites that header: logmsg_reencode). Not mailmapped (`--no-use-mailmap` in case). Two things
 * it cannot show: it prints the object as a C string, so a NUL byte ends the commit there; and it trims white
 * space at the end of what it printed, which reaches into the header when the message is empty. Both leave no
 * blank line after the header in the record, and only then is the object itself read (cat-file), so the header
 * checked is always the bytes git stores. A record is framed by git's NUL, which no commit can contain (the
 * C string ends at it), so nothing a committer writes can split or join records.
 */
export class HistoryHeaders {
  /** In the walk's order: each commit's id and its header problem, or PENDING while cat-file reads its object. */
  private readonly shas: string[] = [];
  /** With `listing`: each commit's tree and parents (as `%T`, `%P` show them), in the walk's order. */
  private readonly trees: string[] = [];
  private readonly parents: string[][] = [];
  /** With `listing`: the trees of the commits just outside the walk (`--boundary`), by commit. */
  readonly boundary = new Map<string, string>();
  private readonly problems: (string | undefined | typeof PENDING)[] = [];
  private next = 0;
  private objects: ObjectReader | undefined;
  /** Indices of the commits whose objects cat-file is reading, in the order asked (and answered). */
  private readonly reading: number[] = [];
  private readonly done: Promise<void>;

  constructor(
    private readonly cwd: string,
    opts: { revs: string[]; extra?: string[]; stdin?: string },
    /** Called when more problems are known. */
    private readonly onReady: () => void,
    /**
     * Also list the walk (src/git/historyCounted.ts): each commit's tree and its parents as git log shows them
     * (`--parents`: a shallow clone's or a graft's, not the stored parent lines the raw header copies), and the
     * trees of the commits just outside it (`--boundary`).
     */
    private readonly listing = false,
  ) {
    const args = [
      '-c',
      'log.showSignature=false',
      'log',
      '-z',
      '--pretty=raw',
      '--encoding=none',
      '--no-decorate',
      '--no-abbrev-commit',
      '--no-notes',
      '--no-use-mailmap',
      '--no-color',
      ...(listing ? ['--parents', '--boundary'] : []),
      ...(opts.extra ?? []),
      ...opts.revs,
      '--',
    ];
    this.done = streamNulSpans(args, cwd, (bytes, start, end) => this.record(bytes, start, end), opts.stdin);
    // Settled through wait(); never an unhandled rejection while the caller is still streaming the main log.
    this.done.catch(() => undefined);
  }

  /** The header problem of the next commit of the walk, if known, checked against the main log's id. */
  take(sha: string): { problem: string | undefined } | undefined {
    if (this.next >= this.problems.length) return undefined;
    const problem = this.problems[this.next];
    if (problem === PENDING) return undefined;
    if (this.shas[this.next] !== sha)
      throw new CountersignError(
        'git',
        `git log showed ${sha} where the raw log showed ${this.shas[this.next]}: the two walks differ`,
      );
    this.next++;
    return { problem };
  }

  /** Waits for the raw log (and any object read) to end; then the caller asks for the rest. */
  async wait(): Promise<void> {
    try {
      await this.done;
    } finally {
      await this.objects?.close();
    }
  }

  /** With `listing`, once wait() settled: the walk's commits in its order, each with its header problem. */
  listed(): Array<{ sha: string; tree: string; parents: string[]; problem: string | undefined }> {
    return this.shas.map((sha, i) => {
      const problem = this.problems[i];
      if (problem === PENDING) throw new CountersignError('git', `the object of commit ${sha} was not read`);
      return { sha, tree: this.trees[i], parents: this.parents[i], problem };
    });
  }

  /** Commits shown by the raw log that the main log has not taken (should be none once both end). */
  get untaken(): number {
    return this.problems.length - this.next;
  }

  private record(bytes: Buffer, start: number, end: number): void {
    // `commit <id>\n` then the header lines, `\n` and the message (indented), or no blank line (see above).
    const nl = bytes.indexOf(0x0a, start);
    if (end - start < 8 || bytes.toString('latin1', start, start + 7) !== 'commit ' || nl < 0 || nl >= end)
      throw new CountersignError(
        'git',
        `unexpected git log --pretty=raw output: ${bytes.toString('utf8', start, Math.min(end, start + 60))}`,
      );
    let sha = bytes.toString('latin1', start + 7, nl);
    const record = bytes.subarray(nl + 1, end);
    if (this.listing) {
      // `commit [- ]<id> <parent>…`, then the stored header, whose first line is `tree <id>` in any commit git reads.
      const ids = sha.split(' ');
      const tree = /^tree ([0-9a-f]+)\n/.exec(record.toString('latin1', 0, 80));
      if (!tree) throw new CountersignError('git', `unexpected git log --pretty=raw output for ${sha}: no tree line`);
      if (ids[0] === '-') return void this.boundary.set(ids[1], tree[1]);
      sha = ids[0];
      this.trees.push(tree[1]);
      this.parents.push(ids.slice(1));
    }
    const blank = record.indexOf('\n\n');
    const index = this.problems.length;
    this.shas.push(sha);
    if (blank >= 0) {
      this.problems.push(headerProblem(record.subarray(0, blank)));
      this.onReady();
      return;
    }
    this.problems.push(PENDING);
    this.reading.push(index);
    // Over the bound: streamed past (attack21 02), and unreadable to report and explain as to the gate.
    this.objects ??= new ObjectReader(
      this.cwd,
      (_name, content, _type, oversized) => {
        const at = this.reading.shift() as number;
        this.problems[at] =
          oversized !== undefined
            ? oversizedCommitClause(oversized)
            : content
              ? commitHeaderProblem(content)
              : 'cannot be read as a commit object';
        this.onReady();
      },
      { maxBytes: MAX_COMMIT_BYTES },
    );
    this.objects.read(sha);
  }
}

const PENDING = Symbol('pending');
