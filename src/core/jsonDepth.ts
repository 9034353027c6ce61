/**
 * How deep untrusted JSON may nest before anything recursive reads it. `JSON.parse` copes with 200,000 levels,
 * but the recursive readers after it — jsonc-parser's tree for policy locations (jsonLocation.ts), zod, and
 * canonical re-serialisation — overflow the stack at a few thousand and crash with "Maximum call stack size
 * exceeded" naming no file (attack17 Q7). No Countersign format nests beyond a handful of levels, so anything
 * past this limit is refused as an ordinary problem before those readers run.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * How deep `text` nests its arrays and objects, counted without recursion, stopping once past `limit` (so a
 * huge file costs one scan at most). Brackets inside strings do not count. Syntax is not checked here.
 */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > deepest && (deepest = depth) > limit) return deepest;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

/** Why `text` nests too deep to be read (naming `what` and the limit), or undefined. */
export function jsonDepthProblem(text: string, what: string, limit = MAX_JSON_DEPTH): string | undefined {
  if (jsonDepth(text, limit) <= limit) return undefined;
  return `${what} nests arrays and objects more than ${limit} levels deep, which no Countersign format does: it is not read`;
}

/**
 * `JSON.parse(text)`, refused with a SyntaxError-like Error when `text` nests deeper than the limit, so callers'
 * existing "not valid JSON" handling covers it and nothing recursive ever sees such a value.
 */
export function parseShallowJson(text: string, what = 'the JSON', limit = MAX_JSON_DEPTH): unknown {
  const problem = jsonDepthProblem(text, what, limit);
  if (problem) throw new SyntaxError(problem);
  return JSON.parse(text);
}
