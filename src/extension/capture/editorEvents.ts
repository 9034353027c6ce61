import * as vscode from 'vscode';
import type { SaveParticipantSettings, SaveReasonKind } from '../../core/editor/saveParticipants';

/** What the capture reads off VS Code's events and settings, as plain facts for its decisions. */

/** The settings of `doc`'s language and folder that decide which of VS Code's own save participants run. */
export function participantSettings(doc: vscode.TextDocument): SaveParticipantSettings {
  const files = vscode.workspace.getConfiguration('files', doc);
  const editor = vscode.workspace.getConfiguration('editor', doc);
  return {
    trimTrailingWhitespace: files.get<boolean>('trimTrailingWhitespace', false),
    insertFinalNewline: files.get<boolean>('insertFinalNewline', false),
    trimFinalNewlines: files.get<boolean>('trimFinalNewlines', false),
    formatOnSave: editor.get<boolean>('formatOnSave', false),
    codeActionsOnSave: editor.get<unknown>('codeActionsOnSave', {}),
  };
}

export function saveReasonKind(reason: vscode.TextDocumentSaveReason): SaveReasonKind {
  if (reason === vscode.TextDocumentSaveReason.AfterDelay) return 'afterDelay';
  if (reason === vscode.TextDocumentSaveReason.FocusOut) return 'focusOut';
  return 'manual';
}

/**
 * The end of each change's inserted text, in the changed document's positions: where typing leaves the
 * cursor. Exact for one change (a keystroke, a paste); for several, each is shifted by the changes above it.
 */
export function cursorsAfter(changes: readonly vscode.TextDocumentContentChangeEvent[]): vscode.Position[] {
  const sorted = [...changes].sort((a, b) => a.rangeOffset - b.rangeOffset);
  let lineShift = 0;
  return sorted.map((c) => {
    const lines = c.text.split('\n');
    const startLine = c.range.start.line + lineShift;
    lineShift += lines.length - 1 - (c.range.end.line - c.range.start.line);
    const last = lines[lines.length - 1];
    return lines.length === 1
      ? new vscode.Position(startLine, c.range.start.character + last.length)
      : new vscode.Position(startLine + lines.length - 1, last.length);
  });
}

export async function diskEquals(uri: vscode.Uri, text: string): Promise<boolean> {
  try {
    return Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8') === text;
  } catch {
    return false;
  }
}
