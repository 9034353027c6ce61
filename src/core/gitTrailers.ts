import type { Trailer } from './trailers';

/**
 * The trailers of a commit message exactly as git reads a commit's trailers (`git log --format=%(trailers)`,
 * `git interpret-trailers --parse --no-divider`, the sequencer): one reader for the gate, `verify`, `explain`,
 * `report`, blame and the panel, so no message can show one AI-Provenance to Countersign and another to git
 * and every downstream tool that reads trailers with git. A port of git's trailer.c:
 * - the message ends at its first NUL byte (git reads a commit message as a C string);
 * - a `---` line does not end it (that divider is for patches in mail, and git ignores it for commits);
 * - trailing comment lines, empty lines, an old `Conflicts:` block, and everything from the scissors line
 *   (`# ------------------------ >8 ------------------------`) on are not part of it;
 * - the trailer block is the last paragraph after the title, when it is all trailers (and continuation
 *   lines), or at least 25% trailers with one git-generated (`Signed-off-by: `, `(cherry picked from commit `);
 * - a trailer is a token of ASCII letters, digits and `-`, optional blanks, then `:`; a line starting with
 *   whitespace continues the trailer before it; "whitespace" and "blank" are git's isspace (space, tab, CR, LF), not Unicode's.
 * `divider: true` reads as `git interpret-trailers` does without `--no-divider` (a mail patch, and
 * Countersign's own hooks before they passed `--no-divider`): only readMessageProvenance needs that.
 */
export function parseTrailers(message: string, commentChar = '#', opts: { divider?: boolean } = {}): Trailer[] {
  const nul = message.indexOf('\0');
  const text = nul >= 0 ? message.slice(0, nul) : message;
  const end = endOfLogMessage(text, commentChar, opts.divider === true);
  const start = trailerBlockStart(text, end, commentChar);
  if (start >= end) return [];
  const entries: string[] = [];
  let last = -1;
  for (const line of splitLines(text.slice(start, end))) {
    if (last >= 0 && isSpace(line[0])) {
      entries[last] += line;
      continue;
    }
    entries.push(line);
    last = separatorAt(line) >= 1 ? entries.length - 1 : -1;
  }
  const out: Trailer[] = [];
  for (const e of entries) {
    if (e.startsWith(commentChar)) continue;
    const sep = separatorAt(e);
    if (sep < 1) continue;
    out.push({ key: trimSpace(e.slice(0, sep)), value: unfold(e.slice(sep + 1)) });
  }
  return out;
}

const CUT_LINE = '------------------------ >8 ------------------------\n';
const GIT_GENERATED_PREFIXES = ['Signed-off-by: ', '(cherry picked from commit '];

/** git's own isspace (git-compat-util's sane_ctype: space, tab, LF, CR — not \v or \f, nor Unicode spaces). */
function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

function trimSpace(s: string): string {
  let a = 0,
    b = s.length;
  while (a < b && isSpace(s[a])) a++;
  while (b > a && isSpace(s[b - 1])) b--;
  return s.slice(a, b);
}

/** Lines with their line feed kept (git's strbuf_split). */
function splitLines(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    const nl = s.indexOf('\n', i);
    const next = nl < 0 ? s.length : nl + 1;
    out.push(s.slice(i, next));
    i = next;
  }
  return out;
}

function nextLine(s: string, i: number): number {
  const nl = s.indexOf('\n', i);
  return nl < 0 ? s.length : nl + 1;
}

/** git's is_blank_line: nothing but whitespace up to the line feed. */
function isBlankLine(s: string, i: number): boolean {
  for (; i < s.length && s[i] !== '\n'; i++) if (!isSpace(s[i])) return false;
  return true;
}

/** ASCII letters, digits and `-` (C's isalnum in the C locale, or '-'). */
function isTokenChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 45;
}

/** git's find_separator: the position of `:` after a token (letters, digits, `-`) and optional blanks, or -1. */
function separatorAt(line: string): number {
  let blank = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === ':') return i;
    if (!blank && isTokenChar(c.charCodeAt(0))) continue;
    if (i !== 0 && (c === ' ' || c === '\t')) {
      blank = true;
      continue;
    }
    break;
  }
  return -1;
}

/** git's unfold_value: each line break and the whitespace after it become one space; then trimmed. */
function unfold(value: string): string {
  let out = '';
  for (let i = 0; i < value.length;) {
    const c = value[i++];
    if (c === '\n') {
      while (i < value.length && isSpace(value[i])) i++;
      out += ' ';
    } else {
      out += c;
    }
  }
  return trimSpace(out);
}

/** git's find_end_of_log_message. */
function endOfLogMessage(s: string, commentChar: string, divider: boolean): number {
  let end = s.length;
  if (divider) {
    for (let i = 0; i < s.length; i = nextLine(s, i)) {
      if (s.startsWith('---', i) && isSpace(s[i + 3])) {
        end = i;
        break;
      }
    }
  }
  return end - ignoredLogMessageBytes(s, end, commentChar);
}

/** git's wt_status_locate_end: where the scissors line starts, else `len`. */
function locateEnd(s: string, len: number, commentChar: string): number {
  const pattern = `\n${commentChar} ${CUT_LINE}`;
  if (s.startsWith(pattern.slice(1))) return 0;
  const p = s.indexOf(pattern);
  return p >= 0 && p + 1 < len ? p + 1 : len;
}

/** git's ignored_log_message_bytes: trailing comments, empty lines and an old `Conflicts:` block, and the scissors part. */
function ignoredLogMessageBytes(s: string, len: number, commentChar: string): number {
  let boc = 0;
  let bol = 0;
  let inConflicts = false;
  const cutoff = locateEnd(s, len, commentChar);
  while (bol < cutoff) {
    const nl = s.indexOf('\n', bol);
    const next = nl < 0 || nl >= len ? len : nl + 1;
    if (s.startsWith(commentChar, bol) || s[bol] === '\n') {
      if (!boc) boc = bol;
    } else if (s.startsWith('Conflicts:\n', bol)) {
      inConflicts = true;
      if (!boc) boc = bol;
    } else if (inConflicts && s[bol] === '\t') {
      // a path in the conflicts block
    } else if (boc) {
      boc = 0;
      inConflicts = false;
    }
    bol = next;
  }
  return boc ? len - boc : len - cutoff;
}

/** git's last_line: where the last line of s[0, len) starts (a final line feed belongs to it), -1 when empty. */
function lastLine(s: string, len: number): number {
  if (len === 0) return -1;
  if (len === 1) return 0;
  for (let i = len - 2; i >= 0; i--) if (s[i] === '\n') return i + 1;
  return 0;
}

/** git's find_trailer_block_start: where the trailer block of s[0, len) starts, `len` when there is none. */
function trailerBlockStart(s: string, len: number, commentChar: string): number {
  // The first paragraph is the title and cannot hold trailers.
  let t = 0;
  for (; t < len; t = nextLine(s, t)) {
    if (s.startsWith(commentChar, t)) continue;
    if (isBlankLine(s, t)) break;
  }
  const endOfTitle = t;
  let onlySpaces = true,
    recognised = false,
    trailerLines = 0,
    nonTrailerLines = 0,
    possibleContinuations = 0;
  for (let l = lastLine(s, len); l >= endOfTitle; l = lastLine(s, l)) {
    if (s.startsWith(commentChar, l)) {
      nonTrailerLines += possibleContinuations;
      possibleContinuations = 0;
      continue;
    }
    if (isBlankLine(s, l)) {
      if (onlySpaces) continue;
      nonTrailerLines += possibleContinuations;
      if (recognised && trailerLines * 3 >= nonTrailerLines) return nextLine(s, l);
      if (trailerLines > 0 && nonTrailerLines === 0) return nextLine(s, l);
      return len;
    }
    onlySpaces = false;
    if (GIT_GENERATED_PREFIXES.some((p) => s.startsWith(p, l))) {
      trailerLines++;
      possibleContinuations = 0;
      recognised = true;
      continue;
    }
    if (separatorAt(s.slice(l, nextLine(s, l))) >= 1 && !isSpace(s[l])) {
      trailerLines++;
      possibleContinuations = 0;
    } else if (isSpace(s[l])) {
      possibleContinuations++;
    } else {
      nonTrailerLines++;
      nonTrailerLines += possibleContinuations;
      possibleContinuations = 0;
    }
  }
  return len;
}
