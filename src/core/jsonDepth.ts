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
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string is skipped with the native indexOf, not walked character by character (a report reads 10 MB of
      // note metadata, mostly prompt transcripts: ~200 ms in interpreted code). It ends at the first quote after
      // an even run of backslashes (each pair is one escaped backslash; an odd run escapes the quote), which is
      // where reading it a character at a time, a backslash skipping the next, ends it too.
      let q = i;
      for (;;) {
        q = text.indexOf('"', q + 1);
        if (q < 0) return deepest;
        let k = q - 1;
        while (text.charCodeAt(k) === 0x5c) k--; // stops at the opening quote at the latest
        if ((q - 1 - k) % 2 === 0) break;
      }
      i = q;
    } else if (c === 0x7b || c === 0x5b) {
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
