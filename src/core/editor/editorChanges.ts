/**
 * Turning an editor's text-change event into DESIGN's `edit` observation. VS Code reports every change of one
 * event against the document as it was before the event (multi-cursor edits arrive sorted by descending
 * offset); DESIGN's `edit` applies its changes in the listed order, each against the text the previous one
 * left. The two agree only when the changes are listed from the end of the document to its start, so that is
 * the order produced here, whatever order the editor happened to report.
 */

import { isMultiLineInsertion } from '../attribution/lines';

/** One change as the editor reports it (VS Code's TextDocumentContentChangeEvent, without the Range object). */
export interface EditorContentChange {
  readonly rangeOffset: number;
  readonly rangeLength: number;
  readonly text: string;
}

/** One change of an `edit` observation: applies to the text left by the change before it. */
export interface SequentialChange {
  offset: number;
  length: number;
  text: string;
}

/**
 * Orders simultaneous changes (all against the same original text) so that applying them one after another
 * gives the same result. Descending by start, then by end, so a change never moves text a later one refers
 * to. Changes at the same start keep the editor's relative order: VS Code lists the one that ends up later in
 * the document first, and applying them in that order reproduces its result.
 */
export function toSequentialChanges(changes: readonly EditorContentChange[]): SequentialChange[] {
  const indexed = changes.map((c, index) => ({ c, index }));
  indexed.sort(
    (a, b) =>
      b.c.rangeOffset - a.c.rangeOffset ||
      b.c.rangeOffset + b.c.rangeLength - (a.c.rangeOffset + a.c.rangeLength) ||
      a.index - b.index,
  );
  for (let i = 1; i < indexed.length; i++) {
    const later = indexed[i - 1].c;
    const earlier = indexed[i].c;
    if (earlier.rangeOffset + earlier.rangeLength > later.rangeOffset) {
      // VS Code rejects overlapping edits before they reach a document, so this means a caller built a bad event.
      throw new RangeError(`overlapping changes at offsets ${earlier.rangeOffset} and ${later.rangeOffset}`);
    }
  }
  return indexed.map(({ c }) => ({ offset: c.rangeOffset, length: c.rangeLength, text: c.text }));
}

/** Applies sequential changes to a text (DESIGN's semantics); used by tests and by the trace recorder's checks. */
export function applySequentialChanges(text: string, changes: readonly SequentialChange[]): string {
  let out = text;
  for (const c of changes) out = out.slice(0, c.offset) + c.text + out.slice(c.offset + c.length);
  return out;
}

/**
 * Whether an insertion is worth comparing with the clipboard: only one the clipboard can change the label of
 * — a multi-line insertion (two or more lines with text), which is `ai:unknown` unless it is a paste — longer
 * than `minChars`. A typed key or line break never is: reading the clipboard costs an IPC round trip, and in
 * browser VS Code a refused read shows a sticky error (issue 13).
 */
export function isPasteCandidate(changes: readonly { text: string }[], minChars: number): boolean {
  return changes.some((c) => c.text.length > minChars && isMultiLineInsertion(c.text));
}

/**
 * Counts lines with non-whitespace text that a change inserts — DESIGN calls an insertion of two or more such
 * lines "multi-line"; the editor uses this only to describe captured edits in its log and trace notes.
 */
export function insertedContentLines(changes: readonly { text: string }[]): number {
  let n = 0;
  for (const c of changes) for (const line of c.text.split('\n')) if (line.trim().length > 0) n++;
  return n;
}
