import * as path from 'path';
import * as vscode from 'vscode';
import type { CommandId } from './ids';
import type { Repository } from './repository';
import type { RepositoryRegistry } from './repositoryRegistry';

/** Gives a command id its handler (composition.ts hands it to the entry, which registered the id). */
export type CommandRegistrar = (id: CommandId, handler: (...args: never[]) => unknown) => void;

/** How a command that acts on one repository finds it when its caller did not name one. */
export interface RepositoryQuestion {
  /** Said when there is no candidate. */
  none: string;
  placeHolder?: string;
  /** The candidates; by default the workspace folders' repositories (which runs git: trusted workspaces). */
  candidates?: () => Promise<readonly Repository[]> | readonly Repository[];
  /** When set, the command is refused in an untrusted workspace with this sentence, before anything runs. */
  untrusted?: string;
  /** Where a caller names the repository in the arguments; by default `namedRoot` of the first. */
  named?: (args: readonly unknown[]) => string | undefined;
}

/** A command acting on one repository: its handler gets the repository, then the command's own arguments. */
export type RepositoryCommandRegistrar = (
  id: CommandId,
  handler: (repo: Repository, ...args: never[]) => unknown,
  question: RepositoryQuestion,
) => void;

/** The root a caller named: a path (the hook offer, the walkthrough, another command) or `{ repo }` (the panel). */
export function namedRoot(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg || undefined;
  if (arg && typeof arg === 'object' && 'repo' in arg) {
    const repo = (arg as { repo?: unknown }).repo;
    if (typeof repo === 'string' && repo) return repo;
  }
  return undefined;
}

/**
 * Repository resolution, done once for every command (as vscode's git extension does in its command wrapper):
 * the repository the caller named; else the only candidate; else the one holding the active editor's file;
 * else the user's pick. The handler runs only with a repository.
 */
export function repositoryCommands(
  repositories: RepositoryRegistry,
  command: CommandRegistrar,
): RepositoryCommandRegistrar {
  return (id, handler, question) =>
    command(id, async (...args: unknown[]) => {
      if (question.untrusted && !vscode.workspace.isTrusted) {
        void vscode.window.showWarningMessage(question.untrusted);
        return undefined;
      }
      const named = question.named ? question.named(args) : namedRoot(args[0]);
      const repo = named ? repositories.openContaining(named) : await ask(repositories, question);
      if (!repo) return undefined;
      return (handler as (r: Repository, ...a: unknown[]) => unknown)(repo, ...args);
    });
}

/** The one repository picker: the only candidate; else the innermost holding the active editor's file; else ask. */
async function ask(repositories: RepositoryRegistry, question: RepositoryQuestion): Promise<Repository | undefined> {
  const candidates = await (question.candidates?.() ?? repositories.workspaceRepositories());
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(question.none);
    return undefined;
  }
  if (candidates.length === 1) return candidates[0];
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.scheme === 'file') {
    const file = active.fsPath;
    const owner = candidates
      .filter((c) => file.startsWith(c.root + path.sep))
      .sort((a, b) => b.root.length - a.root.length)[0];
    if (owner) return owner;
  }
  const pick = await vscode.window.showQuickPick(
    candidates.map((repo) => ({ label: repo.name, description: repo.root, repo })),
    { placeHolder: question.placeHolder ?? 'Which repository?' },
  );
  return pick?.repo;
}
