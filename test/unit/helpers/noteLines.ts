import type { LineRange } from '../../../src/core/lineRanges';

/** The line numbers of small test ranges, for readable assertions (the product never expands ranges). */
export function linesOf(ranges: readonly LineRange[] | undefined): number[] {
  const out: number[] = [];
  for (const [a, b] of ranges ?? []) for (let l = a; l <= b; l++) out.push(l);
  return out.sort((x, y) => x - y);
}
