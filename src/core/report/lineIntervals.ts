/**
 * Inclusive line intervals `[start, end]` (1-indexed, as in git-ai's attestation ranges). Counting distinct
 * lines through intervals keeps memory proportional to the number of ranges, not of lines: a note may
 * legitimately attest `1-200000` for a generated file.
 */
export type Interval = [number, number];

/** Sorted, non-overlapping, non-adjacent intervals; reversed ranges are turned round, lines < 1 dropped. */
export function normaliseIntervals(list: readonly Interval[]): Interval[] {
  const fixed: Interval[] = [];
  for (const [a, b] of list) {
    let s = Math.min(a, b), e = Math.max(a, b);
    if (!Number.isFinite(s) || !Number.isFinite(e) || e < 1) continue;
    s = Math.max(1, Math.floor(s)); e = Math.floor(e);
    fixed.push([s, e]);
  }
  fixed.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: Interval[] = [];
  for (const iv of fixed) {
    const last = out[out.length - 1];
    if (last && iv[0] <= last[1] + 1) last[1] = Math.max(last[1], iv[1]);
    else out.push([iv[0], iv[1]]);
  }
  return out;
}

export function countLines(normalised: readonly Interval[]): number {
  let n = 0;
  for (const [s, e] of normalised) n += e - s + 1;
  return n;
}

/** `a` minus `b`; both normalised. */
export function subtractIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
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

export function containsLine(normalised: readonly Interval[], line: number): boolean {
  let lo = 0, hi = normalised.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [s, e] = normalised[mid];
    if (line < s) hi = mid - 1;
    else if (line > e) lo = mid + 1;
    else return true;
  }
  return false;
}
