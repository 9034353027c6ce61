/**
 * Inclusive line ranges `[start, end]`, 1-based — the unit of a note's attestations (git-ai's `1-10,15`), of
 * the gate's AI lines and of the report's counts. Counting through ranges keeps memory proportional to the
 * number of ranges, not of lines: a note may legitimately attest `1-200000` for a generated file.
 */
export type LineRange = [start: number, end: number];

/**
 * Sorted, non-overlapping, non-adjacent ranges (adjacent and overlapping ranges join); a reversed range is
 * turned round; fractional bounds are floored, and lines below 1 or not finite are dropped.
 */
export function normalizeRanges(ranges: readonly LineRange[]): LineRange[] {
  const fixed: LineRange[] = [];
  for (const [a, b] of ranges) {
    let s = Math.min(a, b),
      e = Math.max(a, b);
    if (!Number.isFinite(s) || !Number.isFinite(e) || e < 1) continue;
    s = Math.max(1, Math.floor(s));
    e = Math.floor(e);
    fixed.push([s, e]);
  }
  fixed.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: LineRange[] = [];
  for (const r of fixed) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

export function linesToRanges(lines: Iterable<number>): LineRange[] {
  return normalizeRanges([...lines].map((l): LineRange => [l, l]));
}

/** How many distinct lines `ranges` name, without expanding them. */
export function countRangeLines(ranges: readonly LineRange[]): number {
  return countNormalizedLines(normalizeRanges(ranges));
}

/** countRangeLines for ranges already normalised (the report's hot path: no sort). */
export function countNormalizedLines(normalized: readonly LineRange[]): number {
  let n = 0;
  for (const [s, e] of normalized) n += e - s + 1;
  return n;
}

/** `ranges` cut to the lines a file of `lineCount` lines has (1..lineCount). */
export function clampRanges(ranges: readonly LineRange[], lineCount: number): LineRange[] {
  const out: LineRange[] = [];
  for (const [a, b] of ranges) {
    const s = Math.max(1, Math.min(a, b)),
      e = Math.min(lineCount, Math.max(a, b));
    if (s <= e) out.push([s, e]);
  }
  return out;
}

export function formatRanges(ranges: readonly LineRange[]): string {
  return normalizeRanges(ranges)
    .map(([a, b]) => (a === b ? String(a) : `${a}-${b}`))
    .join(',');
}

/** `a` minus `b`; both normalised. */
export function subtractRanges(a: readonly LineRange[], b: readonly LineRange[]): LineRange[] {
  const out: LineRange[] = [];
  let j = 0;
  for (const [s0, e] of a) {
    let s = s0;
    while (j < b.length && b[j][1] < s) j++;
    let k = j;
    while (k < b.length && b[k][0] <= e) {
      if (b[k][0] > s) out.push([s, b[k][0] - 1]);
      s = Math.max(s, b[k][1] + 1);
      if (s > e) break;
      k++;
    }
    if (s <= e) out.push([s, e]);
  }
  return out;
}

export function containsLine(normalised: readonly LineRange[], line: number): boolean {
  let lo = 0,
    hi = normalised.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [s, e] = normalised[mid];
    if (line < s) hi = mid - 1;
    else if (line > e) lo = mid + 1;
    else return true;
  }
  return false;
}
