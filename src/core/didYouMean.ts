/**
 * "Did you mean …" for a mistyped command or option, as git and gh say it: the closest candidate by edit
 * distance (Damerau: a swap of two neighbours counts once), when it is close enough to be a typo.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const allowed = Math.max(1, Math.floor(Math.min(word.length, best?.length ?? 0) / 3));
  return best !== undefined && bestDistance <= allowed ? best : undefined;
}

/**
 * The sentence every "unknown X" message ends with — ` Did you mean 'verify'?` — or '' when nothing is close.
 * `show` renders the candidate (`\`countersign verify\``, `--branch`); one wording for commands, options,
 * subcommands, agents, formats and branches.
 */
export function didYouMean(
  word: string,
  candidates: readonly string[],
  show: (candidate: string) => string = (c) => `'${c}'`,
): string {
  const meant = closest(word, candidates);
  return meant === undefined ? '' : ` Did you mean ${show(meant)}?`;
}

/** Edit distance with a swap of two neighbours counted once (Damerau, optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
