import type { ChildProcessWithoutNullStreams } from 'child_process';
import { childProcess } from './childProcess';
import { gitEnv } from './gitEnv';
import { isPartialClone, noLazyFetchEnv } from './missingObjects';

/**
 * One `git cat-file --batch-check` kept open for a whole snapshot (gitRunner.withGitReadCache's objectQuestions),
 * answering its small object questions as they come: what a name resolves to (`REV^{commit}`, `OID:PATH`), an
 * object's type and size. The server's pre-receive asked them of a `git rev-parse` or a `cat-file` each, one after
 * another (the policy's commit and blob, the notes refs' tips, what each pushed value names, the notes guard's
 * objects): each a git start and a fork of Node, ~25 ms of CPU on a paravirtualised server, a dozen a push.
 *
 * git answers one line per name, in order, as soon as it is asked (it flushes per name without `--buffer`):
 * `<oid> <type> <size>`, or the name followed by `missing` or `ambiguous`. Never fetches: the snapshot uses it only
 * in a repository that is not a partial clone (batchedReads.objectAnswer), where no read fetches anyway.
 */
export class BatchCheck {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: Array<(line: string | undefined) => void> = [];
  private buf = '';
  private ended = false;

  constructor(cwd: string) {
    this.child = childProcess().spawn('git', ['cat-file', '--batch-check'], {
      cwd,
      env: gitEnv(noLazyFetchEnv()),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (text: string) => {
      this.buf += text;
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        this.waiting.shift()?.(line);
      }
    });
    // git explains some answers on stderr (`expected commit type, but the object dereferences to tree type`): the
    // line on stdout is the answer.
    this.child.stderr.resume();
    const end = () => {
      this.ended = true;
      for (const resolve of this.waiting.splice(0)) resolve(undefined);
    };
    this.child.on('error', end);
    this.child.on('close', end);
    this.child.stdin.on('error', end);
  }

  /** git's line for `name`, or undefined when the process could not answer (it failed or was closed): ask git. */
  ask(name: string): Promise<string | undefined> {
    // One name a line: git would read a line break (or a carriage return before it) as the end of the name.
    if (this.ended || /[\n\r]/.test(name)) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.child.stdin.write(`${name}\n`);
    });
  }

  close(): void {
    if (!this.ended) this.child.stdin.end();
    this.ended = true;
  }
}

/** A `--batch-check` line's object (id, type, size), or undefined for `NAME missing` / `NAME ambiguous`. */
export function foundObject(line: string): { oid: string; type: string; size: string } | undefined {
  const m = /^([0-9a-f]{40}|[0-9a-f]{64}) ([a-z]+) (\d+)$/.exec(line);
  return m ? { oid: m[1], type: m[2], size: m[3] } : undefined;
}

type Cache = Map<string, Promise<unknown>>;
interface Answer {
  stdout: string;
  code: number;
}

/** Set in a snapshot whose object questions one shared `cat-file --batch-check` answers (withGitReadCache). */
export const OBJECT_QUESTIONS = 'batched\0object-questions';
const BATCH_KEY = 'batched\0objects\0';

/**
 * The snapshot's `cat-file --batch-check` for `cwd`, started on the first question; none outside a snapshot that
 * asked for one, or in a partial clone (git's own reads there may fetch, or fail where this one would not).
 */
function batchCheckOf(cwd: string, cache: Cache): Promise<BatchCheck | undefined> | undefined {
  if (!cache.has(OBJECT_QUESTIONS)) return undefined;
  const key = BATCH_KEY + cwd;
  let p = cache.get(key) as Promise<BatchCheck | undefined> | undefined;
  if (!p) {
    p = isPartialClone(cwd).then(
      (partial) => (partial ? undefined : new BatchCheck(cwd)),
      () => undefined,
    );
    cache.set(key, p);
  }
  return p;
}

/** Ends the batch-check processes among a snapshot's entries (its end, or a write that empties it). */
export function closeObjectQuestions(entries: Iterable<[string, Promise<unknown>]>): void {
  for (const [key, p] of entries)
    if (key.startsWith(BATCH_KEY)) void (p as Promise<BatchCheck | undefined>).then((b) => b?.close());
}

const OBJECT_ID = '(?:[0-9a-f]{40}|[0-9a-f]{64})';
/** `OID:PATH` (or `OID^{commit}:PATH`) with a path from the tree's root (`./`, `../` are relative to a work tree). */
const OBJECT_PATH = new RegExp(`^${OBJECT_ID}(?:\\^\\{commit\\})?:(?!\\.\\.?/)[^\\n\\r]+$`);

/**
 * `git rev-parse --verify --quiet NAME` for NAME a full ref name or object id peeled with `^{commit}` (the caller
 * checked which), or `OID:PATH`: the object's id; for a peel that finds no commit (no such ref or object, or one of
 * another type), nothing and exit 1, as git answers. A path git did not find is left to git: in a repository whose
 * blob is lost `rev-parse` still names it from the tree, and the policy reader reports that loss.
 */
export function revParseAnswer(cwd: string, cache: Cache, name: string): Promise<Answer | undefined> | undefined {
  const peel = name.endsWith('^{commit}');
  if (!peel && !OBJECT_PATH.test(name)) return undefined;
  const batch = batchCheckOf(cwd, cache);
  if (!batch) return undefined;
  return batch
    .then((b) => b?.ask(name))
    .then((line) => {
      if (line === undefined) return undefined;
      const found = foundObject(line);
      if (found) return { stdout: `${found.oid}\n`, code: 0 };
      return peel && line === `${name} missing` ? { stdout: '', code: 1 } : undefined;
    });
}

/** `git cat-file -t OID` and `git cat-file -e OID` for an object this repository has; a missing one is left to git. */
export function objectCheckAnswer(
  cwd: string,
  cache: Cache,
  flag: '-t' | '-e',
  oid: string,
): Promise<Answer | undefined> | undefined {
  const batch = batchCheckOf(cwd, cache);
  if (!batch) return undefined;
  return batch
    .then((b) => b?.ask(oid))
    .then((line) => {
      const found = line === undefined ? undefined : foundObject(line);
      if (!found) return undefined;
      return flag === '-t' ? { stdout: `${found.type}\n`, code: 0 } : { stdout: '', code: 0 };
    });
}

const FIELDS = new Set(['%(objectname)', '%(objecttype)', '%(objectsize)']);

/**
 * `git cat-file --batch-check[=FORMAT]` with the names on stdin, FORMAT made of %(objectname), %(objecttype) and
 * %(objectsize) separated by spaces: git's lines, one a name (`NAME missing` as git prints it).
 */
export function batchCheckAnswer(
  cwd: string,
  cache: Cache,
  option: string,
  input: string,
): Promise<Answer | undefined> | undefined {
  const PREFIX = '--batch-check=';
  let format = '%(objectname) %(objecttype) %(objectsize)';
  if (option.startsWith(PREFIX)) format = option.slice(PREFIX.length);
  else if (option !== '--batch-check') return undefined;
  const fields = format.split(' ');
  if (!fields.every((f) => FIELDS.has(f))) return undefined;
  const names = (input.endsWith('\n') ? input.slice(0, -1) : input).split('\n');
  if (names.some((n) => n === '' || n.includes('\r'))) return undefined;
  const batch = batchCheckOf(cwd, cache);
  if (!batch) return undefined;
  return batch
    .then((b) => b && Promise.all(names.map((n) => b.ask(n))))
    .then((lines) => {
      if (!lines || lines.some((l) => l === undefined)) return undefined;
      const out = (lines as string[]).map((line) => {
        const found = foundObject(line);
        if (!found) return line;
        const value = { '%(objectname)': found.oid, '%(objecttype)': found.type, '%(objectsize)': found.size };
        return fields.map((f) => value[f as keyof typeof value]).join(' ');
      });
      return { stdout: out.map((l) => `${l}\n`).join(''), code: 0 };
    });
}
