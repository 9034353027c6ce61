import * as path from 'path';
import { isUtf8 } from 'buffer';
import { decodeWorkingTreeEncoding } from '../core/workingTreeEncoding';
import { runGit } from './gitRunner';
import { readRegularFile, WORKING_FILE_MAX_BYTES } from './regularFile';

/**
 * How a working file reads as git will store it — the one rule every reader of working files for attribution
 * follows (agent checkpoints' snapshots, the ledger's disk reads, `status`, the post-checkout record).
 *
 * Git converts between work tree and blob: a file with a `working-tree-encoding` attribute is, say, UTF-16 on disk
 * and UTF-8 in the blob. Read as UTF-8, such a file matched no line of its blob, so an agent's lines written into
 * it were committed `untracked`, not Assisted-by, and left review (attack29 F4, git's own PowerShell example
 * `*.ps1 text working-tree-encoding=UTF-16LE-BOM eol=CRLF`). Line endings need nothing here: a `\r` before `\n`
 * belongs to the line break (core/attribution/lines.ts), as it always did for `eol=crlf` files.
 *
 * Cheap on the hot path: a file that is valid UTF-8 with no NUL byte is taken as it is (an encoding attribute
 * on such a file changes nothing that git's conversion would show in the text). Only the others are asked about,
 * with one `git check-attr` for all of them.
 *
 * Left alone: the `ident` attribute (`$Id$` expanded on disk, one line) and clean filters such as Git LFS's (the
 * blob is a pointer, not the text); their lines read as the work tree holds them.
 */

/** Text as git would store it, or undefined: the file has a working-tree-encoding this runtime cannot decode. */
export type StoredText = string | undefined;

/**
 * `files` (repository-relative path -> the bytes in the work tree) as git would store them. When git cannot be
 * asked (a timeout), a file that needed asking is undefined: unread, never guessed.
 */
export async function storedTexts(
  root: string,
  files: Map<string, Buffer>,
  timeoutMs?: number,
): Promise<Map<string, StoredText>> {
  const out = new Map<string, StoredText>();
  const ask = new Map<string, Buffer>();
  for (const [rel, bytes] of files) plainOrAsk(rel, bytes, out, ask);
  return decodeAsked(root, ask, out, timeoutMs);
}

/**
 * The working files at `rels` as git would store them: regular files only, not over `maxBytes`
 * (regularFile.ts); undefined for one that is missing, not a regular file, too large or undecodable. Each file's
 * bytes are let go as soon as it is text: only those that need git's answer wait for it.
 */
export async function readWorkingTexts(
  root: string,
  rels: string[],
  maxBytes = WORKING_FILE_MAX_BYTES,
): Promise<Map<string, StoredText>> {
  const out = new Map<string, StoredText>();
  const ask = new Map<string, Buffer>();
  for (const rel of rels) {
    if (out.has(rel) || ask.has(rel)) continue;
    const read = readRegularFile(path.join(root, rel), { maxBytes });
    if (read.kind === 'ok') plainOrAsk(rel, read.content, out, ask);
  }
  return decodeAsked(root, ask, out);
}

function plainOrAsk(rel: string, bytes: Buffer, out: Map<string, StoredText>, ask: Map<string, Buffer>): void {
  if (plainText(bytes)) out.set(rel, bytes.toString('utf8'));
  else ask.set(rel, bytes);
}

/** The files that are not plain UTF-8, decoded per their working-tree-encoding (one git call), into `out`. */
async function decodeAsked(
  root: string,
  ask: Map<string, Buffer>,
  out: Map<string, StoredText>,
  timeoutMs?: number,
): Promise<Map<string, StoredText>> {
  if (ask.size === 0) return out;
  const encodings = await workingTreeEncodings(root, [...ask.keys()], timeoutMs);
  for (const [rel, bytes] of ask) {
    const encoding = encodings?.get(rel);
    // A binary file has lines too, its bytes split on "\n" (core/textLines.ts): read as it always was.
    if (encodings === undefined) out.set(rel, undefined);
    else out.set(rel, encoding === undefined ? bytes.toString('utf8') : decodeWorkingTreeEncoding(bytes, encoding));
  }
  return out;
}

/** Valid UTF-8 without a NUL byte: what git's conversion would leave as the text reads. */
function plainText(bytes: Buffer): boolean {
  return !bytes.includes(0) && isUtf8(bytes);
}

/**
 * `working-tree-encoding` of each path (absent: unspecified, unset or set without a value), from one
 * `git check-attr -z --stdin`; undefined when git could not answer.
 */
async function workingTreeEncodings(
  root: string,
  rels: string[],
  timeoutMs?: number,
): Promise<Map<string, string> | undefined> {
  try {
    const r = await runGit(['check-attr', '-z', '--stdin', 'working-tree-encoding'], {
      cwd: root,
      input: rels.map((p) => `${p}\0`).join(''),
      timeoutMs,
    });
    const fields = r.stdout.split('\0');
    const out = new Map<string, string>();
    for (let i = 0; i + 2 < fields.length; i += 3) {
      const value = fields[i + 2];
      if (value !== 'unspecified' && value !== 'unset' && value !== 'set' && value !== '') out.set(fields[i], value);
    }
    return out;
  } catch {
    return undefined;
  }
}
