/**
 * Policy globs (glob.ts says the rules) compiled to NFAs, one per pattern, remembered. Matching simulates every
 * state at once (Thompson): time is linear in the text for a given pattern, whatever its stars. A backtracking
 * regular expression took exponential time for a pattern like `*a*a*a*a*a*a*a*b` against a long name, and a
 * policy is written by whoever can push to the policy branch, then evaluated by every `verify`, `pre-push`, the
 * server hook and the editor's review panel. Patterns are also bounded in length (MAX_GLOB_LENGTH, see
 * globProblem) and in total (MAX_POLICY_PATTERN_CHARS), which bounds the states compiled.
 */
export interface NfaState {
  /** Consumes one character that passes `test`; an epsilon state (no test) moves without consuming. */
  test?: (ch: string) => boolean;
  out: number[];
}

export interface Nfa {
  states: NfaState[];
  accept: number;
}

const notSlash = (ch: string) => ch !== '/';
const anyChar = () => true;
const isSlash = (ch: string) => ch === '/';

const cache = new Map<string, Nfa>();

/** Splits `a,b{c,d},e` at top-level commas. */
function splitAlternatives(body: string): string[] {
  const parts: string[] = [];
  let depth = 0,
    start = 0;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === '\\') {
      i++;
      continue;
    }
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
    if (ch === '\\') {
      i++;
      continue;
    }
    if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return i;
  }
  return -1;
}

function compile(pattern: string): Nfa {
  const states: NfaState[] = [];
  const add = (test?: (ch: string) => boolean): number => states.push({ ...(test ? { test } : {}), out: [] }) - 1;
  const consume = (cur: number, test: (ch: string) => boolean): number => {
    const c = add(test),
      e = add();
    states[cur].out.push(c);
    states[c].out.push(e);
    return e;
  };
  const repeat = (cur: number, test: (ch: string) => boolean): number => {
    const loop = add(),
      c = add(test),
      e = add();
    states[cur].out.push(loop);
    states[loop].out.push(c, e);
    states[c].out.push(loop);
    return e;
  };
  const seq = (p: string, start: number): number => {
    let cur = start;
    for (let i = 0; i < p.length; i++) {
      const ch = p[i];
      if (ch === '\\') {
        const lit = i + 1 < p.length ? p[++i] : '\\';
        cur = consume(cur, (c) => c === lit);
      } else if (ch === '*') {
        if (p[i + 1] === '*') {
          const atSegmentStart = i === 0 || p[i - 1] === '/';
          let j = i + 2;
          while (p[j] === '*') j++;
          const segmentEnd = j === p.length || p[j] === '/';
          if (atSegmentStart && p[j] === '/') {
            // `**/` : zero or more whole segments, i.e. nothing or anything ending in '/'.
            const loop = add(),
              any = add(anyChar),
              slash = add(isSlash),
              e = add();
            states[cur].out.push(loop, e);
            states[loop].out.push(any, slash);
            states[any].out.push(loop);
            states[slash].out.push(e);
            cur = e;
            i = j;
          } else if (atSegmentStart && segmentEnd) {
            cur = repeat(cur, anyChar);
            i = j - 1;
          } else {
            // `**` inside a segment (`a**b`) is just `*`, as in bash's globstar.
            cur = repeat(cur, notSlash);
            i = j - 1;
          }
        } else {
          cur = repeat(cur, notSlash);
        }
      } else if (ch === '?') {
        cur = consume(cur, notSlash);
      } else if (ch === '[') {
        const end = p.indexOf(']', i + 2);
        if (end < 0) {
          cur = consume(cur, (c) => c === '[');
          continue;
        }
        let cls = p.slice(i + 1, end);
        let negate = false;
        if (cls.startsWith('!') || cls.startsWith('^')) {
          negate = true;
          cls = cls.slice(1);
        }
        // One character against a class: a regular expression is safe here (no repetition).
        const re = new RegExp(`^[${cls.replace(/[\\\]^]/g, (c) => `\\${c}`)}]$`, 's');
        cur = consume(cur, negate ? (c) => c !== '/' && !re.test(c) : (c) => re.test(c));
        i = end;
      } else if (ch === '{') {
        const end = closingBrace(p, i);
        if (end < 0) {
          cur = consume(cur, (c) => c === '{');
          continue;
        }
        const join = add();
        for (const alt of splitAlternatives(p.slice(i + 1, end))) {
          const s = add();
          states[cur].out.push(s);
          states[seq(alt, s)].out.push(join);
        }
        cur = join;
        i = end;
      } else {
        cur = consume(cur, (c) => c === ch);
      }
    }
    return cur;
  };
  const start = add();
  const accept = seq(pattern, start);
  return { states, accept };
}

export function nfaOf(pattern: string): Nfa {
  let nfa = cache.get(pattern);
  if (!nfa) {
    nfa = compile(pattern);
    cache.set(pattern, nfa);
  }
  return nfa;
}
