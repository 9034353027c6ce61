/**
 * A working file's text as git stores it when `.gitattributes` gives it a `working-tree-encoding` (gitattributes(5):
 * the work tree holds that encoding, the blob UTF-8). Every reader that compares a working file with a blob, or
 * with what a reader before it saw, reads through git/workingText.ts, which calls this (attack29 F4: UTF-16 read
 * as UTF-8 matched no line of the blob, and an agent's lines were committed `untracked`).
 *
 * Undefined when the encoding is one this runtime cannot decode, or the bytes are not valid in it (git refuses to
 * add such a file too): the caller treats the file as unread, never as text it guessed.
 */
export function decodeWorkingTreeEncoding(bytes: Uint8Array, encoding: string): string | undefined {
  // git's names are iconv's: UTF-16LE-BOM (git's own: with a byte order mark), SHIFT-JIS, UTF_16, CP1252.
  const name = encoding.trim().toLowerCase().replace(/_/g, '-').replace(/-bom$/, '');
  const unicode = /^(?:utf|ucs)-?(16|32|2|4)(le|be)?$/.exec(name);
  if (unicode) {
    const width = unicode[1] === '16' || unicode[1] === '2' ? 2 : 4;
    return withoutBom(decodeUnicode(bytes, width, unicode[2] as 'le' | 'be' | undefined));
  }
  try {
    return withoutBom(new TextDecoder(name, { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
}

/**
 * UTF-16/UTF-32 as iconv reads them: the byte order a mark says, else the one named, else big-endian (iconv's
 * `UTF-16` without a mark; WHATWG's `utf-16` label would say little-endian).
 */
function decodeUnicode(bytes: Uint8Array, width: 2 | 4, named: 'le' | 'be' | undefined): string | undefined {
  if (bytes.length % width !== 0) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let little = named === 'le';
  if (named === undefined && bytes.length >= width) {
    const mark = width === 2 ? view.getUint16(0, false) : view.getUint32(0, false);
    little = width === 2 ? mark === 0xfffe : mark === 0xfffe0000;
  }
  if (width === 2) {
    try {
      return new TextDecoder(little ? 'utf-16le' : 'utf-16be', { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      return undefined;
    }
  }
  const parts: string[] = [];
  const chunk: number[] = [];
  for (let i = 0; i < bytes.length; i += 4) {
    const cp = view.getUint32(i, little);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
    chunk.push(cp);
    if (chunk.length === 8192) parts.push(String.fromCodePoint(...chunk.splice(0)));
  }
  parts.push(String.fromCodePoint(...chunk));
  return parts.join('');
}

/** The blob holds no byte order mark: iconv consumes it. */
function withoutBom(text: string | undefined): string | undefined {
  return text !== undefined && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
