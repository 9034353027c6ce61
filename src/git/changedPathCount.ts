import type { ChildProcessWithoutNullStreams } from 'child_process';
import { MAX_JUDGED_PATHS, type PathsOver } from '../core/changedPaths';
import { CountersignError } from '../core/errors';
import { childProcess } from './childProcess';
import { emptyTree } from './emptyTree';
import { settleGitStream } from './gitExit';
import { gitEnv, runGit } from './gitRunner';

/**
 * How many paths each commit changes against its first parent, counted before any is listed (the bound and why:
 * core/changedPaths.ts). One `git diff-tree --stdin` without `-r` compares tree pairs one level at a time: a round
 * sends every pair of the level (the commits' root trees first), each changed entry counts once per time it is
 * met, and a changed folder becomes a pair of the next round. A pair met again — the same subtree under another
 * name, as a tree bomb repeats it, or the same change in two commits — is compared once, its entries counted with
 * its multiplicity. So the work grows with the distinct trees of the change and the counts reached, never with
 * the paths they stand for; at the bound git is killed. A round ends at a line git echoes back (a line that names
 * no object is copied to its output and flushed): one process for all rounds, however deep the trees.
 */

const TREE = '040000';
const ROUND_END = '-countersign-round-end';

type Listed = { sha: string; tree: string; parents: string[] };

/**
 * Where counting `commits` (as git lists a range) stops at `limit`; undefined when each and all fit. `known`: trees
 * of commits outside them, where the caller has them (its listing's boundary); others are asked of git.
 */
export async function changedPathsOver(
  cwd: string,
  commits: readonly Listed[],
  known: ReadonlyMap<string, string> = new Map(),
  limit = MAX_JUDGED_PATHS,
  cleared?: Cleared,
): Promise<PathsOver | undefined> {
  return countPaths(cwd, commits, known, limit, undefined, cleared);
}

/**
 * Told, window by window in the order listed, that the commits before `to` are counted within the bound (so far:
 * a later window may still pass the range's bound), with each one's first-parent tree pair ("old new", undefined
 * when it changes nothing): what readCommitRange hands git to list while the next window is counted.
 */
export type Cleared = (to: number, pairOf: (i: number) => string | undefined) => void;

/**
 * Commits counted before the first are cleared, then twice as many each time up to the last size: the reader's
 * git starts early, and a window's rounds are few round trips however long the range.
 */
const CLEARED_WINDOWS = { first: 256, last: 2048 };

/**
 * The commits of `commits` that each change more than MAX_JUDGED_PATHS paths, however many the others change
 * together: a history read whole (report, explain) skips just those (bounds22). Each stops being counted at the
 * bound, so one costs what the gate's count costs, and the others what listing their paths costs anyway.
 */
export async function commitsOverPaths(
  cwd: string,
  commits: readonly Listed[],
  known: ReadonlyMap<string, string> = new Map(),
  size = COUNT_WINDOW,
): Promise<Set<string>> {
  const trees = new Map([...known, ...commits.map((c): [string, string] => [c.sha, c.tree])]);
  const out = new Set<string>();
  for (let at = 0; at < commits.length; at += size) {
    const window = commits.slice(at, at + size);
    const over = new Set<number>();
    await countPaths(cwd, window, trees, MAX_JUDGED_PATHS, over);
    for (const i of over) out.add(window[i].sha);
  }
  return out;
}

/**
 * Commits counted by one git process in commitsOverPaths. `git diff-tree --stdin` keeps every tree it parses
 * until it exits (builtin/diff-tree.c parse_tree), so one process for a whole history held its every distinct
 * tree: 280 MB for 10,000 commits over a folder of 500 files, where the log that then reads them stays near 60 MB
 * (bounds22). A window of commits bounds that by the trees of 1,000 commits (`size`: a caller's own).
 */
export const COUNT_WINDOW = 1000;

/** The count: with `each`, every commit past `limit` goes there (its paths no longer followed), and none stops it. */
async function countPaths(
  cwd: string,
  commits: readonly Listed[],
  known: ReadonlyMap<string, string>,
  limit: number,
  each?: Set<number>,
  cleared?: Cleared,
): Promise<PathsOver | undefined> {
  if (commits.length === 0) return undefined;
  const empty = await emptyTree(cwd);
  // The caller's trees are looked up, not copied: commitsOverPaths asks window by window with a whole history's.
  const trees = new Map(commits.map((c): [string, string] => [c.sha, c.tree]));
  const treeOf = (sha: string) => trees.get(sha) ?? known.get(sha);
  const outside = [
    ...new Set(commits.flatMap((c) => (c.parents[0] && treeOf(c.parents[0]) === undefined ? [c.parents[0]] : []))),
  ];
  if (outside.length > 0) {
    const r = await runGit(['cat-file', '--batch-check=%(objectname) %(objecttype)'], {
      cwd,
      input: outside.map((p) => `${p}^{tree}`).join('\n') + '\n',
    });
    const lines = r.stdout.split('\n');
    outside.forEach((p, i) => {
      const [oid, type] = (lines[i] ?? '').split(' ');
      if (type !== 'tree') throw new CountersignError('git', `the tree of commit ${p} cannot be read here`);
      trees.set(p, oid);
    });
  }
  // Pair "old new" -> who meets it: commit index and how many times, in pairs (capped: past the limit it is over).
  // A flat list, not a Map per pair: most pairs are met by one commit, and 30,000 Maps a round were most of the
  // count's own CPU on a 10,000-commit range. A commit meeting a pair again right after adds to its last entry;
  // elsewhere it gets a second entry (counted alike), so the list never holds more entries than were counted.
  let level = new Map<string, number[]>();
  const meet = (into: typeof level, pair: string, commit: number, times: number) => {
    const of = into.get(pair);
    if (!of) into.set(pair, [commit, Math.min(limit + 1, times)]);
    else if (of[of.length - 2] === commit) of[of.length - 1] = Math.min(limit + 1, of[of.length - 1] + times);
    else of.push(commit, Math.min(limit + 1, times));
  };
  const pairs = commits.map((c) => {
    const from = c.parents[0] ? (treeOf(c.parents[0]) as string) : empty;
    return from !== c.tree ? `${from} ${c.tree}` : undefined;
  });
  // Without `cleared`, one window: every commit's pairs in the first round.
  let size = cleared ? CLEARED_WINDOWS.first : commits.length;
  let windowEnd = 0;
  const nextWindow = () => {
    const from = windowEnd;
    windowEnd = Math.min(commits.length, windowEnd + size);
    size = Math.min(size * 2, CLEARED_WINDOWS.last);
    for (let i = from; i < windowEnd; i++) if (pairs[i] !== undefined) meet(level, pairs[i] as string, i, 1);
  };
  nextWindow();
  const counts = new Array<number>(commits.length).fill(0);
  let total = 0;
  const differ = new LevelDiffer(cwd, empty);
  try {
    for (;;) {
      if (level.size === 0) {
        cleared?.(windowEnd, (i) => pairs[i]);
        if (windowEnd === commits.length) break;
        nextWindow();
        continue;
      }
      const next: typeof level = new Map();
      const met = [...level.values()];
      await differ.round([...level.keys()], (asked, sub) => {
        const of = met[asked];
        const deeper = sub !== undefined;
        for (let k = 0; k < of.length; k += 2) {
          const i = of[k];
          const times = of[k + 1];
          if (each?.has(i)) continue;
          counts[i] += times;
          total += times;
          if (counts[i] > limit && each) each.add(i);
          if (each) {
            if (deeper && !each.has(i)) meet(next, sub, i, times);
            continue;
          }
          if (counts[i] > limit) return { sha: commits[i].sha };
          if (total > limit) return { range: true };
          if (deeper) meet(next, sub, i, times);
        }
        return undefined;
      });
      if (differ.over) return differ.over;
      level = next;
    }
  } finally {
    await differ.close();
  }
  return undefined;
}

/**
 * A changed entry of the `asked`th pair of the round: `sub` is the pair of trees to compare next round when either
 * side is a folder (the other side the empty tree), undefined when neither is.
 */
type OnEntry = (asked: number, sub: string | undefined) => PathsOver | void;

/** One `git diff-tree --stdin -z` (no `-r`) answering rounds of tree pairs; stops (kills git) when told to. */
class LevelDiffer {
  over: PathsOver | undefined;
  private readonly child: ChildProcessWithoutNullStreams;
  private buf: Buffer = Buffer.alloc(0);
  /** The round's pairs as asked, and which of them git's last echo line named (-1 before the first). */
  private asked: string[] = [];
  private at = -1;
  private inPath = false;
  private onEntry: OnEntry | undefined;
  private pending: { resolve: () => void; reject: (e: unknown) => void } | undefined;
  private failed: unknown;
  private readonly done: Promise<void>;

  constructor(
    cwd: string,
    private readonly empty: string,
  ) {
    this.child = childProcess().spawn('git', ['diff-tree', '--stdin', '-z', '--no-abbrev', '--no-renames'], {
      cwd,
      env: gitEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdin.on('error', () => undefined);
    this.child.stdout.on('data', (chunk: Buffer) => {
      if (this.failed || this.over) return;
      this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
      try {
        this.parse();
      } catch (e) {
        this.failed = e;
        this.child.kill();
        this.settle(e);
      }
    });
    this.done = new Promise<void>((resolve, reject) =>
      settleGitStream(
        this.child,
        'git diff-tree --stdin',
        () => this.failed,
        () => undefined,
        resolve,
        reject,
      ),
    );
    // git gone mid-round (a tree it cannot read) fails the round: a round is never taken as complete without its end.
    this.done.then(
      () => this.settle(new CountersignError('git', 'git diff-tree --stdin exited before answering')),
      (e) => this.settle(e),
    );
  }

  /** Compares each pair ("old new" tree ids), handing each changed entry to `onEntry`, until the round's end. */
  round(pairs: string[], onEntry: OnEntry): Promise<void> {
    this.onEntry = onEntry;
    this.asked = pairs;
    this.at = -1;
    const ended = new Promise<void>((resolve, reject) => (this.pending = { resolve, reject }));
    this.child.stdin.write(pairs.join('\n') + '\n' + ROUND_END + '\n');
    return ended;
  }

  async close(): Promise<void> {
    if (this.over) this.child.kill();
    this.child.stdin.end();
    await this.done.catch((e) => {
      if (!this.over) throw e;
    });
  }

  /** Ends the round waiting: at its end line or a stop (no error), or failed. */
  private settle(error?: unknown): void {
    const p = this.pending;
    this.pending = undefined;
    if (!p) return;
    if (error === undefined || this.over) p.resolve();
    else p.reject(error);
  }

  /**
   * Reads what `buf` holds by position (an index, not a Buffer view per token: 30,000 entries a round were as many
   * views for the collector), keeping only the unfinished tail.
   */
  private parse(): void {
    const b = this.buf;
    let p = 0;
    try {
      for (;;) {
        if (this.inPath) {
          // The entry's name: not needed to count it (a name may hold any byte but NUL).
          const nul = b.indexOf(0, p);
          if (nul < 0) return;
          p = nul + 1;
          this.inPath = false;
          continue;
        }
        if (p === b.length) return;
        if (b[p] === 0x3a /* ':' */) {
          const nul = b.indexOf(0, p);
          if (nul < 0) return;
          if (this.at < 0) throw unexpected(b.toString('latin1', p, nul));
          const sub = this.subPair(b, p, nul);
          p = nul + 1;
          this.inPath = true;
          const over = (this.onEntry as OnEntry)(this.at, sub);
          if (over) {
            this.over = over;
            this.child.kill();
            this.settle();
            return;
          }
          continue;
        }
        const nl = b.indexOf(0x0a, p);
        if (nl < 0) {
          if (b.length - p > 200) throw unexpected(b.toString('latin1', p, p + 80));
          return;
        }
        const line = b.toString('latin1', p, nl);
        p = nl + 1;
        if (line === ROUND_END) {
          this.at = -1;
          this.settle();
          continue;
        }
        // The pair the entries after it belong to: the next asked, in order (one git found nothing in may be skipped).
        let k = this.at + 1;
        while (k < this.asked.length && this.asked[k] !== line) k++;
        if (k === this.asked.length) throw unexpected(line);
        this.at = k;
      }
    } finally {
      this.buf = p === b.length ? Buffer.alloc(0) : b.subarray(p);
    }
  }

  /**
   * The raw entry header `b[s, end)` (`:oldmode newmode oldid newid X`), read by position: its next round's pair
   * when a side is a folder, else undefined. Throws on a header of another shape.
   */
  private subPair(b: Buffer, s: number, end: number): string | undefined {
    const n = b[s + 55] === 0x20 ? 40 : 64;
    const at = s + 16 + 2 * n;
    const shaped =
      b[s + 7] === 0x20 &&
      b[s + 14] === 0x20 &&
      b[s + 15 + n] === 0x20 &&
      b[at] === 0x20 &&
      end >= at + 2 &&
      b[at + 1] >= 0x41 &&
      b[at + 1] <= 0x5a &&
      digits(b, s + 1, s + 7) &&
      digits(b, s + 8, s + 14) &&
      digits(b, at + 2, end);
    if (!shaped) throw unexpected(b.toString('latin1', s, end));
    const oldTree = isTreeMode(b, s + 1);
    const newTree = isTreeMode(b, s + 8);
    if (!oldTree && !newTree) return undefined;
    const oid = (from: number) => {
      for (let i = from; i < from + n; i++)
        if (!((b[i] >= 0x30 && b[i] <= 0x39) || (b[i] >= 0x61 && b[i] <= 0x66)))
          throw unexpected(b.toString('latin1', s, end));
      return b.toString('latin1', from, from + n);
    };
    return `${oldTree ? oid(s + 15) : this.empty} ${newTree ? oid(s + 16 + n) : this.empty}`;
  }
}

/** Whether the six mode digits at `b[at]` are a folder's (TREE), compared as bytes. */
function isTreeMode(b: Buffer, at: number): boolean {
  for (let i = 0; i < TREE.length; i++) if (b[at + i] !== TREE.charCodeAt(i)) return false;
  return true;
}

function digits(b: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] < 0x30 || b[i] > 0x39) return false;
  return true;
}

function unexpected(text: string): CountersignError {
  return new CountersignError(
    'git',
    `unexpected git diff-tree output ${JSON.stringify(text.slice(0, 80))}; the gate reads nothing it cannot place`,
  );
}
