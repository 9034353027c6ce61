/**
 * Names that read as a commit id (attack P2). git looks a short name up as a ref before it tries it as an
 * abbreviated object id, with only a warning (which `--quiet` hides), so a tag or branch named like the short id
 * a reviewer was shown (shortSha.ts: 12 hex digits; git's own default: 7) made `countersign approve <id>` sign
 * the ref's commit instead. One rule for the server, which refuses creating such refs (confusingRefName.ts), and
 * for the client, which refuses resolving a revision through one (revision.ts).
 */

/** git's default abbreviation: the shortest id people copy from `git log --oneline`, blame or a web page. */
export const MIN_COPIED_ID = 7;

/** Whether git could read `name` as an abbreviated or full object id: hex digits, 4 (git's minimum) to 64. */
export function isHexName(name: string): boolean {
  return /^[0-9a-f]{4,64}$/i.test(name);
}

/**
 * Whether `name` looks like a commit id as people copy one: 7 to 64 hex digits, at least one of them a letter.
 * Digits alone (a release date 20241201, a build number) are as often something else: such a name is taken for
 * an id only where an object's id starts with it, which only git can say (digitsOnlyIdName).
 */
export function looksLikeObjectId(name: string): boolean {
  return name.length >= MIN_COPIED_ID && isHexName(name) && /[a-f]/i.test(name);
}

/** 7 to 64 decimal digits: a name that reads as an id where an object's id starts with it. */
export function digitsOnlyIdName(name: string): boolean {
  return name.length >= MIN_COPIED_ID && /^[0-9]{7,64}$/.test(name);
}
