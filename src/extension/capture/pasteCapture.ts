import * as vscode from 'vscode';

/**
 * Hears pastes at the source: a DocumentPasteEditProvider is asked for every paste into a file and is handed
 * the pasted text, before the paste's edit reaches the document. It adds no edit of its own (so VS Code's
 * default paste applies unchanged); it only reports the text, which becomes the `clipboard` observation that
 * makes the following edit a paste. Reading `env.clipboard` after the fact (DocumentCapture) covers pastes
 * that bypass providers, e.g. `editor.action.clipboardPasteAction` in some hosts.
 */
export function registerPasteCapture(
  onPaste: (document: vscode.TextDocument, text: string) => void,
): vscode.Disposable {
  const provider: vscode.DocumentPasteEditProvider = {
    async provideDocumentPasteEdits(document, _ranges, dataTransfer) {
      const item = dataTransfer.get('text/plain');
      if (item) {
        const text = await item.asString();
        if (text.length > 0) onPaste(document, text);
      }
      return undefined;
    },
  };
  return vscode.languages.registerDocumentPasteEditProvider({ scheme: 'file' }, provider, {
    providedPasteEditKinds: [vscode.DocumentDropOrPasteEditKind.Text.append('countersign')],
    pasteMimeTypes: ['text/plain'],
  });
}
