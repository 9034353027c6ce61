import * as vscode from 'vscode';

/**
 * Countersign's own Tab binding for inline suggestions (package.json keybindings, `when:
 * inlineSuggestionVisible …`): marks the active document so that the edit the commit produces is recorded
 * after an `inlineAccept` observation, then runs VS Code's own `editor.action.inlineSuggest.commit`.
 * The `inlineAccept` is emitted only when an edit really follows — a Tab that commits nothing must not make
 * the next typed key AI-written. The 1.100 API does not say which extension provided the suggestion, so the
 * agent is left out and the engine names it `inline-completion`.
 */
export class InlineAcceptCapture {
  /** Document URI -> time the accept ran; the next edit of that document within the window is the completion. */
  private readonly pending = new Map<string, number>();

  constructor(private readonly windowMs = 1000) {}

  async accept(): Promise<void> {
    const doc = vscode.window.activeTextEditor?.document;
    const key = doc?.uri.toString();
    if (key) this.pending.set(key, Date.now());
    const version = doc?.version;
    try {
      await vscode.commands.executeCommand('editor.action.inlineSuggest.commit');
    } finally {
      // Normally the edit's change event arrives before the command's result. If nothing changed, the Tab
      // committed nothing: forget it. Otherwise keep the mark briefly, in case the event is still on its way.
      if (key && doc && doc.version === version) this.pending.delete(key);
    }
  }

  /** Called for each change event: whether this edit is the accepted completion (uses the mark up). */
  take(uri: vscode.Uri): boolean {
    const key = uri.toString();
    const at = this.pending.get(key);
    if (at === undefined) return false;
    this.pending.delete(key);
    return Date.now() - at <= this.windowMs;
  }
}
