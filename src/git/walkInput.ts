/**
 * The commits of a git walk (`rev-list`, `log`), for its standard input (`--stdin`) rather than its command line.
 * A list of tips is as long as a server's protected branches, and a keyless pusher can make that longer than
 * one command line holds (outside tester, session 11, L9: 45,000 protected branches parked at main's tip, after
 * which every push died with "spawn E2BIG" until an administrator deleted refs by hand). Each commit is named
 * once; `^` excludes, as on a command line. The caller adds `--stdin` to git's arguments.
 */
export function walkInput(from: readonly string[], not: readonly string[] = []): string {
  const included = new Set(from);
  const excluded = [...new Set(not)].map((t) => `^${t}`);
  return [...included, ...excluded].join('\n') + '\n';
}
