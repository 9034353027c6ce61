import { foldCase } from './caseFold';
/**
 * A small glob matcher for policy patterns (branch names and repository paths). Written here rather than
 * pulled in because the gate's security rests on exactly what a pattern matches, and the rules fit in a
 * page: `*` any run of characters except `/`, `**` any run including `/` (as a whole path segment it also
 * matches zero segments: `a/**\/b` matches `a/b`), `?` one character except `/`, `[abc]` / `[a-z]` / `[!a]`
 * one character from a class, `{a,b}` alternatives (nestable), `\x` a literal x. Matching is case-sensitive,
 * as git is on the platforms servers run.
 */

/**
 * Patterns are compiled to a small NFA and matched by simulating every state at once (Thompson): time is
 * linear in the text for a given pattern, whatever its stars. A backtracking regular expression took
 * exponential time for a pattern like `*a*a*a*a*a*a*a*b` against a long name, and a policy is written by
 * whoever can push to the policy branch, then evaluated by every `verify`, `pre-push`, the server hook
 * and the editor's review panel. Patterns are also bounded in length (MAX_GLOB_LENGTH, see globProblem).
 */
export { globProblem, MAX_GLOB_LENGTH, MAX_POLICY_PATTERN_CHARS, patternTotalProblem } from './globProblem';

export interface NfaState {
  /** Consumes one character that passes `test`; an epsilon state (no test) moves without consuming. */
  test?: (ch: string) => boolean;
  out: number[];
}

interface Nfa {
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

function nfaOf(pattern: string): Nfa {
  let nfa = cache.get(pattern);
  if (!nfa) {
    nfa = compile(pattern);
    cache.set(pattern, nfa);
  }
  return nfa;
}

/** Whole-string match: `release/*` matches `release/1.2` but not `release/1.2/hotfix`. */
export function matchGlob(pattern: string, text: string): boolean {
  const { states, accept } = nfaOf(pattern);
  const seen = new Int32Array(states.length).fill(-1);
  let current: number[] = [];
  // Epsilon closure of `from` into `into`, marking states seen in generation `gen`.
  const close = (from: number, into: number[], gen: number) => {
    const stack = [from];
    while (stack.length > 0) {
      const s = stack.pop()!;
      if (seen[s] === gen) continue;
      seen[s] = gen;
      into.push(s);
      if (!states[s].test) for (const o of states[s].out) stack.push(o);
    }
  };
  close(0, current, 0);
  let i = 0;
  for (const ch of text) {
    i++;
    const next: number[] = [];
    for (const s of current) {
      const st = states[s];
      if (st.test && st.test(ch)) for (const o of st.out) close(o, next, i);
    }
    if (next.length === 0) return false;
    current = next;
  }
  return current.includes(accept);
}

/**
 * Repository-path match with the conveniences of .gitignore and CODEOWNERS: a pattern without a `/` matches
 * the file name at any depth (`*.tf`, `Dockerfile`); a leading `/` anchors at the root (and is otherwise
 * implied for patterns containing `/`); a trailing `/` matches everything under that folder and the path it
 * names (a submodule's gitlink `k8s` for `k8s/`); a pattern that names a folder matches the files under it
 * (`infra` matches `infra/main.tf`).
 */
export function matchPath(pattern: string, filePath: string, opts: { ignoreCase?: boolean } = {}): boolean {
  const text = opts.ignoreCase ? foldCase(filePath) : filePath;
  return pathGlobs(pattern, opts.ignoreCase === true).some((g) => matchGlob(g, text));
}

/** The whole-string globs a path pattern stands for (matchPath's rules); none for a blank pattern. */
function pathGlobs(pattern: string, ignoreCase: boolean): string[] {
  let p = (ignoreCase ? foldCase(pattern) : pattern).trim();
  if (p === '') return [];
  p = p.replace(/\/+$/, '');
  const anchored = p.startsWith('/') || p.includes('/');
  p = p.replace(/^\/+/, '');
  const full = anchored ? p : `**/${p}`;
  // A directory pattern matches the path it names too, not only what is under it: a submodule is one gitlink
  // entry at `k8s` (no `k8s/…` path ever appears), and moving it changes what is deployed as surely as
  // editing k8s/deploy.yaml would. So `d/` and `d` match the same paths.
  return [full, `${full}/**`];
}

/**
 * matchAnyPath for one list, its PatternSet looked up once: the gate matches every path of 10,000 commits
 * against the same lists, and each lookup compares the whole list with the one it was built from (~90
 * patterns for the default infrastructure tier). Only for a list that is not changed while the matcher is used.
 */
export function pathMatcher(
  patterns: readonly string[],
  opts: { ignoreCase?: boolean } = {},
): (filePath: string) => string | undefined {
  const ignoreCase = opts.ignoreCase === true;
  const set = patternSet(patterns, ignoreCase);
  return (filePath) => {
    const i = set.firstMatch(ignoreCase ? foldCase(filePath) : filePath);
    return i < 0 ? undefined : set.patterns[i];
  };
}

/** The first of `patterns` that matches `filePath` (matchPath), or undefined. */
export function matchAnyPath(
  patterns: readonly string[],
  filePath: string,
  opts: { ignoreCase?: boolean } = {},
): string | undefined {
  return pathMatcher(patterns, opts)(filePath);
}

/**
 * A policy's pattern lists are matched against every path of every judged commit (the default infrastructure
 * tier alone is ~90 patterns, two globs each): one NFA per list, all globs at once, simulated as a DFA built
 * lazily — each set of NFA states met and each step from it is computed once (what matchGlob would compute)
 * and remembered. So a path costs one lookup per character, not one simulation per glob. Verdicts are the
 * NFA's, step for step; the remembered states are bounded (MAX_DFA_STEPS: past it they are forgotten and
 * built again), so a pattern list written to blow up the subset construction costs only matchGlob's time.
 */
const MAX_DFA_STEPS = 20_000;

interface DfaState {
  nfa: number[];
  /** Lowest index of a pattern whose glob accepts here, -1 for none. */
  first: number;
  next: Map<string, DfaState>;
}

export class PatternSet {
  readonly states: NfaState[] = [{ out: [] }];
  /** Accepting NFA state → index of the pattern it belongs to. */
  readonly acceptOf = new Map<number, number>();
  /** NFA state → index of the pattern it belongs to (-1 for the shared start). */
  readonly owner: number[] = [-1];
  private readonly seen: Int32Array;
  private gen = 0;
  private steps = 0;
  private byKey = new Map<string, DfaState>();
  private start: DfaState;

  constructor(
    readonly patterns: readonly string[],
    ignoreCase: boolean,
    private readonly maxSteps = MAX_DFA_STEPS,
  ) {
    patterns.forEach((pattern, index) => {
      for (const glob of pathGlobs(pattern, ignoreCase)) {
        const nfa = nfaOf(glob);
        const offset = this.states.length;
        for (const st of nfa.states) {
          this.states.push({ ...(st.test ? { test: st.test } : {}), out: st.out.map((o) => o + offset) });
          this.owner.push(index);
        }
        this.states[0].out.push(offset);
        const accept = nfa.accept + offset;
        if (!this.acceptOf.has(accept)) this.acceptOf.set(accept, index);
      }
    });
    this.seen = new Int32Array(this.states.length).fill(-1);
    this.start = this.stateOf(this.closure([0]));
  }

  firstMatch(text: string): number {
    return this.after(text).first;
  }

  /** The NFA states (sorted) live after reading `text`: core/globUnder.ts asks what could follow a folder name. */
  statesAfter(text: string): readonly number[] {
    return this.after(text).nfa;
  }

  private after(text: string): DfaState {
    let at = this.start;
    for (const ch of text) {
      if (at.nfa.length === 0) return at;
      let to = at.next.get(ch);
      if (!to) {
        if (this.steps >= this.maxSteps) this.forget();
        const moved: number[] = [];
        for (const s of at.nfa) {
          const st = this.states[s];
          if (st.test && st.test(ch)) moved.push(...st.out);
        }
        to = this.stateOf(this.closure(moved));
        at.next.set(ch, to);
        this.steps++;
      }
      at = to;
    }
    return at;
  }

  /** The epsilon closure of `from`, sorted (the DFA state's identity). */
  private closure(from: number[]): number[] {
    if (this.gen >= 0x3fffffff) {
      this.seen.fill(-1);
      this.gen = 0;
    }
    const gen = ++this.gen;
    const out: number[] = [];
    const stack = [...from];
    while (stack.length > 0) {
      const s = stack.pop() as number;
      if (this.seen[s] === gen) continue;
      this.seen[s] = gen;
      out.push(s);
      const st = this.states[s];
      if (!st.test) for (const o of st.out) stack.push(o);
    }
    return out.sort((a, b) => a - b);
  }

  private stateOf(nfa: number[]): DfaState {
    const key = nfa.join(',');
    let d = this.byKey.get(key);
    if (!d) {
      let first = -1;
      for (const s of nfa) {
        const i = this.acceptOf.get(s);
        if (i !== undefined && (first < 0 || i < first)) first = i;
      }
      d = { nfa, first, next: new Map() };
      this.byKey.set(key, d);
    }
    return d;
  }

  /** Drops every remembered state and step (bounded memory); the walk in progress goes on from new ones. */
  private forget(): void {
    this.byKey = new Map();
    this.steps = 0;
    this.start = this.stateOf(this.start.nfa);
  }
}

const patternSets = new WeakMap<readonly string[], { sets: Array<PatternSet | undefined> }>();

/** The PatternSet for a list, built once per list (and again if the list was changed in place). */
export function patternSet(patterns: readonly string[], ignoreCase: boolean): PatternSet {
  let entry = patternSets.get(patterns);
  if (!entry) patternSets.set(patterns, (entry = { sets: [undefined, undefined] }));
  const slot = ignoreCase ? 1 : 0;
  const have = entry.sets[slot];
  if (have && have.patterns.length === patterns.length && have.patterns.every((p, i) => p === patterns[i])) return have;
  const built = new PatternSet([...patterns], ignoreCase);
  entry.sets[slot] = built;
  return built;
}
