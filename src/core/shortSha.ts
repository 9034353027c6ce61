/**
 * How Countersign abbreviates a commit id. In messages and in commands people paste (approve, explain, the gate's
 * reasons): 12 hex digits, which stay unambiguous in repositories far larger than git's default of 7 assumes.
 */
export function shortSha(sha: string): string {
  return sha.slice(0, 12);
}

/** Where space is tight and nothing is pasted (the blame annotation at a line's end): git's own 7. */
export function displaySha(sha: string): string {
  return sha.slice(0, 7);
}
