import * as fs from 'fs';
import * as os from 'os';
import { randomBytes } from 'crypto';
import { CountersignError } from '../core/errors';

/**
 * A cross-process lock: a file created with O_EXCL. The owner writes its pid, host and a random token into
 * it, so a lock left by a process that died (kill -9, a crashed editor window) is recognised and taken
 * over: its pid no longer runs on this host, or it has not been refreshed for `staleMs`.
 *
 * Taking over is the delicate part: two waiters may see the same dead owner at once, and if both simply
 * deleted the file, one could delete the lock the other had just created. So a take-over first claims a
 * second O_EXCL file (`<lock>.steal`), re-reads the lock to check it still holds the same dead owner, and
 * only then removes it; the waiters then race for the lock itself through O_EXCL as usual.
 */
export interface LockOptions {
  /** How long to wait for a busy lock before giving up (bounded wait). */
  timeoutMs?: number;
  /** A lock not refreshed for this long is stale even if its pid seems alive (pid reuse, other host). */
  staleMs?: number;
}

interface LockOwner {
  pid: number;
  host: string;
  token: string;
  since: number;
}

const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_STALE_MS = 60_000;
/** A take-over claim older than this belongs to a waiter that died mid-take-over. */
const STEAL_CLAIM_STALE_MS = 10_000;

export class FileLock {
  private released = false;

  private constructor(
    readonly file: string,
    private readonly token: string,
  ) {}

  /** Acquires the lock, waiting with back-off up to `timeoutMs`; throws CountersignError('io') naming the lock on time-out. */
  static async acquire(file: string, opts: LockOptions = {}): Promise<FileLock> {
    const lock = FileLock.tryAcquire(file, opts);
    if (lock) return lock;
    const deadline = Date.now() + (opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    let delay = 2;
    for (;;) {
      await sleep(delay);
      const l = FileLock.tryAcquire(file, opts);
      if (l) return l;
      if (Date.now() >= deadline) {
        const owner = readOwner(file);
        const who =
          owner && owner !== 'missing'
            ? `process ${owner.pid} on ${owner.host} since ${new Date(owner.since).toISOString()}`
            : 'another process';
        throw new CountersignError(
          'io',
          `${file} is held by ${who}; if no Countersign process is running, delete that file and retry`,
        );
      }
      delay = Math.min(delay * 2, 50);
    }
  }

  /** One attempt, no waiting: the lock, or undefined when another live process holds it. */
  static tryAcquire(file: string, opts: LockOptions = {}): FileLock | undefined {
    const token = randomBytes(8).toString('hex');
    for (let attempt = 0; attempt < 3; attempt++) {
      if (createExclusive(file, token)) return new FileLock(file, token);
      const owner = readOwner(file);
      if (owner === 'missing') continue; // released between our create and read: try again at once
      if (!isStale(file, owner, opts.staleMs ?? DEFAULT_STALE_MS)) return undefined;
      takeOver(file, owner);
    }
    return undefined;
  }

  /** Marks the lock as still in use, so long work is not mistaken for a dead owner. */
  refresh(): void {
    if (this.released) return;
    const now = new Date();
    try {
      fs.utimesSync(this.file, now, now);
    } catch {
      /* a lost lock is detected on release */
    }
  }

  /** Releases the lock if we still own it (a take-over after we were judged stale leaves the new owner's lock alone). */
  release(): void {
    if (this.released) return;
    this.released = true;
    const owner = readOwner(this.file);
    if (owner !== 'missing' && owner !== undefined && owner.token === this.token) {
      fs.rmSync(this.file, { force: true });
    }
  }

  get held(): boolean {
    if (this.released) return false;
    const owner = readOwner(this.file);
    return owner !== 'missing' && owner !== undefined && owner.token === this.token;
  }
}

/** Runs `fn` while holding the lock, releasing it however `fn` ends. */
export async function withLock<T>(file: string, opts: LockOptions, fn: (lock: FileLock) => Promise<T> | T): Promise<T> {
  const lock = await FileLock.acquire(file, opts);
  try {
    return await fn(lock);
  } finally {
    lock.release();
  }
}

function createExclusive(file: string, token: string): boolean {
  const owner: LockOwner = { pid: process.pid, host: os.hostname(), token, since: Date.now() };
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new CountersignError('io', `cannot create lock ${file}: ${(e as Error).message}`, undefined, { cause: e });
  }
  try {
    fs.writeSync(fd, JSON.stringify(owner));
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/** The owner recorded in a lock file; undefined when unreadable (a creator killed between open and write), 'missing' when gone. */
function readOwner(file: string): LockOwner | undefined | 'missing' {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    return undefined;
  }
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (
      typeof o.pid === 'number' &&
      typeof o.host === 'string' &&
      typeof o.token === 'string' &&
      typeof o.since === 'number'
    ) {
      return o as LockOwner;
    }
  } catch {
    /* fall through: torn or foreign content */
  }
  return undefined;
}

function isStale(file: string, owner: LockOwner | undefined, staleMs: number): boolean {
  let mtime: number;
  try {
    mtime = fs.statSync(file).mtimeMs;
  } catch {
    return false; // gone: not stale, the next create attempt will tell
  }
  const age = Date.now() - mtime;
  if (owner === undefined) {
    // Empty or torn content: its creator is writing it right now, or died doing so. Give it a moment.
    return age > 2000;
  }
  if (owner.host === os.hostname() && !processAlive(owner.pid)) return true;
  return age > staleMs;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function takeOver(file: string, seen: LockOwner | undefined): void {
  const claim = `${file}.steal`;
  if (!createExclusive(claim, 'steal')) {
    try {
      if (Date.now() - fs.statSync(claim).mtimeMs > STEAL_CLAIM_STALE_MS) fs.rmSync(claim, { force: true });
    } catch {
      /* someone else cleaned it */
    }
    return;
  }
  try {
    const now = readOwner(file);
    const same =
      now !== 'missing' && (now === undefined ? seen === undefined : seen !== undefined && now.token === seen.token);
    if (same) fs.rmSync(file, { force: true });
  } finally {
    fs.rmSync(claim, { force: true });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
