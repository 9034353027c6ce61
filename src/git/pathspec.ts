/**
 * A pathspec matching `path` literally (no wildcard, no magic; a name like `:x` or `a*b` is itself): the
 * `:(literal)` magic on each path rather than `--literal-pathspecs`, which, as a word before the subcommand,
 * makes runGit's read cache take the call for one that may change the repository (gitRunner.changesSnapshot):
 * the snapshot's answers were dropped after it (replayFlood's shared replay ran 11 times).
 */
export function literalPathspec(path: string): string {
  return `:(literal)${path}`;
}
