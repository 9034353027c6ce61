/**
 * "Is this the same person": the one rule every two-person check uses (the gate, approve's preflight, the
 * panel, the policy's duplicate-reviewer check). Emails compare after Unicode compatibility normalisation
 * (NFKC: a fullwidth `ａ` is `a`), with invisible format characters (zero-width space and joiner, bidi marks)
 * removed, trimmed and in lower case, so a reviewer cannot be listed twice, or approve their own commit, under
 * a differently spelled address. GitHub's noreply address comes in two forms for one account —
 * `ID+login@users.noreply.github.com` and the older `login@users.noreply.github.com` — and both are one person
 * (outside tester, session 7: a reviewer's web edits carry the one, their listed address the other).
 */
export function personKey(email: string): string {
  let key = keys.get(email);
  if (key === undefined) {
    if (keys.size >= MAX_KEYS) keys.clear();
    keys.set(email, (key = normalizedKey(email)));
  }
  return key;
}

/**
 * The gate asks for the same few addresses once per commit and reviewer (10,000 commits: tens of thousands of
 * NFKC normalisations and a Unicode-property regex each, ~5% of `verify`'s CPU), so answers are kept per
 * spelling. Bounded: a history of many authors only refills it.
 */
const keys = new Map<string, string>();
const MAX_KEYS = 4096;

function normalizedKey(email: string): string {
  const e = email
    .normalize('NFKC')
    .replace(/\p{Cf}/gu, '')
    .trim()
    .toLowerCase();
  const noreply = /^\d+\+([^@]+@users\.noreply\.github\.com)$/.exec(e);
  return noreply ? noreply[1] : e;
}

export function samePerson(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.trim() !== '' && personKey(a) === personKey(b);
}
