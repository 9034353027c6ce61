/**
 * A name as a case-insensitive file system compares it, for every rule that asks whether two names are one file
 * there: branch and tag names (loose refs are files: core/refNameCase.ts) and, through foldPath, the paths of
 * `review.paths` and of `ignoreCase` tiers (core/glob.ts). Upper case, then lower: JavaScript's toLowerCase alone keeps letters already lower case whose
 * case fold is another letter — `ſ` (U+017F) folds to `s` in Unicode's case folding and APFS's, so `releaſe/2.0`
 * and `release/2.0` are one folder on a Mac (attack26 02) — and upper-casing first maps them (ſ → S → s, ı → I →
 * i, ß → SS → ss). Wider than any one file system's fold: for a gate a wider fold only refuses or charges more.
 */
export function foldCase(name: string): string {
  return name.toUpperCase().toLowerCase();
}

/**
 * A path as macOS (APFS, HFS+) and Windows (NTFS) compare file names: foldCase, then Unicode's composed form (NFC),
 * since APFS also takes `café` written with a combining accent (NFD) and with `é` (NFC) for one file (attack29 F1:
 * `AUTH.JS` beside `auth.js` is one file there, and a pull writes the twin's bytes into the checked-out auth.js).
 * Normalised after folding, so that a letter whose fold decomposes composes again. Paths only: ref names keep
 * foldCase (core/refNameCase.ts).
 */
export function foldPath(name: string): string {
  return foldCase(name).normalize('NFC');
}
