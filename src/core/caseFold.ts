/**
 * A name as a case-insensitive file system compares it, for every rule that asks whether two names are one file
 * there: branch and tag names (loose refs are files: core/refNameCase.ts) and the paths of `ignoreCase` tiers
 * (core/glob.ts). Upper case, then lower: JavaScript's toLowerCase alone keeps letters already lower case whose
 * case fold is another letter — `ſ` (U+017F) folds to `s` in Unicode's case folding and APFS's, so `releaſe/2.0`
 * and `release/2.0` are one folder on a Mac (attack26 02) — and upper-casing first maps them (ſ → S → s, ı → I →
 * i, ß → SS → ss). Wider than any one file system's fold: for a gate a wider fold only refuses or charges more.
 */
export function foldCase(name: string): string {
  return name.toUpperCase().toLowerCase();
}
