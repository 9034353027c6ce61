import { diffLines } from '../attribution/lineDiff';
import { splitLines } from '../attribution/lines';

/**
 * Which lines of the working text are uncommitted: those a line diff against HEAD's version shows as added or
 * changed. A file HEAD does not have is uncommitted throughout. The status bar's AI share counts only these,
 * so labels of lines committed earlier in the session do not inflate it.
 */
export function uncommittedLines(head: string | undefined, current: string): Set<number> {
  const lines = splitLines(current);
  const out = new Set<number>();
  if (head === undefined) {
    for (let i = 0; i < lines.length; i++) out.add(i);
    return out;
  }
  for (const h of diffLines(splitLines(head), lines)) {
    if (h.kind === 'insert') for (let i = 0; i < h.count; i++) out.add(h.newStart + i);
  }
  return out;
}
