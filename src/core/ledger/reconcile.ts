import { keepFormattingLabels } from '../attribution/formattingOnly';
import { UNOBSERVED, UNTRACKED, type LineLabel } from '../attribution/labels';
import { diffLines } from '../attribution/lineDiff';
import { splitLines } from '../attribution/lines';

/**
 * When a file's content changed while nothing watched (an editor closed, a `git checkout`, a tool without
 * hooks), the ledger cannot know who wrote the change. Compared line by line ignoring whitespace (as `diff -w`
 * does, like every whole-content observation), unchanged and re-indented lines keep their labels and changed
 * or added lines become `label` — `untracked` unless the caller knows better — except where the change is
 * formatting only (a formatter in a git pre-commit hook): those lines keep theirs (attribution/formattingOnly.ts).
 */
export function reconcileLabels(
  known: { content: string; labels: readonly LineLabel[] },
  content: string,
  label: LineLabel = UNOBSERVED,
): LineLabel[] {
  if (known.content === content) return [...known.labels];
  const oldLines = splitLines(known.content);
  const newLines = splitLines(content);
  const result: LineLabel[] = new Array<LineLabel>(newLines.length).fill(label);
  const hunks = diffLines(oldLines, newLines, { ignoreWhitespace: true });
  for (const hunk of hunks) {
    if (hunk.kind !== 'equal') continue;
    for (let i = 0; i < hunk.count; i++) {
      result[hunk.newStart + i] = known.labels[hunk.oldStart + i] ?? UNTRACKED;
    }
  }
  keepFormattingLabels(oldLines, known.labels, newLines, hunks, result);
  return result;
}

/** Every line `untracked`: what the ledger says of a file it has never seen written. */
export function untrackedLabels(content: string): LineLabel[] {
  return new Array<LineLabel>(splitLines(content).length).fill(UNTRACKED);
}
