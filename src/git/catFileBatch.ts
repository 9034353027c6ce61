import type { ChildProcessWithoutNullStreams } from 'child_process';
import { childProcess } from './childProcess';
import { CountersignError } from '../core/errors';
import { settleGitStream } from './gitExit';
import { gitEnv } from './gitRunner';
import { noLazyFetchEnv } from './missingObjects';

/**
 * Reads many objects through one `git cat-file --batch` process (docs/design.md: notes are read with
 * `git cat-file --batch`, never one process per note). Output is `<oid> <type> <size>\n<bytes>\n` per object,
 * or `<name> missing\n`; it is parsed as bytes so sizes stay exact for any content. `type` is git's object
 * type (`blob`, `tree`…), for callers that asked for `REV:PATH` and want only files.
 *
 * `ObjectReader` takes names while it runs — `git cat-file --batch` answers each as soon as it is asked (it
 * flushes per object unless `--buffer`) — so a caller streaming history can ask for a commit's note when the
 * commit goes by and handle the answer without holding every note at once. Objects missing from a partial
 * clone are answered `missing`, never fetched (see missingObjects.ts).
 */
export type OnObject = (name: string, content: Buffer | undefined, type?: string, oversized?: number) => void;

/**
 * `maxBytes`: an object larger than this is streamed past, never held, and answered with no content and its size
 * (`oversized`). Note readers pass the largest note the server takes: a hostile clone's or fork's note of 400 MB
 * (a few KB on the wire) was read whole and split into lines, and the CLI or the extension host died of it
 * (outside tester, session 12, H2/H3).
 */
export interface ReadLimit {
  maxBytes?: number;
  /**
   * Hears an oversized object's content piece by piece as it streams past (after its onObject call), for a caller
   * that counts it without holding it (a file's newlines: git/binaryFiles.ts). A piece is valid only during the call.
   */
  onSkipped?: (piece: Buffer) => void;
}

export class ObjectReader {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly names: string[] = [];
  /** Per-name limits (read's second argument), where a name has one; else opts.maxBytes. */
  private readonly limits = new Map<number, number>();
  private index = 0;
  private buf: Buffer = Buffer.alloc(0);
  /** Chunks not yet joined to `buf`: a large object is joined once when complete, not once per 64 KiB pipe chunk. */
  private chunks: Buffer[] = [];
  private chunkBytes = 0;
  private need: { size: number; type: string } | undefined;
  /** Bytes of an oversized object (and its newline) still to be dropped as they arrive. */
  private skip = 0;
  private failed: unknown;
  private readonly done: Promise<void>;
  /** Names asked since the last write: one pipe write per turn of the caller's loop, not one per name. */
  private unsent = '';

  /**
   * With `borrowed`, `content` is a view into the reader's own buffer, valid only during the call (no copy
   * per object: a report reads thousands of notes and decodes each at once); without, a copy the caller keeps.
   * With `buffered` (`--buffer`), git writes its answers when its output buffer fills or its input ends, not
   * one write (and one wake-up of this process) per object: only for a caller that never waits for an answer
   * before asking its next name, since the last answers arrive only at close().
   */
  constructor(
    cwd: string,
    private readonly onObject: OnObject,
    private readonly opts: { borrowed?: boolean; buffered?: boolean } & ReadLimit = {},
  ) {
    this.child = childProcess().spawn('git', ['cat-file', '--batch', ...(opts.buffered ? ['--buffer'] : [])], {
      cwd,
      env: gitEnv(noLazyFetchEnv()),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout.on('data', (data: Buffer) => {
      if (this.failed) return;
      let chunk = data;
      if (this.skip > 0) {
        const dropped = Math.min(this.skip, chunk.length);
        // The object's own bytes: all of `skip` but its last (git's newline after the object).
        const content = Math.min(dropped, this.skip - 1);
        if (content > 0) this.opts.onSkipped?.(chunk.subarray(0, content));
        this.skip -= dropped;
        chunk = chunk.subarray(dropped);
        if (chunk.length === 0) return;
      }
      // Joining per chunk copied a 40 MB note about 600 times (quadratic: 250 s, past the server hook's
      // timeout, from a note ~40 KB compressed on the wire; outside tester, session 6). Wait until the object
      // being read is complete, then join once.
      this.chunks.push(chunk);
      this.chunkBytes += chunk.length;
      if (this.need && this.buf.length + this.chunkBytes < this.need.size + 1) return;
      this.buf = this.buf.length === 0 && this.chunks.length === 1 ? chunk : Buffer.concat([this.buf, ...this.chunks]);
      this.chunks = [];
      this.chunkBytes = 0;
      try {
        this.pump();
      } catch (e) {
        this.failed = e;
        this.child.kill();
      }
    });
    this.child.stdin.on('error', () => undefined);
    this.done = new Promise<void>((resolve, reject) =>
      settleGitStream(
        this.child,
        'git cat-file --batch',
        () => this.failed,
        () => {
          if (this.index !== this.names.length)
            throw new CountersignError(
              'git',
              `git cat-file --batch answered ${this.index} of ${this.names.length} objects`,
            );
        },
        resolve,
        reject,
      ),
    );
    // A rejection nobody awaits yet (the caller is still asking) must not crash the process; close() reports it.
    this.done.catch(() => undefined);
  }

  /** Asks for one object; its answer comes to `onObject` in the order asked. `maxBytes`: as ReadLimit's, for it alone. */
  read(name: string, maxBytes?: number): void {
    if (/[\n\r]/.test(name))
      throw new CountersignError('input', `object name ${JSON.stringify(name)} contains a line break`);
    if (maxBytes !== undefined) this.limits.set(this.names.length, maxBytes);
    this.names.push(name);
    // A write per name cost a system call and a wake-up of git each (a fifth of `report`'s CPU over 2,226
    // notes): names asked in one synchronous run (a chunk of a log stream) go in one write after it.
    if (this.unsent === '') queueMicrotask(() => this.send());
    this.unsent += name + '\n';
  }

  /** Settles when git exits: rejects at once if it fails while the caller is still asking (a walk that asks as it reads). */
  get exited(): Promise<void> {
    return this.done;
  }

  /** No more names: waits for every answer (and for git to exit). */
  async close(): Promise<void> {
    this.send();
    this.child.stdin.end();
    await this.done;
  }

  private send(): void {
    if (this.unsent === '') return;
    this.child.stdin.write(this.unsent);
    this.unsent = '';
  }

  private pump(): void {
    for (;;) {
      if (!this.need) {
        const nl = this.buf.indexOf(0x0a);
        if (nl < 0) return;
        const header = this.buf.subarray(0, nl).toString('utf8');
        this.buf = this.buf.subarray(nl + 1);
        if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
          this.onObject(this.names[this.index++], undefined);
          continue;
        }
        const [, type, sizeText] = header.split(' ');
        const size = Number(sizeText);
        if (!Number.isSafeInteger(size)) throw new CountersignError('git', `unexpected git cat-file output: ${header}`);
        const limit = this.limits.get(this.index) ?? this.opts.maxBytes;
        this.limits.delete(this.index);
        if (limit !== undefined && size > limit) {
          // Dropped as it streams: what is buffered now, the rest in the data handler.
          const dropped = Math.min(size + 1, this.buf.length);
          this.onObject(this.names[this.index++], undefined, type, size);
          if (this.opts.onSkipped && dropped > 0) this.opts.onSkipped(this.buf.subarray(0, Math.min(size, dropped)));
          this.buf = this.buf.subarray(dropped);
          this.skip = size + 1 - dropped;
          if (this.skip > 0) return;
          continue;
        }
        this.need = { size, type };
      }
      if (this.buf.length < this.need.size + 1) return;
      const view = this.buf.subarray(0, this.need.size);
      const content = this.opts.borrowed ? view : Buffer.from(view);
      const type = this.need.type;
      this.buf = this.buf.subarray(this.need.size + 1);
      this.need = undefined;
      this.onObject(this.names[this.index++], content, type);
    }
  }
}

/** Reads a known list of objects through one `git cat-file --batch`. */
export async function readObjects(
  cwd: string,
  names: string[],
  onObject: OnObject,
  limit: ReadLimit = {},
): Promise<void> {
  if (names.length === 0) return;
  for (const n of names) {
    if (/[\n\r]/.test(n)) throw new CountersignError('input', `object name ${JSON.stringify(n)} contains a line break`);
  }
  const reader = new ObjectReader(cwd, onObject, { buffered: true, ...limit });
  for (const n of names) reader.read(n);
  await reader.close();
}
