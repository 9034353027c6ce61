/**
 * Which line of the blamed text a line of the document is now, after the edits made since the blame ran —
 * so the annotation can follow the text without running git again while the user types. Each edit is
 * recorded in O(1) as a block of lines it replaced; a lookup walks the recorded edits backwards, O(edits).
 * A line inside an edited block maps to the line at the same position of the old block when the block kept
 * its line count (typing within a line, an undo of it), and to nothing otherwise; the caller then compares
 * the text with what was blamed, so an edited line never borrows a committed line's provenance.
 */

/** Old lines [oldStart, oldStart + oldCount) became new lines [oldStart, oldStart + newCount) (0-based). */
export interface LineChange {
  oldStart: number;
  oldCount: number;
  newCount: number;
}

/** One change as the editor reports it: a range of the document before the change and the text put there. */
export interface RangeChange {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
  text: string;
}

function newlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * The lines a change replaced. Two common edits leave their neighbour line untouched and say so: inserting
 * or deleting whole lines at column 0 (Enter at the start of a line, paste of full lines, delete line), and a
 * line break typed at the end of a line (`atLineEnd`, which only the caller can know: the document before
 * the change is gone by then).
 */
export function lineChangeOf(c: RangeChange, atLineEnd = false): LineChange {
  const k = newlines(c.text);
  if (c.startCharacter === 0 && c.endCharacter === 0 && (c.text === '' || c.text.endsWith('\n'))) {
    return { oldStart: c.startLine, oldCount: c.endLine - c.startLine, newCount: k };
  }
  if (atLineEnd && c.startLine === c.endLine && c.startCharacter === c.endCharacter && /^\r?\n/.test(c.text)) {
    return { oldStart: c.startLine + 1, oldCount: 0, newCount: k };
  }
  return { oldStart: c.startLine, oldCount: c.endLine - c.startLine + 1, newCount: k + 1 };
}

/**
 * For a single-change event that inserted text starting with a line break into an empty range: whether the
 * cursor was at the end of its line. It was exactly when the last line the insertion produced holds nothing
 * but the inserted text after its last line break (the rest of the old line would have followed it).
 */
export function insertedAtLineEnd(c: RangeChange, lineAfter: (line: number) => string | undefined): boolean {
  if (c.startLine !== c.endLine || c.startCharacter !== c.endCharacter || !/^\r?\n/.test(c.text)) return false;
  const last = c.text.slice(c.text.lastIndexOf('\n') + 1);
  return lineAfter(c.startLine + newlines(c.text)) === last;
}

/** Where `line` is after `change` (forwards), or undefined when the change replaced it. */
export function lineAfterChange(line: number, change: LineChange): number | undefined {
  if (line < change.oldStart) return line;
  if (line >= change.oldStart + change.oldCount) return line + change.newCount - change.oldCount;
  return undefined;
}

export class LinesSinceBlame {
  private readonly changes: LineChange[] = [];

  /** Changes in the order they were applied, each against the text the previous one left. */
  record(changes: Iterable<LineChange>): void {
    for (const c of changes) if (c.oldCount !== 0 || c.newCount !== 0) this.changes.push(c);
  }

  /** How many changes are recorded (the caller recomputes the blame when this grows large). */
  get size(): number {
    return this.changes.length;
  }

  /** The blamed line that `line` of the current document was, or undefined when edits replaced it. */
  toBlamed(line: number): number | undefined {
    let l = line;
    for (let i = this.changes.length - 1; i >= 0; i--) {
      const c = this.changes[i];
      if (l < c.oldStart) continue;
      if (l >= c.oldStart + c.newCount) {
        l += c.oldCount - c.newCount;
        continue;
      }
      if (c.newCount !== c.oldCount) return undefined;
    }
    return l;
  }
}
