import { labelIdentity, type LineLabel } from '../attribution/labels';

/**
 * Combining the editor's labels of a file with what the working ledger knows of the same content. The ledger
 * also hears agents' hooks (with model and session) that the editor never sees, so where the two describe
 * the same text the ledger fills what the editor could not tell: an `untracked` line the ledger knows, and an
 * AI line whose model or session the hook named. A line the editor saw someone type or paste stays human.
 * Only meaningful when both label the same content (same line count); otherwise the editor's labels stand.
 */
export function mergeLedgerLabels(ours: readonly LineLabel[], ledger: readonly LineLabel[]): LineLabel[] {
  if (ours.length !== ledger.length) return [...ours];
  return ours.map((mine, i) => {
    const theirs = ledger[i];
    if (mine.kind === 'untracked') return theirs;
    if (mine.kind === 'ai' && theirs.kind === 'ai' && (mine.agent === theirs.agent || mine.agent === 'unknown'))
      return theirs;
    return mine;
  });
}

/** Whether merging changed anything (so callers skip a pointless engine update and redraw). */
export function sameLabels(a: readonly LineLabel[], b: readonly LineLabel[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (labelIdentity(a[i]) !== labelIdentity(b[i])) return false;
  return true;
}
