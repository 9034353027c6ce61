import { RunBuilder, makeLine, spliceRuns, type Line } from './line';
import { endsWithLineBreak, leadingLineBreak, splitLinesWithEnds } from './lines';
import {
  charCount,
  lineAt,
  lineCount,
  linesBetween,
  locate,
  replaceAt,
  splice,
  type Located,
  type Tree,
} from './lineTree';
import { rewriteLines, type Stamp } from './relabel';
import type { WriterTable } from './writers';

export type TextChange = { readonly offset: number; readonly length: number; readonly text: string };

/** How the inserted characters are attributed: written by `stamp`, or (save participants) keeping labels. */
export type ChangeMode = { kind: 'write'; stamp: Stamp } | { kind: 'keep' };

/**
 * Applies one editor change to a file's tree, touching only the lines the change overlaps (plus the line that
 * follows when a line break is removed): O(log n + size of the change) whatever the file's length. `owner`: the
 * token that may change the tree in place (lineTree.ts `replaceAt`), given only for a tree nothing else keeps.
 */
export function applyChange(tree: Tree, change: TextChange, mode: ChangeMode, writers: WriterTable, owner = 0): Tree {
  const total = charCount(tree);
  const { offset, length } = change;
  if (offset + length > total) {
    throw new RangeError(
      `change at offset ${offset} length ${length} reaches past the end of the text (${total} characters)`,
    );
  }
  if (length === 0 && change.text === '') return tree;
  if (mode.kind === 'write' && offset < total) {
    const typed = keystroke(tree, change, mode.stamp, writers, owner);
    if (typed !== undefined) return typed;
  }
  const count = lineCount(tree);

  // The region: from the line holding `offset` through the line holding the character just after the change,
  // so a line break right after the change is visible (for Enter at the end of a line) and joins work.
  let first: number;
  let regionStart: number;
  let firstLine: Line | undefined;
  if (offset < total) ({ index: first, start: regionStart, line: firstLine } = locate(tree, offset));
  else if (count > 0 && !endsWithLineBreak((firstLine = lineAt(tree, count - 1)).text)) {
    first = count - 1;
    regionStart = total - firstLine.text.length;
  } else {
    first = count;
    regionStart = total;
    firstLine = undefined;
  }
  const firstLength = firstLine ? firstLine.text.length : 0;
  let end =
    offset + length >= total
      ? count
      : offset + length < regionStart + firstLength
        ? first + 1 // the usual keystroke: one line
        : locate(tree, offset + length).index + 1;
  const old: Line[] = end === first + 1 && firstLine ? [firstLine] : linesBetween(tree, first, end);
  let regionText = old.length === 1 ? old[0].text : old.map((l) => l.text).join('');
  let regionRuns: readonly number[] = old.length === 1 ? old[0].runs : concatRuns(old);

  // Enter at the end of a line: inserting "\n…" before a line break is the same text as inserting "…\n" after
  // it. Choosing the latter keeps the old line break with the old line, so the new blank line is the typist's
  // (DESIGN: "pressing Enter at the end of an AI line makes a human blank line").
  const lo = offset - regionStart;
  let text = change.text;
  let insertAt = lo + length;
  const lineBreak = leadingLineBreak(text);
  if (lineBreak && regionText.startsWith(lineBreak, insertAt)) {
    insertAt += lineBreak.length;
    text = text.slice(lineBreak.length) + lineBreak;
  }

  let newText = regionText.slice(0, lo) + regionText.slice(lo + length, insertAt) + text + regionText.slice(insertAt);
  // A region that no longer ends in a line break swallows the next line (a deleted line break joins lines).
  if (newText.length > 0 && !endsWithLineBreak(newText) && end < count) {
    const next = lineAt(tree, end);
    old.push(next);
    regionText += next.text;
    regionRuns = regionRuns.concat(next.runs);
    newText += next.text;
    end++;
  }

  // The usual keystroke: no line break typed or removed, so the region stays one line and needs no split.
  if (
    mode.kind === 'write' &&
    old.length === 1 &&
    newText.length > 0 &&
    text.indexOf('\n') < 0 &&
    (endsWithLineBreak(newText) || end === count)
  ) {
    const runs = new RunBuilder();
    runs.pushSlice(regionRuns, 0, lo);
    runs.pushSlice(regionRuns, lo + length, insertAt);
    runs.push(text.length, mode.stamp.writer, mode.stamp.seq);
    runs.pushSlice(regionRuns, insertAt, regionText.length);
    return replaceAt(tree, first, makeLine(newText, runs.build(), writers), owner);
  }
  const newTexts = splitLinesWithEnds(newText);
  let lines: Line[];
  if (mode.kind === 'keep') {
    lines = rewriteLines(old, newTexts, 'keep', writers, {
      before: first > 0 ? lineAt(tree, first - 1) : undefined,
      after: end < count ? lineAt(tree, end) : undefined,
    });
  } else {
    const runs = new RunBuilder();
    runs.pushSlice(regionRuns, 0, lo);
    runs.pushSlice(regionRuns, lo + length, insertAt);
    runs.push(text.length, mode.stamp.writer, mode.stamp.seq);
    runs.pushSlice(regionRuns, insertAt, regionText.length);
    const all = runs.build();
    lines = [];
    let pos = 0;
    for (const lineText of newTexts) {
      const lineRuns = new RunBuilder();
      lineRuns.pushSlice(all, pos, pos + lineText.length);
      lines.push(makeLine(lineText, lineRuns.build(), writers));
      pos += lineText.length;
    }
  }
  return splice(tree, first, end - first, lines);
}

// keystroke's lookup result, reused (the keystroke path allocates only what the new line keeps).
const found: Located = { index: 0, start: 0, line: undefined as unknown as Line };

/**
 * The usual keystroke, done with as little work and allocation as it can be: a change inside one line that types
 * no line break and leaves the line's last character (its line break) alone, so the line stays one line. The
 * line keeps its neighbours' runs; the typed characters get `stamp`. Undefined when the change is not that.
 */
function keystroke(
  tree: Tree,
  change: TextChange,
  stamp: Stamp,
  writers: WriterTable,
  owner: number,
): Tree | undefined {
  const { offset, length, text } = change;
  if (text.indexOf('\n') >= 0) return undefined;
  const { index, start, line } = locate(tree, offset, found);
  found.line = undefined as unknown as Line; // the reused object must not keep a line alive
  const at = offset - start;
  if (at + length >= line.text.length) return undefined;
  const newText = line.text.slice(0, at) + text + line.text.slice(at + length);
  const runs = spliceRuns(line.runs, at, length, text.length, stamp.writer, stamp.seq);
  return replaceAt(tree, index, makeLine(newText, runs, writers), owner);
}

function concatRuns(lines: readonly Line[]): number[] {
  const out: number[] = [];
  for (const line of lines) for (const v of line.runs) out.push(v);
  return out;
}
