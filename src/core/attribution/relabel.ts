import { diffLines } from './lineDiff';
import { LabelClass, RunBuilder, expandRuns, makeLine, uniformLine, type Line } from './line';
import { contentLength, hasNonWhitespace, isWhitespaceCode, lineContent, withoutWhitespace } from './lines';
import type { WriterId, WriterTable } from './writers';

/** Who writes characters: a writer and the moment (seq) of writing. */
export type Stamp = { readonly writer: WriterId; readonly seq: number };

/**
 * New lines for `newTexts` replacing `oldLines`, compared line by line ignoring whitespace (as `diff -w`):
 * unchanged and re-indented lines keep their labels; changed and added lines are written by `changed`, or —
 * with 'keep', for formatters and on-save code actions — take the label of the old line they replace.
 * `context` gives the neighbours outside the region, for lines a 'keep' rewrite adds out of nothing.
 */
export function rewriteLines(
  oldLines: readonly Line[], newTexts: readonly string[], changed: Stamp | 'keep', writers: WriterTable,
  context: { before?: Line; after?: Line } = {},
): Line[] {
  const hunks = diffLines(oldLines.map((l) => lineContent(l.text)), newTexts.map(lineContent), { ignoreWhitespace: true });
  const out: Line[] = [];
  for (let h = 0; h < hunks.length; h++) {
    const hunk = hunks[h];
    if (hunk.kind === 'equal') {
      for (let i = 0; i < hunk.count; i++) out.push(transferLine(oldLines[hunk.oldStart + i], newTexts[hunk.newStart + i], writers));
    } else if (hunk.kind === 'insert') {
      const replaced = h > 0 && hunks[h - 1].kind === 'delete' ? hunks[h - 1] : undefined;
      for (let i = 0; i < hunk.count; i++) {
        const text = newTexts[hunk.newStart + i];
        if (changed !== 'keep') { out.push(uniformLine(text, changed.writer, changed.seq, writers)); continue; }
        const source = keptSource(oldLines, replaced, hunk.oldStart, i, hunk.count, text, context);
        out.push(source ? transferLine(source, text, writers) : uniformLine(text, writers.untracked, 0, writers));
      }
    }
  }
  return out;
}

/**
 * Which old line a formatter's new line stands for: one of the replaced lines with the same non-whitespace
 * content (organize-imports reorders), else the replaced line at the same relative position (a line split in
 * three keeps its label in all three), else the nearest neighbour.
 */
function keptSource(
  oldLines: readonly Line[], replaced: { oldStart: number; count: number } | undefined, insertAt: number,
  i: number, n: number, text: string, context: { before?: Line; after?: Line },
): Line | undefined {
  if (replaced && replaced.count > 0) {
    const key = withoutWhitespace(lineContent(text));
    for (let k = 0; k < replaced.count; k++) {
      const candidate = oldLines[replaced.oldStart + k];
      if (withoutWhitespace(lineContent(candidate.text)) === key) return candidate;
    }
    return oldLines[replaced.oldStart + Math.min(replaced.count - 1, Math.floor((i * replaced.count) / n))];
  }
  return oldLines[insertAt - 1] ?? oldLines[insertAt] ?? context.before ?? context.after;
}

/**
 * `old`'s characters carried onto `newText` while keeping `old`'s label: the common prefix and suffix keep
 * their writers, the middle takes the writers of the characters it replaced. If that alone would change the
 * label (a formatter deleted the characters that decided it), the line is restamped so the label stays.
 */
export function transferLine(old: Line, newText: string, writers: WriterTable): Line {
  if (old.text === newText) return old;
  const oldText = old.text;
  let p = 0;
  const maxP = Math.min(oldText.length, newText.length);
  while (p < maxP && oldText.charCodeAt(p) === newText.charCodeAt(p)) p++;
  let s = 0;
  const maxS = Math.min(oldText.length, newText.length) - p;
  while (s < maxS && oldText.charCodeAt(oldText.length - 1 - s) === newText.charCodeAt(newText.length - 1 - s)) s++;
  const attrs = expandRuns(old.runs);
  const runs = new RunBuilder();
  runs.pushSlice(old.runs, 0, p);
  const oldMid = oldText.length - s - p;
  const newMid = newText.length - s - p;
  for (let k = 0; k < newMid; k++) {
    const from = oldMid > 0 ? p + Math.floor((k * oldMid) / newMid) : p > 0 ? p - 1 : p;
    runs.push(1, attrs.writers[from], attrs.seqs[from]);
  }
  runs.pushSlice(old.runs, oldText.length - s, oldText.length);
  const line = makeLine(newText, runs.build(), writers);
  return line.label === old.label ? line : restamp(old, newText, writers);
}

/** `newText` with `old`'s label by construction: every character gets the attribute that decided it. */
function restamp(old: Line, newText: string, writers: WriterTable): Line {
  const ai = old.labelClass === LabelClass.HumanWasAi ? { writer: old.aiWriter, seq: old.aiSeq } : undefined;
  return stampedLine(newText, { writer: old.mainWriter, seq: old.mainSeq }, ai, writers);
}

/**
 * A line written by `main`; with `ai`, one character that does not decide the label (the line break of a
 * non-blank line, else a whitespace character) is given to the AI, so the line reads "human, was AI".
 * A line with no such character cannot carry both and is plainly `main`'s.
 */
export function stampedLine(text: string, main: Stamp, ai: Stamp | undefined, writers: WriterTable): Line {
  if (!ai) return uniformLine(text, main.writer, main.seq, writers);
  const contentEnd = contentLength(text);
  const blank = !hasNonWhitespace(text, 0, contentEnd);
  let spot = -1;
  if (!blank && contentEnd < text.length) spot = text.length - 1;
  else if (!blank || contentEnd < text.length) {
    for (let i = 0; i < contentEnd && spot < 0; i++) if (isWhitespaceCode(text.charCodeAt(i))) spot = i;
  }
  if (spot < 0) return uniformLine(text, main.writer, main.seq, writers);
  const runs = new RunBuilder();
  runs.push(spot, main.writer, main.seq);
  runs.push(1, ai.writer, ai.seq);
  runs.push(text.length - spot - 1, main.writer, main.seq);
  return makeLine(text, runs.build(), writers);
}
