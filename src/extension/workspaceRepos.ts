import * as path from 'path';
import * as vscode from 'vscode';
import type { RepositoryRegistry } from './repositoryRegistry';

/** A repository a command may act on. */
export interface RepoChoice {
  root: string;
  name: string;
}

/**
 * The one way a command picks its repository: the only candidate; else the one holding the active editor's
 * file (the innermost, for nested repositories); else the user's pick. With no candidate it says `none` and
 * answers undefined.
 */
export async function pickRepository(
  candidates: readonly RepoChoice[],
  opts: { none: string; placeHolder?: string },
): Promise<string | undefined> {
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(opts.none);
    return undefined;
  }
  if (candidates.length === 1) return candidates[0].root;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.scheme === 'file') {
    const file = active.fsPath;
    const owner = candidates
      .filter((c) => file.startsWith(c.root + path.sep))
      .sort((a, b) => b.root.length - a.root.length)[0];
    if (owner) return owner.root;
  }
  const pick = await vscode.window.showQuickPick(
    candidates.map((c) => ({ label: c.name, description: c.root, root: c.root })),
    { placeHolder: opts.placeHolder ?? 'Which repository?' },
  );
  return pick?.root;
}

/** The repository a workspace-level command (install hooks, set up the policy) acts on. */
export async function pickRepositoryFolder(repositories: RepositoryRegistry): Promise<string | undefined> {
  return pickRepository(await repositories.workspaceRepositories(), {
    none: 'Countersign works on a folder with a git repository: open one first.',
  });
}
