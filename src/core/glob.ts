/**
 * A small glob matcher for policy patterns (branch names and repository paths). Written here rather than
 * pulled in because the gate's security rests on exactly what a pattern matches, and the rules fit in a
 * page: `*` any run of characters except `/`, `**` any run including `/` (as a whole path segment it also
 * matches zero segments: `a/**\/b` matches `a/b`), `?` one character except `/`, `[abc]` / `[a-z]` / `[!a]`
 * one character from a class, `{a,b}` alternatives (nestable), `\x` a literal x. Matching is case-sensitive,
 * as git is on the platforms servers run.
 */

const cache = new Map<string, RegExp>();

function escapeRegex(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}

/** Splits `a,b{c,d},e` at top-level commas. */
function splitAlternatives(body: string): string[] {
  const parts: string[] = [];
  let depth = 0, start = 0;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === '\\') { i++; continue; }
    if (ch === '{') depth++;
    else if (ch === '}') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}

/** Index of the `}` closing the `{` at `open`, or -1. */
function closingBrace(p: string, open: number): number {
  let depth = 0;
  for (let i = open; i < p.length; i++) {
    const ch = p[i];
    if (ch === '\\') { i++; continue; }
    if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return i;
  }
  return -1;
}

function toRegexSource(p: string): string {
  let out = '';
  for (let i = 0; i < p.length; i++) {
    const ch = p[i];
    if (ch === '\\') {
      if (i + 1 < p.length) out += escapeRegex(p[++i]);
      else out += '\\\\';
    } else if (ch === '*') {
      if (p[i + 1] === '*') {
        const atSegmentStart = i === 0 || p[i - 1] === '/';
        let j = i + 2;
        while (p[j] === '*') j++;
        const segmentEnd = j === p.length || p[j] === '/';
        if (atSegmentStart && p[j] === '/') {
          // `**/` : zero or more whole segments.
          out += '(?:[^/]*(?:/[^/]*)*/)?';
          i = j;
        } else if (atSegmentStart && segmentEnd) {
          out += '.*';
          i = j - 1;
        } else {
          // `**` inside a segment (`a**b`) is just `*`, as in bash's globstar.
          out += '[^/]*';
          i = j - 1;
        }
      } else {
        out += '[^/]*';
      }
    } else if (ch === '?') {
      out += '[^/]';
    } else if (ch === '[') {
      const end = p.indexOf(']', i + 2);
      if (end < 0) {
        out += '\\[';
        continue;
      }
      let cls = p.slice(i + 1, end);
      let negate = false;
      if (cls.startsWith('!') || cls.startsWith('^')) {
        negate = true;
        cls = cls.slice(1);
      }
      const body = cls.replace(/[\\\]^]/g, (c) => `\\${c}`);
      out += negate ? `(?!/)[^${body}]` : `[${body}]`;
      i = end;
    } else if (ch === '{') {
      const end = closingBrace(p, i);
      if (end < 0) {
        out += '\\{';
        continue;
      }
      const alts = splitAlternatives(p.slice(i + 1, end));
      out += `(?:${alts.map(toRegexSource).join('|')})`;
      i = end;
    } else {
      out += escapeRegex(ch);
    }
  }
  return out;
}

export function globToRegExp(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    re = new RegExp(`^${toRegexSource(pattern)}$`, 's');
    cache.set(pattern, re);
  }
  return re;
}

/** Whole-string match: `release/*` matches `release/1.2` but not `release/1.2/hotfix`. */
export function matchGlob(pattern: string, text: string): boolean {
  return globToRegExp(pattern).test(text);
}

/**
 * Repository-path match with the conveniences of .gitignore and CODEOWNERS: a pattern without a `/` matches
 * the file name at any depth (`*.tf`, `Dockerfile`); a leading `/` anchors at the root (and is otherwise
 * implied for patterns containing `/`); a trailing `/` matches everything under that folder; a pattern that
 * names a folder matches the files under it (`infra` matches `infra/main.tf`).
 */
export function matchPath(pattern: string, filePath: string, opts: { ignoreCase?: boolean } = {}): boolean {
  if (opts.ignoreCase) return matchPath(pattern.toLowerCase(), filePath.toLowerCase());
  let p = pattern.trim();
  if (p === '') return false;
  const dirOnly = p.endsWith('/');
  if (dirOnly) p = p.replace(/\/+$/, '');
  const anchored = p.startsWith('/') || p.includes('/');
  p = p.replace(/^\/+/, '');
  const full = anchored ? p : `**/${p}`;
  if (dirOnly) return matchGlob(`${full}/**`, filePath);
  return matchGlob(full, filePath) || matchGlob(`${full}/**`, filePath);
}

export function matchAnyPath(patterns: readonly string[], filePath: string, opts: { ignoreCase?: boolean } = {}): string | undefined {
  return patterns.find((p) => matchPath(p, filePath, opts));
}

/**
 * A problem with a pattern, for located policy errors (undefined when it is well formed). Unbalanced
 * braces and brackets would otherwise silently match literally, which is rarely what was meant.
 */
export function globProblem(pattern: string): string | undefined {
  if (pattern.trim() === '') return 'an empty pattern matches nothing';
  let braces = 0;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') { i++; continue; }
    if (ch === '{') braces++;
    else if (ch === '}') braces--;
    if (braces < 0) return `'}' at position ${i + 1} has no matching '{'`;
    if (ch === '[' && pattern.indexOf(']', i + 2) < 0) return `'[' at position ${i + 1} has no matching ']'`;
  }
  if (braces > 0) return "a '{' has no matching '}'";
  return undefined;
}
