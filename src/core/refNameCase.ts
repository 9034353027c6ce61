import { foldCase } from './caseFold';
import { matchGlob } from './glob';

/**
 * Ref names as a case-insensitive file system compares them: macOS and Windows clones keep loose refs as files, so
 * `Main` and `main`, or `V2.0` and `v2.0`, are one file there (attack20 01, attack24 3). Every rule that asks
 * whether two ref names collide by case folds them here, by core/caseFold.ts (wider than git's ASCII fold and than
 * toLowerCase alone, which kept `releaſe` apart from `release`: attack26 02).
 */
export function foldRefName(name: string): string {
  return foldCase(name);
}

/** Whether two ref names are one file on a case-insensitive clone but differ as git compares them. */
export function caseTwins(a: string, b: string): boolean {
  return a !== b && foldRefName(a) === foldRefName(b);
}

/**
 * The first of `patterns` that names `name` only when letter case is ignored (`Release/*` for `release/1`). A
 * pattern of wildcards alone (`*`) is never one: it would make every name a twin.
 */
export function caseOnlyPattern(patterns: readonly string[] | undefined, name: string): string | undefined {
  const folded = foldRefName(name);
  return patterns?.find((p) => namesParticular(p) && !matchGlob(p, name) && matchGlob(foldRefName(p), folded));
}

/**
 * The first of `patterns` that names `name` as written, passing over patterns of wildcards alone: `*` protects
 * every existing branch, but would make every new name a protected branch's (the rules about names a push would
 * take or block: confusingRefName.ts).
 */
export function namingPattern(patterns: readonly string[] | undefined, name: string): string | undefined {
  return patterns?.find((p) => namesParticular(p) && matchGlob(p, name));
}

/** Whether a pattern names particular refs: not one of wildcards alone (`*`, `**`, `?`). */
function namesParticular(pattern: string): boolean {
  return /[^*?]/.test(pattern);
}

/**
 * The first of `patterns` that could name a ref below `name/` (`release/*` for `release`, `team/*\/prod` for
 * `team/a`, `hotfix/**` for `hotfix`), letter case ignored: git keeps refs as files, so while a branch `release`
 * exists no `release/1.0` can be created (attack26 01, the other side of attack25 A25-02). Patterns whose first
 * segment is wildcards alone (`*\/*`, `**\/prod`) are passed over: they would make every one-segment name a
 * protected branch's folder.
 */
export function patternBelow(patterns: readonly string[] | undefined, name: string): string | undefined {
  const own = foldRefName(name).split('/');
  return patterns?.find((p) => {
    const segments = foldRefName(p).split('/');
    if (!namesParticular(segments[0])) return false;
    for (let i = 0; i < own.length; i++) {
      const seg = segments[i];
      if (seg === undefined) return false;
      if (seg === '**') return true;
      if (!matchGlob(seg, own[i])) return false;
    }
    return segments.length > own.length;
  });
}
