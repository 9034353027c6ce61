import * as path from 'path';
import * as vscode from 'vscode';
import { installCliLauncher, installHooks, uninstallHooks, uninstallSummary } from './lazyServices';
import { composeEditorAttribution, type AttributionApi } from './attribution/editorAttribution';
import { bundledCliPath } from './bundledCli';
import { Commands, type CommandId } from './ids';
import { composeReview, type ReviewApi } from './review/composeReview';
import { composeLineBlame, type BlameApi } from './blame/composeBlame';
import { registerTestHooks } from './testHooks';
import { RepositoryRegistry } from './repositoryRegistry';
import { repositoryCommands, type RepositoryQuestion } from './repositoryCommand';

/** Hands a command's handler to the entry (extension.ts), which registered every command at activation. */
export type CommandHandlers = (id: CommandId, handler: (...args: never[]) => unknown) => void;

export interface Services {
  disposables: vscode.Disposable[];
  /** The commands this composition gave a handler. */
  registeredCommands: CommandId[];
  /** Labels and redraws for integration tests (returned from activate()). */
  attribution: AttributionApi;
  /** The review panel's state, the gate's status bar item (integration tests). */
  review: ReviewApi;
  /** The current line's "AI blame" annotation (integration tests). */
  blame: BlameApi;
}

/**
 * Builds every service in one plain function (no container, no singletons). dist/extension-services.js: the
 * entry (extension.ts) loads it just after activate() returns, and registered the commands it hands over.
 */
export function compose(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  handlers: CommandHandlers,
): Services {
  const disposables: vscode.Disposable[] = [];
  const registeredCommands: CommandId[] = [];
  const command = (id: CommandId, handler: (...args: never[]) => unknown) => {
    handlers(id, handler);
    registeredCommands.push(id);
  };
  const cliPath = bundledCliPath(context);
  // Created first, disposed last: every part below follows its repositories' changes.
  const repositories = new RepositoryRegistry(log);
  disposables.push(repositories);
  const repoCommand = repositoryCommands(repositories, command);
  const workspaceRepo: RepositoryQuestion = {
    none: 'Countersign works on a folder with a git repository: open one first.',
  };

  command(Commands.showLog, () => log.show());
  // The hook offer passes the repository root; from the palette there is no argument and the user picks.
  repoCommand(
    Commands.installHooks,
    async (repo) => {
      const r = await installHooks(repo.root, {
        cliSource: cliPath,
        nodeBinary: process.execPath,
        nodeIsElectron: !!process.versions.electron,
      });
      log.info(`[hooks] installed in ${r.hooksDir}, chaining ${r.chainedDir}`);
      void vscode.window.showInformationMessage(
        `Countersign hooks installed in ${repo.name}; commits now carry provenance trailers.`,
      );
    },
    { ...workspaceRepo, untrusted: 'Countersign installs no hooks in an untrusted workspace. Trust the folder first.' },
  );
  repoCommand(
    Commands.uninstallHooks,
    async (repo) => {
      const r = await uninstallHooks(repo.root);
      log.info(`[hooks] uninstall in ${repo.root}: ${JSON.stringify(r.wasInstalled)}`);
      void vscode.window.showInformationMessage(uninstallSummary(r));
    },
    workspaceRepo,
  );
  // As VS Code puts `code` on PATH: the CLI shipped in this extension, copied to a stable place, and a launcher.
  command(Commands.installCommandLineTool, async () => {
    const r = installCliLauncher({
      cliSource: cliPath,
      fallbackNode: process.execPath,
      nodeIsElectron: !!process.versions.electron,
    });
    log.info(`[cli] launcher ${r.launcher} -> ${r.cliCopy}${r.onPath ? '' : ' (not on PATH)'}`);
    const copy = 'Copy PATH Line';
    const answer = await vscode.window.showInformationMessage(
      `Installed the \`countersign\` command: ${r.launcher}.${r.pathHint ? ` Its folder is not on PATH: ${r.pathHint}.` : ' Open a new terminal to use it.'} Run this command again after updating the extension.`,
      ...(r.pathHint ? [copy] : []),
    );
    if (answer === copy) await vscode.env.clipboard.writeText(`export PATH="${path.dirname(r.launcher)}:$PATH"`);
  });
  const editor = composeEditorAttribution(context, log, repositories, command);
  disposables.push(...editor.disposables);
  const review = composeReview(context, log, repositories, command);
  disposables.push(...review.disposables);
  const blame = composeLineBlame(log, repositories, command);
  disposables.push(...blame.disposables, ...registerTestHooks(log));
  return { disposables, registeredCommands, attribution: editor.api, review: review.api, blame: blame.api };
}
