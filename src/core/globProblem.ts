/** The longest policy pattern accepted (core/glob.ts matches in time linear in the text, per pattern). */
export const MAX_GLOB_LENGTH = 1024;

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
