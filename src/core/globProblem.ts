/** The longest policy pattern accepted (core/glob.ts matches in time linear in the text, per pattern). */
export const MAX_GLOB_LENGTH = 1024;

/**
 * The most pattern text a policy may hold in all its lists (protectedBranches, protectedTags, review.paths and
 * every tier's paths): core/glob.ts's PatternSet builds ~4 NFA states per character of a list, eagerly, and a
 * step of its DFA visits the live ones. attack29 F2: a valid 982 KB policy with 30,000 patterns of 25 characters
 * cost `new PatternSet` 31 s and 2.2 GB (report, explain, verify died in the clone). The default tiers hold 1,495
 * characters; 32,768 is ~1,000 patterns of 30 characters, ~0.5 s to build at worst.
 */
export const MAX_POLICY_PATTERN_CHARS = 32_768;

/** The total-size problem of a policy's pattern lists, or undefined when they are within MAX_POLICY_PATTERN_CHARS. */
export function patternTotalProblem(lists: ReadonlyArray<readonly string[] | undefined>): string | undefined {
  let chars = 0;
  let count = 0;
  for (const list of lists)
    for (const p of list ?? []) {
      chars += p.length;
      count++;
    }
  if (chars <= MAX_POLICY_PATTERN_CHARS) return undefined;
  return `its ${count} patterns (protectedBranches, protectedTags, review.paths and the tiers' paths) have ${chars} characters in all; a policy may have at most ${MAX_POLICY_PATTERN_CHARS}`;
}

/**
 * A problem with a pattern, for located policy errors (undefined when it is well formed). Unbalanced
 * braces and brackets would otherwise silently match literally, which is rarely what was meant.
 */
export function globProblem(pattern: string): string | undefined {
  if (pattern.trim() === '') return 'an empty pattern matches nothing';
  if (pattern.length > MAX_GLOB_LENGTH)
    return `the pattern is ${pattern.length} characters long; patterns may have at most ${MAX_GLOB_LENGTH}`;
  let braces = 0;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (ch === '{') braces++;
    else if (ch === '}') braces--;
    if (braces < 0) return `'}' at position ${i + 1} has no matching '{'`;
    if (ch === '[' && pattern.indexOf(']', i + 2) < 0) return `'[' at position ${i + 1} has no matching ']'`;
  }
  if (braces > 0) return "a '{' has no matching '}'";
  return undefined;
}
