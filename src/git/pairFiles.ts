import type { ChildProcessWithoutNullStreams } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CountersignError } from '../core/errors';
import { childProcess } from './childProcess';
import { settleGitStream } from './gitExit';
import { gitEnv } from './gitRunner';
import type { LogTokenParser } from './commitLog';

type Listed = { sha: string; tree: string; parents: string[] };

/** A tree pair as `git diff-tree --stdin` echoes it before its entries (then a newline, no NUL). */
/**
 * How each commit's files are printed for LogTokenParser (commitLog.ts), by the gate's `git log` and by this
 * reader's `diff-tree` alike: one parser reads both, so they must ask git for the same records.
 */
export const FILE_RECORD_ARGS = [
  '--raw',
  // Full ids: gitlinkPins.ts looks up what a submodule entry names (an abbreviated id names nothing).
  '--no-abbrev',
  '--numstat',
  '-z',
  '--text',
  '--no-renames',
  '--no-ext-diff',
  '--no-textconv',
  '--no-color',
];

const ECHO = /^([0-9a-f]{40}|[0-9a-f]{64}) ([0-9a-f]{40}|[0-9a-f]{64})\n/;

/** Whether a token can start with an echo: hex, and a space after a whole id (a raw entry starts with ':'). */
function mayEcho(t: Buffer): boolean {
  const c = t[0];
  return ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66)) && (t[40] === 0x20 || t[64] === 0x20);
}

/** Whether `t` starts with `pair` (ASCII) and a newline: git's echo of it. */
function isEchoOf(t: Buffer, pair: string): boolean {
  const n = pair.length;
  if (t.length <= n || t[n] !== 0x0a) return false;
  for (let i = 0; i < n; i++) if (t[i] !== pair.charCodeAt(i)) return false;
  return true;
}

/**
 * The gate's files of listed commits from one `git diff-tree --stdin -r --raw --numstat`, fed each commit's
 * first-parent tree pair as changedPathCount.ts clears it: git lists only what the count has bounded, and lists
 * it while the count goes on (the gate's `git log` over the range started only after the whole count; issue 11).
 * The output is the log's own diff of each commit (the same entries, the same -z tokens) after the pair's echo
 * line; each echo is checked against the pair asked, in order, and handed on to `parser` as the commit's record.
 * `view`: gateDiffView's place and configuration for the line counts.
 */
export class PairFiles {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly done: Promise<void>;
  private failed: unknown;
  private pending: Buffer[] = [];
  /** Commits handed on (records pushed to the parser), and the asked pairs (commit index, pair) not yet echoed. */
  private next = 0;
  private readonly asked: Array<[number, string]> = [];
  private askedAt = 0;
  private fed = 0;

  constructor(
    view: { dir: string; args: string[] },
    private readonly commits: readonly Listed[],
    private readonly parser: LogTokenParser,
  ) {
    const args = [...view.args, 'diff-tree', '--stdin', '-r', ...FILE_RECORD_ARGS];
    // No index: diff-tree reads one (git log does not), and a clone's index holds the attributes of its own
    // .gitattributes (`deploy.sh -diff` made the file's lines uncounted in verify, not on the server).
    const env = { ...gitEnv(), GIT_INDEX_FILE: noIndex() };
    this.child = childProcess().spawn('git', args, { cwd: view.dir, env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdin.on('error', () => undefined);
    this.child.stdout.on('data', (chunk: Buffer) => {
      if (this.failed) return;
      try {
        this.read(chunk);
      } catch (e) {
        this.failed = e;
        this.child.kill();
      }
    });
    this.done = new Promise<void>((resolve, reject) =>
      settleGitStream(
        this.child,
        'git diff-tree --stdin -r',
        () => this.failed,
        () => this.finish(),
        resolve,
        reject,
      ),
    );
    // Heard by `end` or `kill`; never an unhandled rejection while the count still runs.
    this.done.catch(() => undefined);
  }

  /** Asks for the commits before `to`, each with its pair ("old new"), or none when it changes nothing. */
  feed(to: number, pairOf: (i: number) => string | undefined): void {
    const lines: string[] = [];
    for (; this.fed < to; this.fed++) {
      const pair = pairOf(this.fed);
      if (pair === undefined) continue;
      this.asked.push([this.fed, pair]);
      lines.push(pair);
    }
    if (lines.length > 0 && !this.failed) this.child.stdin.write(lines.join('\n') + '\n');
  }

  /** After the last feed: every commit's record handed on, or why not. */
  async end(): Promise<void> {
    this.child.stdin.end();
    await this.done;
  }

  /** Stops git (the count stopped at its bound, or failed). */
  async kill(): Promise<void> {
    this.failed ??= new CountersignError('git', 'stopped');
    this.child.kill();
    await this.done.catch(() => undefined);
  }

  private read(chunk: Buffer): void {
    let start = 0;
    for (let i = chunk.indexOf(0); i >= 0; i = chunk.indexOf(0, start)) {
      if (this.pending.length > 0) {
        this.pending.push(chunk.subarray(start, i));
        this.token(Buffer.concat(this.pending));
        this.pending = [];
      } else this.token(chunk.subarray(start, i));
      start = i + 1;
    }
    if (start < chunk.length) this.pending.push(chunk.subarray(start));
  }

  /** A NUL-ended token: a path where the parser waits for one, else maybe echo lines before the next entry. */
  private token(t: Buffer): void {
    let rest = t;
    let echoes = 0;
    while (!this.parser.inEntry && mayEcho(rest)) {
      // The pair asked next, compared byte for byte (no string or match per commit); anything else is matched as
      // before, to be refused by name when it is an echo of another pair.
      const expected = this.asked[this.askedAt]?.[1];
      if (expected !== undefined && isEchoOf(rest, expected)) {
        this.echoed(expected);
        rest = rest.subarray(expected.length + 1);
        echoes++;
        continue;
      }
      const m = ECHO.exec(rest.toString('latin1', 0, 130));
      if (!m) break;
      this.echoed(`${m[1]} ${m[2]}`);
      rest = rest.subarray(m[0].length);
      echoes++;
    }
    // A pair git found nothing in echoes alone: then only the next echo, or the end, follows it.
    if (echoes > 0 && rest.length === 0) return;
    this.parser.push(rest);
  }

  /** The next asked pair's entries start: the commits before it (no change) and it are handed on in order. */
  private echoed(pair: string): void {
    const asked = this.asked[this.askedAt++];
    if (!asked || asked[1] !== pair)
      throw new CountersignError('git', `git diff-tree compared ${pair} where ${asked?.[1] ?? 'nothing'} was asked`);
    this.handOn(asked[0] + 1);
  }

  private handOn(to: number): void {
    for (; this.next < to; this.next++) {
      const c = this.commits[this.next];
      this.parser.start(c);
    }
  }

  private finish(): void {
    if (this.pending.length > 0) this.token(Buffer.concat(this.pending));
    this.pending = [];
    if (this.askedAt !== this.asked.length)
      throw new CountersignError('git', `git diff-tree answered ${this.askedAt} of ${this.asked.length} tree pairs`);
    this.handOn(this.fed);
    this.parser.end();
  }
}

let missing: string | undefined;

/** A path no index is at: in a folder of this process's own (no one else can create it), removed at exit. */
function noIndex(): string {
  if (missing !== undefined && fs.existsSync(path.dirname(missing))) return missing;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'countersign-noindex-'));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  missing = path.join(dir, 'index');
  return missing;
}
