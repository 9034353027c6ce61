import { formattingOnlySources, labelCaution } from './formattingOnly';
import { diffLines, type DiffHunk } from './lineDiff';
import { LabelClass, RunBuilder, expandRuns, makeLine, uniformLine, type Line } from './line';
import { contentLength, hasNonWhitespace, isWhitespaceCode, lineContent, withoutWhitespace } from './lines';
import type { WriterId, WriterTable } from './writers';

/** Who writes characters: a writer and the moment (seq) of writing. */
export type Stamp = { readonly writer: WriterId; readonly seq: number };

/**
 * New lines for `newTexts` replacing `oldLines`, compared line by line ignoring whitespace (as `diff -w`):
 * unchanged and re-indented lines keep their labels; changed and added lines are written by `changed`, or —
 * with 'keep', for formatters and on-save code actions — take the label of the old line they stand for.
 * `context` gives the neighbours outside the region, for lines a 'keep' rewrite adds out of nothing.
 * `keepFormatting`, for a write nobody is known to have made: lines of a formatting-only block keep the label of
 * the old line they stand for (formattingOnly.ts) instead of becoming `changed`'s.
 */
export function rewriteLines(
  oldLines: readonly Line[],
  newTexts: readonly string[],
  changed: Stamp | 'keep',
  writers: WriterTable,
  context: { before?: Line; after?: Line; keepFormatting?: boolean } = {},
): Line[] {
  const oldKeys = oldLines.map((l) => withoutWhitespace(lineContent(l.text)));
  const newKeys = newTexts.map((t) => withoutWhitespace(lineContent(t)));
  const hunks = diffLines(oldKeys, newKeys);
  const out: Line[] = [];
  const moved = changed === 'keep' ? movedLines(hunks, oldLines, oldKeys) : undefined;
  const formatted =
    changed !== 'keep' && context.keepFormatting
      ? formattingOnlySources(
          oldLines.map((l) => l.text),
          newTexts,
          hunks,
          (i) => labelCaution(oldLines[i].label),
        )
      : undefined;
  for (let h = 0; h < hunks.length; h++) {
    const hunk = hunks[h];
    if (hunk.kind === 'equal') {
      for (let i = 0; i < hunk.count; i++)
        out.push(transferLine(oldLines[hunk.oldStart + i], newTexts[hunk.newStart + i], writers));
    } else if (hunk.kind === 'insert') {
      if (changed !== 'keep') {
        for (let i = hunk.newStart; i < hunk.newStart + hunk.count; i++) {
          const source = formatted?.get(i);
          out.push(
            source !== undefined
              ? transferLine(oldLines[source], newTexts[i], writers)
              : uniformLine(newTexts[i], changed.writer, changed.seq, writers),
          );
        }
        continue;
      }
      const replaced = h > 0 && hunks[h - 1].kind === 'delete' ? hunks[h - 1] : undefined;
      const sources = keptSources(
        oldLines,
        oldKeys,
        replaced,
        newKeys.slice(hunk.newStart, hunk.newStart + hunk.count),
      );
      for (let i = 0; i < hunk.count; i++) {
        const text = newTexts[hunk.newStart + i];
        const source =
          moved!.get(newKeys[hunk.newStart + i])?.pop() ??
          sources[i] ??
          oldLines[hunk.oldStart - 1] ??
          oldLines[hunk.oldStart] ??
          context.before ??
          context.after;
        out.push(source ? transferLine(source, text, writers) : uniformLine(text, writers.untracked, 0, writers));
      }
    }
  }
  return out;
}

/** Deleted lines by content, so a line a save participant moved (organize imports) keeps its own label. */
function movedLines(
  hunks: readonly DiffHunk[],
  oldLines: readonly Line[],
  oldKeys: readonly string[],
): Map<string, Line[]> {
  const moved = new Map<string, Line[]>();
  for (const hunk of hunks) {
    if (hunk.kind !== 'delete') continue;
    for (let i = hunk.oldStart + hunk.count - 1; i >= hunk.oldStart; i--) {
      if (oldKeys[i] === '') continue;
      const list = moved.get(oldKeys[i]) ?? [];
      list.push(oldLines[i]);
      moved.set(oldKeys[i], list);
    }
  }
  return moved;
}

/**
 * Which replaced line each new line of a rewritten block stands for. Formatters change whitespace and
 * punctuation, not the code, so the blocks' non-whitespace character streams nearly agree: a new line stands
 * for the old line at the same (length-scaled) place in that stream — a line split in three keeps its label in
 * all three, and three lines joined take the label of the middle of the code they hold.
 */
function keptSources(
  oldLines: readonly Line[],
  oldKeys: readonly string[],
  replaced: DiffHunk | undefined,
  newKeys: readonly string[],
): (Line | undefined)[] {
  if (!replaced || replaced.count === 0) return newKeys.map(() => undefined);
  const oldEnds: number[] = [];
  let oldTotal = 0;
  for (let k = 0; k < replaced.count; k++) oldEnds.push((oldTotal += oldKeys[replaced.oldStart + k].length));
  const newTotal = newKeys.reduce((n, key) => n + key.length, 0);
  const scale = newTotal > 0 ? oldTotal / newTotal : 0;
  let pos = 0;
  return newKeys.map((key) => {
    const at = (pos + key.length / 2) * scale;
    pos += key.length;
    let k = 0;
    while (k < replaced.count - 1 && oldEnds[k] <= at) k++;
    return oldLines[replaced.oldStart + k];
  });
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
