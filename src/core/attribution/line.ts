import type { LineLabel } from './labels';
import { contentLength, isWhitespaceCode } from './lines';
import type { WriterId, WriterTable } from './writers';

/**
 * One line of a file: its text (with its line ending) and who wrote each character, as runs
 * `[length, writer, seq, length, writer, seq, …]` where `seq` orders writes in time. Labels are derived from
 * the characters, which is what makes DESIGN's rules fall out rather than be special-cased:
 * - "last writer of any non-whitespace character": the non-whitespace character with the highest seq;
 * - "a blank line takes the label of whoever wrote its own line break": the writer of the final `\n`;
 * - "deleting writes nothing": removing characters leaves the others' writers, so the line keeps the label
 *   of what remains.
 * Lines are immutable: the tree shares them between undo states.
 */
export type Runs = readonly number[];

/** Label classes, counted in tree aggregates for O(1) statistics. */
export const LabelClass = { Ai: 0, Human: 1, HumanWasAi: 2, Untracked: 3 } as const;
export type LabelClass = (typeof LabelClass)[keyof typeof LabelClass];

export interface Line {
  readonly text: string;
  readonly runs: Runs;
  readonly label: LineLabel;
  readonly labelClass: LabelClass;
  /** The character attribute the label comes from, and the latest AI one (for "AI, modified"); -1 if none. */
  readonly mainWriter: WriterId;
  readonly mainSeq: number;
  readonly aiWriter: WriterId;
  readonly aiSeq: number;
  readonly agentBit: number;
  /**
   * Polynomial hashes of the text, so undo can recognise an earlier state of a file in O(1): -1 until
   * `lineHashes` first needs them, since most lines (each keystroke makes one) are never compared.
   */
  h1: number;
  h2: number;
}

export const P1 = 67108859;
export const P2 = 67108837;
const B1 = 131;
const B2 = 137;

export function makeLine(text: string, runs: Runs, writers: WriterTable): Line {
  const contentEnd = contentLength(text);
  let mainWriter = -1,
    mainSeq = -1,
    anyWriter = -1,
    anySeq = -1,
    aiWriter = -1,
    aiSeq = -1;
  let pos = 0;
  for (let r = 0; r < runs.length; r += 3) {
    const len = runs[r],
      writer = runs[r + 1],
      seq = runs[r + 2];
    const end = pos + len;
    if (seq > anySeq) {
      anySeq = seq;
      anyWriter = writer;
    }
    if (seq > aiSeq && writers.isAi(writer)) {
      aiSeq = seq;
      aiWriter = writer;
    }
    if (seq > mainSeq && pos < contentEnd) {
      const stop = Math.min(end, contentEnd);
      for (let i = pos; i < stop; i++) {
        if (!isWhitespaceCode(text.charCodeAt(i))) {
          mainSeq = seq;
          mainWriter = writer;
          break;
        }
      }
    }
    pos = end;
  }
  if (mainWriter < 0) {
    // A blank line: its own line break decides; the last line of a file may have none, then its latest write.
    if (contentEnd < text.length) {
      mainWriter = runs[runs.length - 2];
      mainSeq = runs[runs.length - 1];
    } else {
      mainWriter = anyWriter;
      mainSeq = anySeq;
    }
  }
  let label = writers.label(mainWriter);
  let labelClass: LabelClass;
  if (label.kind === 'ai') labelClass = LabelClass.Ai;
  else if (label.kind === 'untracked') labelClass = LabelClass.Untracked;
  else if (aiWriter >= 0) {
    label = writers.humanWasAi(mainWriter, aiWriter);
    labelClass = LabelClass.HumanWasAi;
  } else labelClass = LabelClass.Human;
  // In the order a keystroke reads them (the tree's aggregates read the class and agent bit): one cache line.
  return {
    text,
    runs,
    labelClass,
    agentBit: labelClass === LabelClass.Ai ? writers.agentBit(mainWriter) : 0,
    label,
    mainWriter,
    mainSeq,
    aiWriter,
    aiSeq,
    h1: -1,
    h2: -1,
  };
}

/** Fills in a line's text hashes on first use. */
export function lineHashes(line: Line): void {
  if (line.h1 >= 0) return;
  const text = line.text;
  let h1 = 0,
    h2 = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = (h1 * B1 + c) % P1;
    h2 = (h2 * B2 + c) % P2;
  }
  line.h1 = h1;
  line.h2 = h2;
}

/** A line whose characters all have one writer. */
export function uniformLine(text: string, writer: WriterId, seq: number, writers: WriterTable): Line {
  return makeLine(text, [text.length, writer, seq], writers);
}

/** Builds run arrays, merging neighbours with the same attribute so runs stay few. */
export class RunBuilder {
  private readonly out: number[] = [];

  push(len: number, writer: WriterId, seq: number): void {
    if (len <= 0) return;
    const n = this.out.length;
    if (n > 0 && this.out[n - 2] === writer && this.out[n - 1] === seq) this.out[n - 3] += len;
    else this.out.push(len, writer, seq);
  }

  /** Appends the attributes of characters [from, to) of `runs`. */
  pushSlice(runs: Runs, from: number, to: number): void {
    let pos = 0;
    for (let r = 0; r < runs.length && pos < to; r += 3) {
      const end = pos + runs[r];
      const s = Math.max(pos, from),
        e = Math.min(end, to);
      if (e > s) this.push(e - s, runs[r + 1], runs[r + 2]);
      pos = end;
    }
  }

  /**
   * The runs, in an array of their exact size: a line's runs live as long as the line, while the builder's own
   * array has grown with spare room (a keystroke's line is otherwise mostly that spare room, for the garbage
   * collector to copy until the line is edited again).
   */
  build(): number[] {
    return this.out.slice();
  }
}

// spliceRuns' working array and its length, reused: a keystroke allocates only the exact-size result.
const scratch: number[] = [];
let used = 0;

/** Appends a run to the working array, merging it with the last one when the attribute is the same. */
function put(len: number, writer: WriterId, seq: number): void {
  if (len <= 0) return;
  if (used > 0 && scratch[used - 2] === writer && scratch[used - 1] === seq) scratch[used - 3] += len;
  else {
    scratch[used++] = len;
    scratch[used++] = writer;
    scratch[used++] = seq;
  }
}

/**
 * The runs of a line after characters [at, at + removed) are replaced by `inserted` characters that `writer`
 * wrote at `seq`: what RunBuilder would give for the same pushes (neighbours with one attribute merged), for the
 * keystroke, which cannot afford a builder and its spare room.
 */
export function spliceRuns(
  runs: Runs,
  at: number,
  removed: number,
  inserted: number,
  writer: WriterId,
  seq: number,
): number[] {
  used = 0;
  const end = at + removed;
  let pos = 0;
  let placed = false;
  for (let r = 0; r < runs.length; r += 3) {
    const runEnd = pos + runs[r];
    put(Math.min(runEnd, at) - pos, runs[r + 1], runs[r + 2]);
    if (!placed && runEnd >= at) {
      put(inserted, writer, seq);
      placed = true;
    }
    put(runEnd - Math.max(pos, end), runs[r + 1], runs[r + 2]);
    pos = runEnd;
  }
  if (!placed) put(inserted, writer, seq);
  return scratch.slice(0, used);
}

/** The attribute of every character, for the rare per-character work (label-preserving transfers). */
export function expandRuns(runs: Runs): { writers: Int32Array; seqs: Float64Array } {
  let total = 0;
  for (let r = 0; r < runs.length; r += 3) total += runs[r];
  const writers = new Int32Array(total);
  const seqs = new Float64Array(total);
  let pos = 0;
  for (let r = 0; r < runs.length; r += 3) {
    writers.fill(runs[r + 1], pos, pos + runs[r]);
    seqs.fill(runs[r + 2], pos, pos + runs[r]);
    pos += runs[r];
  }
  return { writers, seqs };
}
