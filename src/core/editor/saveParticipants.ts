/**
 * Telling save participants' edits apart by what VS Code says, not by time. VS Code runs its own save
 * participants (trim trailing whitespace, code actions on save, format on save, insert final newline, trim
 * final newlines) *before* the extension host's `onWillSaveTextDocument`, so their edits reach an extension
 * before the `willSave` that DESIGN says they follow. Which of them run is fixed by the file's settings and
 * the save's reason (verified in VS Code 1.100's saveParticipants.ts: format and code actions on save skip
 * auto-saves after a delay; "explicit" code actions run for manual saves only). Each makes at most one edit,
 * and each edit bumps the document's version by one. So when `willSave` comes with version V, the edits no
 * user action explains that carry versions V, V-1, ... — no more of them than participants ran — are
 * participants; anything earlier, or anything when no participant can edit the file, is an ordinary edit.
 * Edits arriving after `willSave` and before the save (other extensions' `onWillSaveTextDocument` edits)
 * are participants by their place in the stream alone.
 */

/** Why VS Code saves (vscode.TextDocumentSaveReason). */
export type SaveReasonKind = 'manual' | 'afterDelay' | 'focusOut';

/** The settings that decide which of VS Code's own save participants run for one document (its language's values). */
export interface SaveParticipantSettings {
  trimTrailingWhitespace: boolean;
  insertFinalNewline: boolean;
  trimFinalNewlines: boolean;
  formatOnSave: boolean;
  /** `editor.codeActionsOnSave`: an array of kinds (manual saves only) or kind -> true/"explicit"/"always"/"never"/false. */
  codeActionsOnSave: unknown;
}

/** How many edits VS Code's own participants may make to the document before `willSave` for a save of this reason. */
export function participantEditBudget(s: SaveParticipantSettings, reason: SaveReasonKind): number {
  let n = 0;
  if (s.trimTrailingWhitespace) n++;
  if (s.insertFinalNewline) n++;
  if (s.trimFinalNewlines) n++;
  if (reason === 'afterDelay') return n;
  if (s.formatOnSave) n++;
  return n + codeActionKinds(s.codeActionsOnSave, reason);
}

/** The most edits any save of this document could start with (a manual save runs every participant). */
export function maxParticipantEdits(s: SaveParticipantSettings): number {
  return participantEditBudget(s, 'manual');
}

function codeActionKinds(v: unknown, reason: SaveReasonKind): number {
  if (Array.isArray(v)) return reason === 'manual' ? v.length : 0;
  if (typeof v !== 'object' || v === null) return 0;
  return Object.values(v as Record<string, unknown>).filter(
    (x) => x === 'always' || (reason === 'manual' && (x === true || x === 'explicit')),
  ).length;
}

/**
 * The index in `heldVersions` (document versions of the held edits, ascending) from which they are save
 * participants, for a `willSave` that saw the document at `versionAtWillSave`: the trailing edits whose
 * versions lead up to it one by one, at most `budget` of them. `heldVersions.length` when none is.
 */
export function participantsStart(heldVersions: readonly number[], versionAtWillSave: number, budget: number): number {
  let i = heldVersions.length;
  let expected = versionAtWillSave;
  while (i > 0 && heldVersions.length - i < budget && heldVersions[i - 1] === expected) {
    expected--;
    i--;
  }
  return i;
}
