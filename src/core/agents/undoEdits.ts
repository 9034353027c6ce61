/**
 * Rebuilds a file's content before a series of string replacements, from the content after them.
 * Cursor has no hook before a file edit: its afterFileEdit names the replacements made
 * ({old_string, new_string}, sometimes with the line where the edit starts), so undoing them last-first
 * gives the before snapshot an agent checkpoint needs.
 *
 * Returns undefined when an edit cannot be located (its new text is not in the file, or is empty with no
 * line to anchor it): then the caller records only the after content rather than guess.
 */
export interface TextReplacement {
  oldText: string;
  newText: string;
  /** 1-based line where the replacement starts, when the agent reports it. */
  line?: number;
}

export function undoReplacements(after: string, edits: TextReplacement[]): string | undefined {
  let text = after;
  for (let i = edits.length - 1; i >= 0; i--) {
    const e = edits[i];
    const at = locate(text, e);
    if (at === undefined) return undefined;
    text = text.slice(0, at) + e.oldText + text.slice(at + e.newText.length);
  }
  return text;
}

function locate(text: string, e: TextReplacement): number | undefined {
  if (e.line !== undefined) {
    const lineStart = offsetOfLine(text, e.line);
    if (lineStart !== undefined) {
      if (e.newText === '') return lineStart;
      // The occurrence closest to the reported line: edits do not always start at the line's first column.
      let best: number | undefined;
      for (let at = text.indexOf(e.newText); at !== -1; at = text.indexOf(e.newText, at + 1)) {
        if (best === undefined || Math.abs(at - lineStart) < Math.abs(best - lineStart)) best = at;
      }
      return best;
    }
  }
  if (e.newText === '') return undefined;
  const at = text.indexOf(e.newText);
  return at === -1 ? undefined : at;
}

function offsetOfLine(text: string, line: number): number | undefined {
  if (line < 1) return undefined;
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl === -1) return undefined;
    offset = nl + 1;
  }
  return offset;
}
