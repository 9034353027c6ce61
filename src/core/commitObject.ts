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
  /** Everything after the header, decoded (the commit's `encoding` header when Node knows it, else UTF-8). */
  message: string;
}

/**
 * Parses an ident line's value (`Name <email> 1700000000 +0000`) the way git's split_ident_line does: the name
 * runs to the first `<`, the email to the first `>` after it. Missing brackets leave the email empty.
 */
export function parseIdent(value: string): CommitIdent {
  const lt = value.indexOf('<');
  if (lt < 0) return { name: value.trim(), email: '' };
  const gt = value.indexOf('>', lt + 1);
  return { name: value.slice(0, lt).trim(), email: value.slice(lt + 1, gt < 0 ? value.length : gt) };
}

/**
 * Parses a raw commit object's idents and message. Headers are `key value` lines up to the first empty line;
 * a line starting with a space continues the previous header (gpgsig, mergetag). The first author and
 * committer count, as in git's find_commit_header. Tree and parents are deliberately not read here: git's
 * own parse (`%T %P`) decides the graph, so a stray `parent` line git ignores cannot add an edge.
 * Throws on an object without an author: git would not call it a commit either.
 */
export function parseCommitObject(raw: Buffer, id = 'commit'): CommitObject {
  let end = raw.indexOf('\n\n');
  const headerEnd = end < 0 ? raw.length : end;
  const header = raw.subarray(0, headerEnd).toString('utf8');
  let author: CommitIdent | undefined;
  let committer: CommitIdent | undefined;
  let encoding: string | undefined;
  for (const line of header.split('\n')) {
    if (line.startsWith(' ')) continue;
    const sp = line.indexOf(' ');
    const key = sp < 0 ? line : line.slice(0, sp);
    const value = sp < 0 ? '' : line.slice(sp + 1);
    if (key === 'author' && author === undefined) author = parseIdent(value);
    else if (key === 'committer' && committer === undefined) committer = parseIdent(value);
    else if (key === 'encoding' && encoding === undefined) encoding = value.trim();
  }
  if (author === undefined)
    throw new CountersignError('git', `${id} is not a well-formed commit object (no author header); run git fsck`);
  end = end < 0 ? raw.length : end + 2;
  return { author, committer: committer ?? author, message: decodeMessage(raw.subarray(end), encoding) };
}

function decodeMessage(bytes: Buffer, encoding: string | undefined): string {
  if (encoding && !/^utf-?8$/i.test(encoding)) {
    try {
      return new TextDecoder(encoding).decode(bytes);
    } catch {
      // An encoding Node does not know: read it as UTF-8, like `git log` falls back to the raw bytes.
    }
  }
  return bytes.toString('utf8');
}

// ignoreBOM: a byte-order mark in a path is part of its name (dropped, `\xef\xbb\xbfa` and `a` would be one path).
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A path's bytes as a string that keeps distinct paths distinct. Valid UTF-8 decodes as usual; each byte of
 * an invalid sequence becomes the lone surrogate U+DC80+byte (Python's "surrogateescape"), which no valid
 * UTF-8 decodes to. Plain UTF-8 decoding would turn `x\xf0` and `x\xf1` into the same `x\uFFFD`, and five
 * deleted files would count as one.
 */
export function decodePath(bytes: Uint8Array): string {
  // Most paths are valid UTF-8: Buffer's native decoder reads those to the same string without the cost of
  // a TextDecoder call per path (a report decodes one per file of every commit).
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
