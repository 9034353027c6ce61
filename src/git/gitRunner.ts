import { AsyncLocalStorage } from 'async_hooks';
import type { ChildProcess } from 'child_process';
import { CountersignError, type CountersignErrorReason } from '../core/errors';
import { batchedAnswer, listingsKeptAfter, NO_REF_LISTING, startListings } from './batchedReads';
import { childProcess } from './childProcess';
import { gitEnv } from './gitEnv';
import { descendantPids } from './processTree';
import { closeObjectQuestions, OBJECT_QUESTIONS } from './snapshotObjects';

export { GIT_CONFIG, GIT_ENV, gitEnv, UNTRUSTED_REPO_GIT_CONFIG, untrustedRepoGitEnv, withGitConfig } from './gitEnv';

/**
 * Runs the real `git` binary: every git process Countersign starts, network operations included, goes through
 * here, so each gets the same hardened environment (GIT_ENV), timeout and error reasons.
 */
export interface GitRunOptions {
  cwd: string;
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  /** Exit codes that are answers, not failures (e.g. `git diff --quiet` returns 1). */
  okCodes?: number[];
  timeoutMs?: number;
  /** Decode stdout byte for byte (latin1): for paths that are not valid UTF-8 (core/commitObject.decodePath). */
  bytes?: boolean;
  /**
   * For output a pusher controls: past this many bytes of stdout git is killed, and the answer is the first
   * `maxStdoutBytes` with `truncated` set (attack21 01: a policy blob of 2 GB was buffered whole, then died
   * as a string). The caller decides what a truncated answer means; it is never an error by itself.
   */
  maxStdoutBytes?: number;
}

export interface GitResult {
  stdout: string;
  stderr: string;
  code: number;
  /** Set when git was stopped at `maxStdoutBytes`: stdout is that much of what it would have written. */
  truncated?: boolean;
}

/** One table maps git's stderr to reason codes; nothing else branches on message text. */
const stderrReasons: Array<[RegExp, CountersignErrorReason]> = [
  [/not a git repository/i, 'notARepository'],
  [
    /unable to read [0-9a-f]{40,64}|could not fetch [0-9a-f]{40,64} from promisor remote|missing blob object|bad object [0-9a-f]{40,64}/i,
    'missingObject',
  ],
  [
    /could not read from remote|unable to access|could not resolve host|connection refused|does not appear to be a git repository/i,
    'remoteUnreachable',
  ],
];

export function gitErrorReason(stderr: string): CountersignErrorReason {
  for (const [re, reason] of stderrReasons) if (re.test(stderr)) return reason;
  return 'git';
}

/**
 * Read-only answers shared within one snapshot of a repository (withGitReadCache). The review panel judges up to
 * 30 branches per remote with the gate's own code, and each judgement asks the same repository-level questions
 * (remotes, upstream, default branch, the policy blob, the approvals): under a cache they are asked once, so a
 * refresh costs a few processes per branch instead of twenty. Only subcommands that cannot change anything
 * are shared, keyed by everything that affects the answer.
 */
const READ_ONLY = new Set([
  'rev-parse',
  'symbolic-ref',
  'for-each-ref',
  'remote',
  'config',
  'cat-file',
  'rev-list',
  'merge-base',
  'ls-tree',
  'log',
  'diff-tree',
  'notes',
]);
const readCache = new AsyncLocalStorage<Map<string, Promise<unknown>>>();

/** The subcommand of `args`, after any leading `-c key=value` options; undefined when it writes. */
function readOnlyKey(args: string[], opts: GitRunOptions): string | undefined {
  let i = 0;
  while (args[i] === '-c') i += 2;
  const sub = args[i];
  if (!READ_ONLY.has(sub)) return undefined;
  // `config` only when it reads (`--get`, and `--get-regexp`, which every partial-clone check asks);
  // `notes` only `list`; `remote` only the plain listing.
  if (sub === 'config' && args[i + 1] !== '--get' && args[i + 1] !== '--get-regexp') return undefined;
  if (sub === 'notes' && !args.slice(i + 1).includes('list')) return undefined;
  if (sub === 'remote' && args.length > i + 1) return undefined;
  return JSON.stringify([
    opts.cwd,
    args,
    opts.input === undefined ? null : opts.input.toString(),
    opts.env ?? null,
    opts.okCodes ?? null,
    opts.bytes ?? false,
    opts.maxStdoutBytes ?? null,
  ]);
}

/**
 * Runs `fn` with identical read-only git queries answered once: a view of the repository taken in one go. A
 * git command run inside it that can change refs, HEAD, config or notes (a fetch, a notes merge: see
 * changesSnapshot) empties the cache when it finishes, so what is asked after it is asked afresh: `verify`
 * fetches the remote's approvals inside its snapshot, and a ref listing taken before that fetch once hid the
 * approval it brought (integration UI phase, session 8). `objectQuestions`: object lookups (`rev-parse REV^{commit}`,
 * `OID:PATH`, `cat-file -t`/`-e`/`--batch-check`) go to one `cat-file --batch-check` for the snapshot
 * (snapshotObjects.ts), ended with it: for a run that asks many one after another (the server's pre-receive).
 */
export function withGitReadCache<T>(
  fn: () => Promise<T>,
  opts: { refListing?: false; objectQuestions?: true } = {},
): Promise<T> {
  // Inside a snapshot already (verify judging for explain or the review panel): its answers are shared.
  if (readCache.getStore()) return fn();
  const cache = new Map<string, Promise<unknown>>();
  // The server asks about a few refs among possibly very many (attack17 Q1): git is asked, not a full listing.
  if (opts.refListing === false) cache.set(NO_REF_LISTING, Promise.resolve(true));
  // Object questions answered by one process kept open until the snapshot ends (snapshotObjects.ts).
  if (opts.objectQuestions) cache.set(OBJECT_QUESTIONS, Promise.resolve(true));
  const run = readCache.run(cache, fn);
  return opts.objectQuestions ? run.finally(() => closeObjectQuestions(cache)) : run;
}

/** Whether this code runs within a withGitReadCache scope (a snapshot of the repository). */
export function inGitReadCache(): boolean {
  return readCache.getStore() !== undefined;
}

/**
 * Subcommands that change nothing a snapshot's answers depend on: they only read, or only add objects (no
 * read asks about an object before it exists). Every other subcommand not answered from the cache empties it.
 */
const KEEPS_SNAPSHOT = new Set([
  'cat-file',
  'check-attr',
  'check-ignore',
  'check-ref-format',
  'commit-tree',
  'diff',
  'diff-files',
  'diff-index',
  'hash-object',
  'interpret-trailers',
  'ls-files',
  'ls-remote',
  'merge-tree',
  'mktree',
  'patch-id',
  'show',
  'show-ref',
  'var',
  'version',
  'write-tree',
  ...READ_ONLY,
]);
/** `config` forms that only read. */
const CONFIG_READS = ['--get', '--get-all', '--get-regexp', '--get-urlmatch', '--list', '-l'];

/** Whether `git ARGS` can change refs, HEAD, config or notes (fail safe: an unknown subcommand can). */
export function changesSnapshot(args: string[]): boolean {
  let i = 0;
  while (args[i] === '-c') i += 2;
  const [sub, ...rest] = args.slice(i);
  if (sub === 'config') return !rest.some((a) => CONFIG_READS.includes(a));
  if (sub === 'notes') return !rest.some((a) => a === 'list' || a === 'show' || a === 'get-ref');
  if (sub === 'remote') return rest.length > 0 && !['get-url', 'show', '-v', '--verbose'].includes(rest[0]);
  if (sub === 'symbolic-ref')
    return rest.some((a) => a === '-d' || a === '--delete') || rest.filter((a) => !a.startsWith('-')).length > 1;
  return !KEEPS_SNAPSHOT.has(sub);
}

/**
 * Within a withGitReadCache scope, starts at once the few listings that answer most of a snapshot's questions
 * about the repository at `cwd` (batchedReads.ts): config, refs, the repository's folders and (unless `head`
 * is false) the branch HEAD names.
 */
export function startSnapshotListings(cwd: string, opts: { head?: boolean } = {}): void {
  const cache = readCache.getStore();
  if (cache) startListings(cwd, cache, spawnGit, opts);
}

/**
 * An answer worked out from read-only git answers (a parsed policy, say), shared within the same
 * withGitReadCache scope under `key` like the git answers it comes from; computed afresh outside one.
 */
export function sharedInSnapshot<T>(key: string, compute: () => Promise<T>): Promise<T> {
  const cache = readCache.getStore();
  if (!cache) return compute();
  const k = `derived\0${key}`;
  let answer = cache.get(k) as Promise<T> | undefined;
  if (!answer) {
    answer = compute();
    cache.set(k, answer);
    answer.catch(() => cache.delete(k));
  }
  return answer;
}

/**
 * Answers git gave before this process started, keyed by cwd and argv: the commit hook's shim runs the
 * read-only queries prepare-commit-msg makes while Node starts (src/git/hookPrelude.ts), because every
 * process Node spawns costs more than the same process started by the shell. Each answer is used once;
 * a query nobody seeded (other arguments, an input, its own environment) runs git as usual.
 */
const seeded = new Map<string, { stdout: string; code: number }>();

export function seedGitAnswer(cwd: string, args: string[], stdout: string, code: number): void {
  seeded.set(JSON.stringify([cwd, args]), { stdout, code });
}

function takeSeeded(args: string[], opts: GitRunOptions): Promise<GitResult> | undefined {
  if (seeded.size === 0 || opts.input !== undefined || opts.env !== undefined || opts.bytes) return undefined;
  const key = JSON.stringify([opts.cwd, args]);
  const answer = seeded.get(key);
  if (!answer) return undefined;
  seeded.delete(key);
  return new Promise((resolve, reject) => settle(args, opts, answer.stdout, '', answer.code, resolve, reject));
}

/**
 * Empties a snapshot's answers after `git ARGS` wrote; whether it may list every ref is how it was made, not an
 * answer, and the listings a write of refs alone leaves true stay (batchedReads.listingsKeptAfter).
 */
function clearAnswers(cache: Map<string, Promise<unknown>>, args: string[]): void {
  const kept = listingsKeptAfter(args);
  const stay = [...cache].filter(
    ([k]) => k === NO_REF_LISTING || k === OBJECT_QUESTIONS || kept.some((p) => k.startsWith(p)),
  );
  closeObjectQuestions(cache);
  cache.clear();
  for (const [k, v] of stay) cache.set(k, v);
}

export function runGit(args: string[], opts: GitRunOptions): Promise<GitResult> {
  const early = takeSeeded(args, opts);
  if (early) return early;
  const cache = readCache.getStore();
  const key = cache && readOnlyKey(args, opts);
  if (!cache) return spawnGit(args, opts);
  if (!key) {
    const run = spawnGit(args, opts);
    // Failed or not, it may have moved something: nothing asked before it is an answer after it.
    return changesSnapshot(args) ? run.finally(() => clearAnswers(cache, args)) : run;
  }
  let answer = cache.get(key) as Promise<GitResult> | undefined;
  if (!answer) {
    // Config reads and ref lookups are answered from one listing each (batchedReads.ts), else git is asked.
    const batched = batchedAnswer(args, opts, cache, spawnGit);
    answer = batched
      ? batched.then((b) =>
          b
            ? new Promise<GitResult>((resolve, reject) => settle(args, opts, b.stdout, '', b.code, resolve, reject))
            : spawnGit(args, opts),
        )
      : spawnGit(args, opts);
    cache.set(key, answer);
    // A failure is not an answer worth keeping (a timeout, a missing binary): the next caller asks again.
    answer.catch(() => cache.delete(key));
  }
  return answer;
}

function spawnGit(args: string[], opts: GitRunOptions): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = childProcess().spawn('git', args, {
      cwd: opts.cwd,
      env: gitEnv(opts.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let truncated = false;
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    if (opts.timeoutMs) {
      timer = setTimeout(() => {
        timedOut = true;
        // A bounded run talks to a remote, through a transport git starts (ssh, a credential helper) that killing
        // git alone leaves running with the pipes read here: a hung ssh held `verify` past its bound (newuser22).
        // Not its own process group (`detached` is setsid: the transport would lose the terminal it asks for a
        // passphrase on, and Ctrl-C would no longer reach it — attack28 03, 04): its processes are found and killed.
        killTree(child);
        // One that could not be found (it left by a double fork) may still hold the pipes: stop reading them.
        child.stdout.destroy();
        child.stderr.destroy();
      }, opts.timeoutMs);
    }
    child.stdout.on('data', (d: Buffer) => {
      if (truncated) return;
      const cap = opts.maxStdoutBytes ?? Infinity;
      out.push(outBytes + d.length > cap ? d.subarray(0, cap - outBytes) : d);
      outBytes += d.length;
      if (outBytes > cap) {
        truncated = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(new CountersignError('git', `could not run git: ${e.message}`, undefined, { cause: e }));
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const stdout = Buffer.concat(out).toString(opts.bytes ? 'latin1' : 'utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      const exit = code ?? 128;
      if (truncated) {
        resolve({ stdout, stderr, code: exit, truncated });
        return;
      }
      if (timedOut || (signal === 'SIGKILL' && opts.timeoutMs)) {
        reject(
          new CountersignError('remoteUnreachable', `git ${args[0]} timed out after ${opts.timeoutMs} ms`, stderr),
        );
        return;
      }
      settle(args, opts, stdout, stderr, exit, resolve, reject);
    });
    child.stdin.on('error', () => undefined); // git may exit before reading all input
    child.stdin.end(opts.input ?? '');
  });
}

/** Kills git and what it started (its transport), read before git dies (processTree.ts). */
function killTree(child: ChildProcess): void {
  const below = child.pid === undefined ? [] : descendantPids(child.pid);
  child.kill('SIGKILL');
  for (const pid of below) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Ended already.
    }
  }
}

/** A finished git process's answer, or the error a failure is. */
function settle(
  args: string[],
  opts: GitRunOptions,
  stdout: string,
  stderr: string,
  exit: number,
  resolve: (r: GitResult) => void,
  reject: (e: Error) => void,
): void {
  if (exit === 0 || opts.okCodes?.includes(exit)) {
    resolve({ stdout, stderr, code: exit });
    return;
  }
  reject(
    new CountersignError(
      gitErrorReason(stderr),
      `git ${args.join(' ')} failed (exit ${exit}): ${stderr.trim().split('\n').slice(-3).join(' ')}`,
      stderr,
    ),
  );
}

/**
 * A config value as git resolves it (`git config --get`, every scope), trimmed; undefined when it is unset
 * or set to nothing, which every caller treats alike (`user.signingkey=` is no key, `core.hooksPath=` no path).
 */
export async function gitConfig(cwd: string, key: string): Promise<string | undefined> {
  const r = await runGit(['config', '--get', key], { cwd, okCodes: [1] });
  const v = r.stdout.trim();
  return r.code === 0 && v ? v : undefined;
}

/** Convenience: stdout of a git command, trailing newline removed. */
export async function git(cwd: string, args: string[], input?: string): Promise<string> {
  const r = await runGit(args, { cwd, input });
  return r.stdout.replace(/\n$/, '');
}
