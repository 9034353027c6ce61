import { withoutWhitespace } from './lines';

/**
 * Line diff for whole-content observations (a file written on disk, an agent's before/after) and for
 * provenance mapping working-tree labels onto a staged blob. Myers' O(ND) algorithm in its linear-space
 * "middle snake" form (the same bisection diff-match-patch uses), so a 100,000-line file with a small change
 * costs about N, and a cost cap (like xdiff's) keeps pathological inputs bounded at the price of minimality.
 */
export type DiffHunk = { kind: 'equal' | 'insert' | 'delete'; oldStart: number; newStart: number; count: number };

export interface DiffOptions {
  /** Compare lines as `diff -w` does: whitespace anywhere in a line is ignored. */
  ignoreWhitespace?: boolean;
}

/**
 * Hunks covering both sequences in order. Within a replaced region the `delete` comes before the `insert`;
 * `oldStart`/`newStart` are where each hunk begins in the old and new sequence.
 */
export function diffLines(
  oldLines: readonly string[],
  newLines: readonly string[],
  opts: DiffOptions = {},
): DiffHunk[] {
  const [a, b] = internLines(oldLines, newLines, opts.ignoreWhitespace === true);
  const matchOfOld = new Int32Array(a.length).fill(-1);
  const newMatched = new Uint8Array(b.length);
  matchRanges(a, b, matchOfOld, newMatched);
  return toHunks(matchOfOld, newMatched);
}

/** Lines become small integers so the inner loops compare numbers, not strings. */
function internLines(
  oldLines: readonly string[],
  newLines: readonly string[],
  ignoreWhitespace: boolean,
): [Int32Array, Int32Array] {
  const ids = new Map<string, number>();
  const intern = (lines: readonly string[]) => {
    const out = new Int32Array(lines.length);
    for (let i = 0; i < lines.length; i++) {
      const key = ignoreWhitespace ? withoutWhitespace(lines[i]) : lines[i];
      let id = ids.get(key);
      if (id === undefined) {
        id = ids.size;
        ids.set(key, id);
      }
      out[i] = id;
    }
    return out;
  };
  return [intern(oldLines), intern(newLines)];
}

type Range = [aLo: number, aHi: number, bLo: number, bHi: number];

/** Fills the match arrays for every range, splitting at middle snakes. A work list, not recursion: no deep stacks. */
function matchRanges(a: Int32Array, b: Int32Array, matchOfOld: Int32Array, newMatched: Uint8Array): void {
  const work: Range[] = [[0, a.length, 0, b.length]];
  const match = (i: number, j: number) => {
    matchOfOld[i] = j;
    newMatched[j] = 1;
  };
  while (work.length > 0) {
    let [aLo, aHi, bLo, bHi] = work.pop()!;
    while (aLo < aHi && bLo < bHi && a[aLo] === b[bLo]) match(aLo++, bLo++);
    while (aLo < aHi && bLo < bHi && a[aHi - 1] === b[bHi - 1]) match(--aHi, --bHi);
    if (aLo === aHi || bLo === bHi) continue;
    const split = bisect(a, aLo, aHi, b, bLo, bHi);
    if (split === undefined) continue; // nothing in common: the whole range is replaced
    work.push([aLo, aLo + split[0], bLo, bLo + split[1]], [aLo + split[0], aHi, bLo + split[1], bHi]);
  }
}

/**
 * Finds where a shortest edit script crosses the middle, walking forward from the start and backward from the
 * end until the paths overlap (Myers 1986, section 4b). Returns the split point relative to the range, or
 * undefined when the ranges share nothing. Beyond the cost cap it returns the furthest forward point reached:
 * still a correct diff, just not guaranteed minimal.
 */
function bisect(
  a: Int32Array,
  aLo: number,
  aHi: number,
  b: Int32Array,
  bLo: number,
  bHi: number,
): [number, number] | undefined {
  const n = aHi - aLo;
  const m = bHi - bLo;
  const maxD = Math.ceil((n + m) / 2);
  const offset = maxD;
  const size = 2 * maxD + 2;
  const v1 = new Int32Array(size).fill(-1);
  const v2 = new Int32Array(size).fill(-1);
  v1[offset + 1] = 0;
  v2[offset + 1] = 0;
  const delta = n - m;
  const front = (delta & 1) !== 0;
  const costCap = Math.max(256, Math.ceil(Math.sqrt(n + m)) * 8);
  let k1start = 0,
    k1end = 0,
    k2start = 0,
    k2end = 0;
  let bestX = -1,
    bestY = -1;
  for (let d = 0; d < maxD; d++) {
    if (d > costCap && bestX + bestY > 0 && bestX + bestY < n + m) return [bestX, bestY];
    for (let k1 = -d + k1start; k1 <= d - k1end; k1 += 2) {
      const k1o = offset + k1;
      let x1 = k1 === -d || (k1 !== d && v1[k1o - 1] < v1[k1o + 1]) ? v1[k1o + 1] : v1[k1o - 1] + 1;
      let y1 = x1 - k1;
      while (x1 < n && y1 < m && a[aLo + x1] === b[bLo + y1]) {
        x1++;
        y1++;
      }
      v1[k1o] = x1;
      if (x1 > n) k1end += 2;
      else if (y1 > m) k1start += 2;
      else {
        if (x1 + y1 > bestX + bestY) {
          bestX = x1;
          bestY = y1;
        }
        if (front) {
          const k2o = offset + delta - k1;
          if (k2o >= 0 && k2o < size && v2[k2o] !== -1 && x1 >= n - v2[k2o]) return [x1, y1];
        }
      }
    }
    for (let k2 = -d + k2start; k2 <= d - k2end; k2 += 2) {
      const k2o = offset + k2;
      let x2 = k2 === -d || (k2 !== d && v2[k2o - 1] < v2[k2o + 1]) ? v2[k2o + 1] : v2[k2o - 1] + 1;
      let y2 = x2 - k2;
      while (x2 < n && y2 < m && a[aHi - x2 - 1] === b[bHi - y2 - 1]) {
        x2++;
        y2++;
      }
      v2[k2o] = x2;
      if (x2 > n) k2end += 2;
      else if (y2 > m) k2start += 2;
      else if (!front) {
        const k1o = offset + delta - k2;
        if (k1o >= 0 && k1o < size && v1[k1o] !== -1) {
          const x1 = v1[k1o];
          const y1 = offset + x1 - k1o;
          if (x1 >= n - x2) return [x1, y1];
        }
      }
    }
  }
  return undefined;
}

function toHunks(matchOfOld: Int32Array, newMatched: Uint8Array): DiffHunk[] {
  const hunks: DiffHunk[] = [];
  const n = matchOfOld.length;
  const m = newMatched.length;
  let i = 0,
    j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && matchOfOld[i] === j) {
      const start = i,
        newStart = j;
      while (i < n && j < m && matchOfOld[i] === j) {
        i++;
        j++;
      }
      hunks.push({ kind: 'equal', oldStart: start, newStart, count: i - start });
      continue;
    }
    const delStart = i;
    while (i < n && matchOfOld[i] === -1) i++;
    if (i > delStart) hunks.push({ kind: 'delete', oldStart: delStart, newStart: j, count: i - delStart });
    const insStart = j;
    while (j < m && newMatched[j] === 0) j++;
    if (j > insStart) hunks.push({ kind: 'insert', oldStart: i, newStart: insStart, count: j - insStart });
  }
  return hunks;
}
