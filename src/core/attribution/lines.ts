/**
 * How Countersign cuts text into lines (docs/design.md): split on `\n`; a `\r` right before it belongs to the
 * line ending; a final line break does not start a new line (so "" has no lines and "a\n" has one).
 * Everyone who counts lines — engine, provenance, status — must use these so the counts agree.
 */

/** The lines' contents, without their endings. */
export function splitLines(text: string): string[] {
  return splitLinesWithEnds(text).map(lineContent);
}

/** The lines with their endings kept, so that joining them gives back `text` exactly. */
export function splitLinesWithEnds(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) break;
    lines.push(text.slice(start, nl + 1));
    start = nl + 1;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

/** Length of a line's content: its text minus a trailing `\n` and the `\r` before it. */
export function contentLength(lineText: string): number {
  let end = lineText.length;
  if (end > 0 && lineText.charCodeAt(end - 1) === 10) {
    end--;
    if (end > 0 && lineText.charCodeAt(end - 1) === 13) end--;
  }
  return end;
}

export function lineContent(lineText: string): string {
  return lineText.slice(0, contentLength(lineText));
}

export function endsWithLineBreak(text: string): boolean {
  return text.length > 0 && text.charCodeAt(text.length - 1) === 10;
}

/** The line break `text` starts with (`\r\n` or `\n`), or '' if none. */
export function leadingLineBreak(text: string): string {
  if (text.startsWith('\n')) return '\n';
  if (text.startsWith('\r\n')) return '\r\n';
  return '';
}

/** Whitespace as JavaScript's `\s` defines it, by char code, because the engine asks this per character. */
export function isWhitespaceCode(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** Whether text[start, end) holds any non-whitespace character. */
export function hasNonWhitespace(text: string, start = 0, end = text.length): boolean {
  for (let i = start; i < end; i++) if (!isWhitespaceCode(text.charCodeAt(i))) return true;
  return false;
}

/** The text with all whitespace removed: two lines are equal "ignoring whitespace" (`diff -w`) when these match. */
export function withoutWhitespace(text: string): string {
  let out = '';
  let runStart = 0;
  for (let i = 0; i < text.length; i++) {
    if (isWhitespaceCode(text.charCodeAt(i))) {
      if (i > runStart) out += text.slice(runStart, i);
      runStart = i + 1;
    }
  }
  return runStart === 0 ? text : out + text.slice(runStart);
}

/** `\r\n` and lone `\r` become `\n`: a paste is recognised whatever line endings the editor converted to. */
export function normalizeLineEndings(text: string): string {
  return text.indexOf('\r') < 0 ? text : text.replace(/\r\n?/g, '\n');
}

/**
 * DESIGN's multi-line insertion: a change inserting at least two lines that contain non-whitespace. Unless it
 * is a paste (or undo, a save participant, an accepted suggestion) it is `ai` with agent `unknown`.
 */
export function isMultiLineInsertion(text: string): boolean {
  return countNonBlankLines(text) >= 2;
}

/** How many of the lines `text` would insert contain non-whitespace (the multi-line insertion rule). */
export function countNonBlankLines(text: string): number {
  let count = 0;
  let start = 0;
  while (start <= text.length) {
    let nl = text.indexOf('\n', start);
    if (nl < 0) nl = text.length;
    if (hasNonWhitespace(text, start, nl)) count++;
    start = nl + 1;
  }
  return count;
}
