import { diffLines } from './attribution/lineDiff';

/**
 * Lines an update brings back that none of its commits writes (docs/threat-model.md, "A merge that brings
 * back lines"). A branch's new tree is the tree where its first-parent chain leaves the push (`exit`) plus
 * the chain's own diffs, which the gate judges commit by commit. When the chain leaves at the branch's value
 * (a fast-forward, an ordinary merge on the branch) that is everything. When it leaves at an older ancestor
 * (a branch with main merged into it, or an evil merge keeping what main removed), lines of `exit`'s tree
 * that the branch no longer has reach it with no commit showing them: those are the lines of `head` that are
 * new against `base` but not against `exit`.
 */
export function restoredLineCount(base: string | undefined, exit: string | undefined, head: string): number {
  const headLines = splitLines(head);
  if (headLines.length === 0 || exit === undefined) return 0;
  const newAgainst = (text: string | undefined): Uint8Array => {
    const marks = new Uint8Array(headLines.length);
    if (text === undefined) return marks.fill(1);
    for (const h of diffLines(splitLines(text), headLines))
      if (h.kind === 'insert') marks.fill(1, h.newStart, h.newStart + h.count);
    return marks;
  };
  const vsBase = newAgainst(base);
  const vsExit = newAgainst(exit);
  let n = 0;
  for (let i = 0; i < headLines.length; i++) if (vsBase[i] === 1 && vsExit[i] === 0) n++;
  return n;
}

/** Lines as git counts them: split on `\n`, a final line break starts no line. */
function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
