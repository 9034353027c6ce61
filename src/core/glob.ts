import { foldPath } from './caseFold';
import { nfaOf, type NfaState } from './globNfa';
/**
 * A small glob matcher for policy patterns (branch names and repository paths). Written here rather than
 * pulled in because the gate's security rests on exactly what a pattern matches, and the rules fit in a
 * page: `*` any run of characters except `/`, `**` any run including `/` (as a whole path segment it also
 * matches zero segments: `a/**\/b` matches `a/b`), `?` one character except `/`, `[abc]` / `[a-z]` / `[!a]`
 * one character from a class, `{a,b}` alternatives (nestable), `\x` a literal x. Matching is case-sensitive,
 * as git is on the platforms servers run.
 */

/** Patterns are compiled to NFAs (globNfa.ts), matched in time linear in the text; globProblem.ts bounds them. */
export { globProblem, MAX_GLOB_LENGTH, MAX_POLICY_PATTERN_CHARS, patternTotalProblem } from './globProblem';

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
  const text = opts.ignoreCase ? foldPath(filePath) : filePath;
  return pathGlobs(pattern, opts.ignoreCase === true).some((g) => matchGlob(g, text));
}

/** The whole-string globs a path pattern stands for (matchPath's rules); none for a blank pattern. */
function pathGlobs(pattern: string, ignoreCase: boolean): string[] {
  let p = (ignoreCase ? foldPath(pattern) : pattern).trim();
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
    const i = set.firstMatch(ignoreCase ? foldPath(filePath) : filePath);
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
 * built again), so a pattern list written to blow up the subset construction holds no more memory: a character
 * then costs one step of the whole list's NFA (every glob's live states, as matchGlob steps one glob) plus
 * sorting and keying the states reached, and the list's size is bounded (MAX_POLICY_PATTERN_CHARS).
 */
const MAX_DFA_STEPS = 20_000;

interface DfaState {
  nfa: number[];
  /** Lowest index of a pattern whose glob accepts here, -1 for none. */
  first: number;
  next: Map<string, DfaState>;
  /** The steps on ASCII characters, by character code (a path is mostly ASCII: no Map lookup per character). */
  ascii: Array<DfaState | undefined>;
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
    // Code point by code point, as `for (const ch of text)` reads it (a lone surrogate is one step of its own).
    for (let i = 0; i < text.length; i++) {
      if (at.nfa.length === 0) return at;
      const code = text.charCodeAt(i);
      if (code < 0x80) {
        at = at.ascii[code] ?? this.step(at, text[i], code);
        continue;
      }
      const point = text.codePointAt(i) as number;
      const ch = String.fromCodePoint(point);
      if (point > 0xffff) i++;
      at = at.next.get(ch) ?? this.step(at, ch);
    }
    return at;
  }

  /** The state after `at` reads `ch` (`code`: its code when ASCII), computed and remembered. */
  private step(at: DfaState, ch: string, code?: number): DfaState {
    if (this.steps >= this.maxSteps) this.forget();
    const moved: number[] = [];
    for (const s of at.nfa) {
      const st = this.states[s];
      if (st.test && st.test(ch)) moved.push(...st.out);
    }
    const to = this.stateOf(this.closure(moved));
    if (code === undefined) at.next.set(ch, to);
    else at.ascii[code] = to;
    this.steps++;
    return to;
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
      d = { nfa, first, next: new Map(), ascii: [] };
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
