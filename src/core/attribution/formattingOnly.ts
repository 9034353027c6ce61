import type { LineLabel } from './labels';
import type { DiffHunk } from './lineDiff';
import { isWhitespaceCode } from './lines';

/**
 * Formatting-only changes nobody watched (docs/attribution.md, "Formatting nobody watched"). A formatter run by a
 * git pre-commit hook (lint-staged + prettier, pre-commit's black) rewrites staged lines outside any editor, so
 * the ledger finds them changed with no writer; without this rule they would become `untracked` and an AI change
 * would lose its provenance and its review. A replaced block of lines whose change is formatting only keeps the
 * labels it had. "Formatting only" is deliberately narrow — the blocks are equal once normalised:
 *   - whitespace (line breaks included) is removed;
 *   - `"` counts as `'` (quote style);
 *   - a `,` or `;` directly before `)`, `]` or `}` is dropped (trailing commas), and so is a `;` ending a line.
 * Comparing the block's normalised concatenation, not line by line, is what lets a reflow (one call split over
 * several lines, or several joined into one) match. Anything else — an added parenthesis, an escaped quote, a
 * renamed identifier — is a real change and keeps the writer the caller gives it.
 */

const SINGLE_QUOTE = 39;
const DOUBLE_QUOTE = 34;
const COMMA = 44;
const SEMICOLON = 59;

function isCloser(c: number): boolean {
  return c === 41 || c === 93 || c === 125; // ) ] }
}

/** The normalised character stream of `lines[start, start + count)`, and the line each character came from. */
function normalisedStream(
  lines: readonly string[],
  start: number,
  count: number,
): { codes: number[]; owners: number[] } {
  const codes: number[] = [];
  const owners: number[] = [];
  for (let k = start; k < start + count; k++) {
    const text = lines[k];
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (isWhitespaceCode(c)) continue;
      if (c === DOUBLE_QUOTE) c = SINGLE_QUOTE;
      if (isCloser(c) && codes.length > 0) {
        const last = codes[codes.length - 1];
        if (last === COMMA || last === SEMICOLON) {
          codes.pop();
          owners.pop();
        }
      }
      codes.push(c);
      owners.push(k);
    }
    if (codes.length > 0 && owners[owners.length - 1] === k && codes[codes.length - 1] === SEMICOLON) {
      codes.pop();
      owners.pop();
    }
  }
  return { codes, owners };
}

function sameCodes(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * For each new line of a formatting-only replaced block: the old line whose label it keeps (new index → old
 * index, 0-based). Only `delete`+`insert` pairs of `hunks` are looked at, so unchanged lines cost nothing here.
 * A new line holding code from several old lines stands for the one `caution` ranks highest (callers rank AI
 * first: an AI label is what makes the gate ask for review), then the one it holds most of. A new line with no
 * normalised character (a blank line) stands for the old line of the code just before it, else just after.
 * A block that is not equal as a whole (a formatter and a real edit side by side) still keeps the labels of the
 * new lines that lie wholly inside the normalised streams' common start or common end, and, when the block
 * keeps its line count, of lines equal to the old line at the same place.
 */
export function formattingOnlySources(
  oldLines: readonly string[],
  newLines: readonly string[],
  hunks: readonly DiffHunk[],
  caution: (oldIndex: number) => number,
): Map<number, number> {
  const out = new Map<number, number>();
  for (let h = 1; h < hunks.length; h++) {
    const del = hunks[h - 1];
    const ins = hunks[h];
    if (del.kind !== 'delete' || ins.kind !== 'insert') continue;
    const before = normalisedStream(oldLines, del.oldStart, del.count);
    const after = normalisedStream(newLines, ins.newStart, ins.count);
    blockSources(before, after, ins, caution, out);
    if (del.count !== ins.count) continue;
    for (let i = 0; i < ins.count; i++) {
      if (out.has(ins.newStart + i)) continue;
      const o = normalisedStream(oldLines, del.oldStart + i, 1).codes;
      if (sameCodes(o, normalisedStream(newLines, ins.newStart + i, 1).codes))
        out.set(ins.newStart + i, del.oldStart + i);
    }
  }
  return out;
}

type Stream = { codes: number[]; owners: number[] };

/**
 * Where the normalised streams agree, the new character at a position is the old character there (counted from
 * the start, or from the end), so a new line maps to the old lines through the positions it covers.
 */
function blockSources(
  before: Stream,
  after: Stream,
  ins: DiffHunk,
  caution: (oldIndex: number) => number,
  out: Map<number, number>,
): void {
  const oldLen = before.codes.length;
  const newLen = after.codes.length;
  let prefix = 0;
  const most = Math.min(oldLen, newLen);
  while (prefix < most && before.codes[prefix] === after.codes[prefix]) prefix++;
  const whole = prefix === oldLen && oldLen === newLen;
  let suffix = 0;
  while (suffix < most - prefix && before.codes[oldLen - 1 - suffix] === after.codes[newLen - 1 - suffix]) suffix++;
  const shift = oldLen - newLen;
  let p = 0;
  for (let j = ins.newStart; j < ins.newStart + ins.count; j++) {
    const from = p;
    while (p < newLen && after.owners[p] === j) p++;
    if (p === from) {
      // A blank line: only in a block that is formatting as a whole, next to the code around it.
      if (whole && oldLen > 0) out.set(j, before.owners[from > 0 ? from - 1 : 0]);
      continue;
    }
    if (p <= prefix) out.set(j, mostCautious(before.owners, from, p, caution));
    else if (from >= newLen - suffix) out.set(j, mostCautious(before.owners, from + shift, p + shift, caution));
  }
}

/** The old line of `owners[from, to)` that `caution` ranks highest, then the one holding the most positions. */
function mostCautious(owners: readonly number[], from: number, to: number, caution: (i: number) => number): number {
  // Old owners of consecutive positions never decrease, so each old line is one run.
  let best = -1;
  let bestRank = 0;
  let bestCount = 0;
  for (let q = from; q < to;) {
    const owner = owners[q];
    const runStart = q;
    while (q < to && owners[q] === owner) q++;
    const rank = caution(owner);
    if (best < 0 || rank > bestRank || (rank === bestRank && q - runStart > bestCount)) {
      best = owner;
      bestRank = rank;
      bestCount = q - runStart;
    }
  }
  return best;
}

/** Caution for the gate: AI (needs review) over untracked (counts towards the untracked threshold) over human. */
export function labelCaution(label: LineLabel | undefined): number {
  if (label === undefined) return 1;
  return label.kind === 'ai' ? 2 : label.kind === 'untracked' ? 1 : 0;
}

/**
 * `newLabels` (labels of `newLines` as `hunks` left them) with the lines of formatting-only blocks given the
 * label of the old line each stands for.
 */
export function keepFormattingLabels<L extends LineLabel | undefined>(
  oldLines: readonly string[],
  oldLabels: readonly L[],
  newLines: readonly string[],
  hunks: readonly DiffHunk[],
  newLabels: L[],
): void {
  for (const [n, o] of formattingOnlySources(oldLines, newLines, hunks, (i) => labelCaution(oldLabels[i]))) {
    if (o < oldLabels.length) newLabels[n] = oldLabels[o];
  }
}
