/**
 * Telling save participants' edits apart, after the fact. VS Code runs its own save participants (trim
 * whitespace, code actions on save, format on save, final newline) before the extension host's
 * `onWillSaveTextDocument`, so a formatter's edits reach an extension *before* the `willSave` that DESIGN
 * says they follow. The editor therefore holds back edits that no user action explains (no keyboard, mouse
 * or command selection change accompanied them) and, when `willSave` arrives, moves the trailing run of them
 * that led up to it without a pause behind the `willSave`: participants run back to back, while an edit
 * separated from the save by a pause (an agent's edit before an auto-save, an extension's edit a while ago)
 * predates the save.
 */

/** Longest pause between two participants' edits, or between the last of them and `willSave`. */
export const PARTICIPANT_MAX_GAP_MS = 1500;

/**
 * The index in `heldAt` (arrival times of held edits, ascending) from which the edits are save
 * participants; `heldAt.length` when none is. `maxGapMs` is shorter for auto-saves after a delay, whose
 * save starts exactly that delay after the last edit.
 */
export function participantsStart(heldAt: readonly number[], willSaveAt: number, maxGapMs = PARTICIPANT_MAX_GAP_MS): number {
  let next = willSaveAt;
  let i = heldAt.length;
  while (i > 0 && next - heldAt[i - 1] <= maxGapMs) {
    next = heldAt[i - 1];
    i--;
  }
  return i;
}

/** The gap to use for a save: for an auto-save after `autoSaveDelayMs`, edits that long before it predate it. */
export function participantGap(autoSaveAfterDelayMs: number | undefined): number {
  if (autoSaveAfterDelayMs === undefined) return PARTICIPANT_MAX_GAP_MS;
  return Math.max(50, Math.min(PARTICIPANT_MAX_GAP_MS, autoSaveAfterDelayMs - 100));
}
