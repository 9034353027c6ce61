import * as vscode from 'vscode';

/** The workspace folder a command acts on: the only one, the active editor's, or the user's pick (multi-root). */
export async function pickRepositoryFolder(): Promise<string | undefined> {
  const folders = vscode.workspace.workspaceFolders?.filter((f) => f.uri.scheme === 'file') ?? [];
  if (folders.length === 0) {
    void vscode.window.showInformationMessage('Countersign works on a folder with a git repository: open one first.');
    return undefined;
  }
  if (folders.length === 1) return folders[0].uri.fsPath;
  const active = vscode.window.activeTextEditor?.document.uri;
  const owner = active && vscode.workspace.getWorkspaceFolder(active);
  if (owner) return owner.uri.fsPath;
  const pick = await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Which repository?' });
  return pick?.uri.fsPath;
}
