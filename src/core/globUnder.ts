import { foldPath } from './caseFold';
import { patternSet, type PatternSet } from './glob';

/**
 * Could a path pattern match a path under the folder `folder` (matchPath's rules)? A changed symbolic link may
 * lead to a folder, and then every file there has a name under the link's (core/policyPaths.ts): `k8s -> misc`
 * names misc/app.yaml k8s/app.yaml, which `k8s/**` matches though the name `k8s` does not. The gate cannot list
 * what the folder holds, so it asks only whether some path under the name could match, from the pattern alone.
 *
 * `except`: the folder the link leads to. A file there had that name when it landed, and was judged by it: a
 * pattern that matches a path under `folder` only when it matches the same path under `except` too (`*.tf`,
 * `**\/values.yaml`, the unanchored `k8s/` unless a folder of `folder` is named k8s) adds nothing, so it is not
 * counted — else every link to a folder would meet every tier that names a file kind. Told from the set of NFA
 * states each folder name leaves the list's globs in (core/glob.ts PatternSet): a state after `folder/` from which
 * a longer path could still reach a match, and which `except/` does not leave, is a path only the new name
 * matches. Conservative: two different states may match the same paths (`{a,b}/x`), and then the pattern is
 * counted. Pure: names in, pattern out.
 */

/** Per PatternSet: NFA states that consume a character from which a match can still be reached. */
const usefulOf = new WeakMap<PatternSet, Uint8Array>();
/** Per pair of state sets (PatternSet caches them, so a pair recurs): the lowest pattern index found, or -1. */
const answers = new WeakMap<readonly number[], Map<readonly number[] | undefined, number>>();

/**
 * The first of `patterns` that could match a path `folder/…` (at least one more character) that it would not
 * match as `except/…`; undefined when none. `except` '' is the repository's root (`all -> .`); absent, any match.
 */
export function firstPatternUnder(
  patterns: readonly string[],
  folder: string,
  opts: { ignoreCase?: boolean; except?: string } = {},
): string | undefined {
  const ignoreCase = opts.ignoreCase === true;
  const set = patternSet(patterns, ignoreCase);
  const text = (f: string) => (f === '' ? '' : `${ignoreCase ? foldPath(f) : f}/`);
  const from = set.statesAfter(text(folder));
  if (from.length === 0) return undefined;
  const not = opts.except === undefined ? undefined : set.statesAfter(text(opts.except));
  let known = answers.get(from);
  if (!known) answers.set(from, (known = new Map()));
  let first = known.get(not);
  if (first === undefined) {
    const useful = usefulStates(set);
    const other = new Set(not ?? []);
    first = -1;
    for (const s of from) {
      const owner = set.owner[s];
      if (useful[s] === 1 && !other.has(s) && (first < 0 || owner < first)) first = owner;
    }
    known.set(not, first);
  }
  return first < 0 ? undefined : set.patterns[first];
}

/** firstPatternUnder for one pattern. */
export function matchesUnder(
  pattern: string,
  folder: string,
  opts: { ignoreCase?: boolean; except?: string } = {},
): boolean {
  return firstPatternUnder([pattern], folder, opts) !== undefined;
}

/** Marks each state that consumes a character and leads on to an accepting state: backwards from those. */
function usefulStates(set: PatternSet): Uint8Array {
  const known = usefulOf.get(set);
  if (known) return known;
  const n = set.states.length;
  const into: number[][] = Array.from({ length: n }, () => []);
  set.states.forEach((st, s) => st.out.forEach((o) => into[o].push(s)));
  const reaches = new Uint8Array(n);
  const stack = [...set.acceptOf.keys()];
  for (const s of stack) reaches[s] = 1;
  while (stack.length > 0) {
    for (const p of into[stack.pop() as number])
      if (reaches[p] === 0) {
        reaches[p] = 1;
        stack.push(p);
      }
  }
  const useful = new Uint8Array(n);
  set.states.forEach((st, s) => {
    if (st.test && st.out.some((o) => reaches[o] === 1)) useful[s] = 1;
  });
  usefulOf.set(set, useful);
  return useful;
}
