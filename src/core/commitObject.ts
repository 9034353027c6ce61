import { isUtf8 } from 'buffer';
import { CountersignError } from './errors';

/**
 * Reading commits from bytes git frames for us, never from text we frame ourselves (issue 10, "in-band
 * parsing"): a raw commit object as `git cat-file --batch` hands it over (length-prefixed, so any byte of a
 * message is just a byte of the message), and paths as `-z` prints them (NUL-terminated, and a path cannot
 * contain NUL). Nothing a committer writes can then add, hide or reshape a commit in the gate's view.
 */

export interface CommitIdent {
  name: string;
  email: string;
}

/** What the gate reads from the object itself; tree and parents come from git (`%T %P`), which parses them. */
export interface CommitObject {
  author: CommitIdent;
  committer: CommitIdent;
  /** Everything after the header, as UTF-8 (the only encoding read: any other is a `headerProblem`). */
  message: string;
  /**
   * Why git's readers and Countersign's may read this object differently (readHeader), a clause completing
   * "commit X …": its provenance and its author and committer are then unreadable, never read one way and believed.
   */
  headerProblem?: string;
}

/**
 * Parses an ident line's value (`Name <email> 1700000000 +0000`) the way git's split_ident_line does: the name
 * runs to the first `<`, the email to the first `>` after it. Undefined when either bracket is missing: git then
 * shows no name and no email (`%an`, `%ae` are empty) and git fsck calls the line bad.
 */
export function parseIdent(value: string): CommitIdent | undefined {
  const lt = value.indexOf('<');
  const gt = lt < 0 ? -1 : value.indexOf('>', lt + 1);
  if (gt < 0) return undefined;
  return { name: value.slice(0, lt).trim(), email: value.slice(lt + 1, gt) };
}

/**
 * Parses a raw commit object's idents and message as git reads them. Headers are `key value` lines (a key, then
 * one space) up to the first empty line; a line starting with a space continues the previous header (gpgsig,
 * mergetag). A line without the space is no header to git (`author` alone is skipped, and the next `author …`
 * line read), so it is none here either. Tree and parents are deliberately not read here: git's own parse
 * (`%T %P`) decides the graph, so a stray `parent` line git ignores cannot add an edge.
 *
 * Where git's own readers disagree, or git converts what Countersign would read raw, the object is not read one
 * way and believed: `headerProblem` says why (attack19 01–03), and the gate, `report` and `explain` treat its
 * provenance and its identity as unreadable. Throws on an object without an author: git would not call it a
 * commit either.
 */
export function parseCommitObject(raw: Buffer, id = 'commit'): CommitObject {
  const blank = raw.indexOf('\n\n');
  const header = raw.subarray(0, blank < 0 ? raw.length : blank);
  // A plain header (the common case) has nothing readHeader would say: its two idents are read from their lines'
  // bytes, with no decoding and splitting of the whole header (10,000 commits of a verify).
  const read = plainHeader(header) ? plainIdents(header) : readHeader(header);
  const lastAuthor = read.values.author.at(-1);
  if (lastAuthor === undefined)
    throw new CountersignError('git', `${id} is not a well-formed commit object (no author header); run git fsck`);
  // `git log` (pretty.c) shows the last author and committer line; with several, headerProblem says so.
  const author = parseIdent(lastAuthor) ?? { name: '', email: '' };
  const lastCommitter = read.values.committer.at(-1);
  const committer = lastCommitter === undefined ? author : (parseIdent(lastCommitter) ?? { name: '', email: '' });
  const message = raw.subarray(blank < 0 ? raw.length : blank + 2).toString('utf8');
  const problem = read.problems[0];
  return { author, committer, message, ...(problem ? { headerProblem: problem } : {}) };
}

/**
 * Why git and Countersign may read this raw commit object differently (the clause parseCommitObject's
 * `headerProblem` holds), or undefined: for readers that take the message and idents from `git log` and need
 * only to know whether to believe them (report and explain, through src/git/historyStream.ts).
 */
export function commitHeaderProblem(raw: Buffer): string | undefined {
  const blank = raw.indexOf('\n\n');
  return headerProblem(raw.subarray(0, blank < 0 ? raw.length : blank));
}

/** commitHeaderProblem of a commit object's header alone: its bytes up to (not including) the first blank line. */
export function headerProblem(header: Buffer): string | undefined {
  if (plainHeader(header)) return undefined;
  const read = readHeader(header);
  return read.values.author.length === 0 ? 'has no "author" header git can read' : read.problems[0];
}

type CheckedHeader = 'author' | 'committer' | 'encoding';

/**
 * What a commit object's header says that two readers could take differently, each as a clause completing
 * "commit X …": a line git does not take as a header, a header given twice (pretty.c shows the last author,
 * find_commit_header reads the first), an ident git cannot split, a missing committer, a NUL byte, and any
 * `encoding` but UTF-8 — git converts such a message and its header with iconv, which knows encodings Node does
 * not (EBCDIC, UTF-7…), so no decoding of ours can promise git's text. Countersign's hooks and a normal git
 * write none of these; `git fsck` names most of them (not the encoding).
 */
function readHeader(header: Buffer): { values: Record<CheckedHeader, string[]>; problems: string[] } {
  const values: Record<CheckedHeader, string[]> = { author: [], committer: [], encoding: [] };
  const problems: string[] = [];
  if (header.includes(0)) problems.push('has a NUL byte in its header');
  for (const line of header.toString('utf8').split('\n')) {
    if (line.startsWith(' ')) continue;
    const sp = line.indexOf(' ');
    if (sp < 0) {
      problems.push(`has the header line ${JSON.stringify(line.slice(0, 40))} with no value (git skips it)`);
      continue;
    }
    const key = line.slice(0, sp);
    if (key === 'author' || key === 'committer' || key === 'encoding') values[key].push(line.slice(sp + 1));
  }
  for (const key of ['author', 'committer', 'encoding'] as const) {
    const n = values[key].length;
    if (n > 1) problems.push(`has ${n} "${key}" header lines (git log shows the last, other git commands the first)`);
  }
  for (const key of ['author', 'committer'] as const)
    for (const v of values[key])
      if (!parseIdent(v)) problems.push(`has the ${key} ${JSON.stringify(v.slice(0, 60))}, not "Name <email>"`);
  if (values.author.length > 0 && values.committer.length === 0) problems.push('has no "committer" header');
  const encoding = values.encoding[0];
  if (encoding !== undefined && !/^utf-?8$/i.test(encoding))
    problems.push(
      `has the encoding header ${JSON.stringify(encoding.slice(0, 40))}: git converts its message and header from it, Countersign reads only UTF-8, so the two may read different text`,
    );
  return { values, problems };
}

/**
 * True only when readHeader would find nothing to say: one author and one committer with `<` then `>`, at most
 * one encoding, UTF-8, every other line a `key value` or a continuation, no NUL. Checked on the bytes with no
 * string made (a report reads every commit's header: decoding and splitting each cost ~80 ms and their garbage
 * over 5,000 commits). Anything else goes to readHeader, which words the problem; the rules are readHeader's,
 * byte for byte (each byte compared is ASCII, which UTF-8 decoding never makes or takes away).
 */
function plainHeader(h: Buffer): boolean {
  // One pass over the bytes in plain loops: Buffer.indexOf per line and key cost more in the short run's
  // interpreted code than the ~250 bytes of a header do read one by one.
  let authors = 0;
  let committers = 0;
  let encodings = 0;
  const n = h.length;
  for (let at = 0; at <= n;) {
    let end = at;
    if (h[at] === 0x20) {
      for (; end < n && h[end] !== 0x0a; end++) if (h[end] === 0) return false;
      at = end + 1;
      continue;
    }
    let sp = at;
    for (; sp < n && h[sp] !== 0x20 && h[sp] !== 0x0a; sp++) if (h[sp] === 0) return false;
    if (sp >= n || h[sp] !== 0x20) return false; // a line with no value
    // parseIdent's reading of the value: the first `<`, then the first `>` after it.
    let lt = -1;
    let gt = -1;
    for (end = sp + 1; end < n && h[end] !== 0x0a; end++) {
      const b = h[end];
      if (b === 0) return false;
      if (b === 0x3c && lt < 0) lt = end;
      else if (b === 0x3e && lt >= 0 && gt < 0) gt = end;
    }
    if (keyIs(h, at, sp, AUTHOR)) {
      if (++authors > 1 || gt < 0) return false;
    } else if (keyIs(h, at, sp, COMMITTER)) {
      if (++committers > 1 || gt < 0) return false;
    } else if (keyIs(h, at, sp, ENCODING)) {
      if (++encodings > 1 || !/^utf-?8$/i.test(h.toString('latin1', sp + 1, end))) return false;
    }
    at = end + 1;
  }
  return authors === 1 && committers === 1;
}

/**
 * readHeader's answer for a header plainHeader passed: its one author and one committer value, each decoded from
 * its own line's bytes (the line's bounds are ASCII, so UTF-8 decoding of the line alone gives readHeader's text).
 */
function plainIdents(h: Buffer): ReturnType<typeof readHeader> {
  const values: Record<CheckedHeader, string[]> = { author: [], committer: [], encoding: [] };
  for (let at = 0; at < h.length;) {
    let end = h.indexOf(0x0a, at);
    if (end < 0) end = h.length;
    const sp = h.indexOf(0x20, at);
    if (h[at] !== 0x20 && sp > at && sp < end) {
      if (keyIs(h, at, sp, AUTHOR)) values.author.push(h.toString('utf8', sp + 1, end));
      else if (keyIs(h, at, sp, COMMITTER)) values.committer.push(h.toString('utf8', sp + 1, end));
    }
    at = end + 1;
  }
  return { values, problems: [] };
}

const AUTHOR = [0x61, 0x75, 0x74, 0x68, 0x6f, 0x72]; // author
const COMMITTER = [0x63, 0x6f, 0x6d, 0x6d, 0x69, 0x74, 0x74, 0x65, 0x72]; // committer
const ENCODING = [0x65, 0x6e, 0x63, 0x6f, 0x64, 0x69, 0x6e, 0x67]; // encoding

function keyIs(h: Buffer, from: number, to: number, key: number[]): boolean {
  if (to - from !== key.length) return false;
  for (let i = 0; i < key.length; i++) if (h[from + i] !== key[i]) return false;
  return true;
}

/** What to do about a commit with a headerProblem, for reasons that name it. */
export const COMMIT_HEADER_FIX =
  're-create the commit with a normal git, which writes a plain UTF-8 header: `git commit --amend` for the last commit (`git -c i18n.commitEncoding=UTF-8 commit --amend` if the encoding is the problem), `git rebase -i` for an older one; `git fsck` names what is wrong with the object';

// ignoreBOM: a byte-order mark in a path is part of its name (dropped, `\xef\xbb\xbfa` and `a` would be one path).
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A path's bytes as a string that keeps distinct paths distinct. Valid UTF-8 decodes as usual; each byte of
 * an invalid sequence becomes the lone surrogate U+DC80+byte (Python's "surrogateescape"), which no valid
 * UTF-8 decodes to. Plain UTF-8 decoding would turn `x\xf0` and `x\xf1` into the same `x\uFFFD`, and five
 * deleted files would count as one. With `start` and `end`, the path is `whole[start, end)`.
 */
export function decodePath(whole: Uint8Array, start = 0, end = whole.length): string {
  // Most paths are ASCII, which UTF-8 and latin1 read alike: read where they lie, with no view or copy made (a
  // report decodes two per file of every commit; a view and a Buffer each were ~1.5 µs a path and their garbage).
  if (Buffer.isBuffer(whole)) {
    let i = start;
    while (i < end && whole[i] < 0x80) i++;
    if (i === end) return whole.toString('latin1', start, end);
  }
  const bytes = start === 0 && end === whole.length ? whole : whole.subarray(start, end);
  // Other valid UTF-8: Buffer's native decoder reads it to the same string without a TextDecoder call per path.
  if (isUtf8(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  try {
    return utf8.decode(bytes);
  } catch {
    return decodeEscaped(bytes);
  }
}

function decodeEscaped(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const len = utf8SequenceLength(bytes, i);
    if (len > 0) {
      out += utf8.decode(bytes.subarray(i, i + len));
      i += len;
    } else {
      out += String.fromCharCode(0xdc00 + bytes[i]);
      i++;
    }
  }
  return out;
}

/** Length of the well-formed UTF-8 sequence starting at `i` (RFC 3629), or 0 when there is none. */
function utf8SequenceLength(b: Uint8Array, i: number): number {
  const c = b[i];
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < b.length && b[i + k] >= lo && b[i + k] <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((c >= 0xe1 && c <= 0xec) || c === 0xee || c === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (c === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}
