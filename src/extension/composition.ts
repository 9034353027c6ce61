import * as path from 'path';
import * as vscode from 'vscode';
import { install, uninstall } from '../git/hookInstaller';
import { defaultInstallConfig } from '../git/notesConfig';
import { registerCommand } from './commandRegistry';
import { Commands, type CommandId } from './ids';
import { pickRepositoryFolder } from './workspaceRepos';

export interface Services {
  disposables: vscode.Disposable[];
  registeredCommands: CommandId[];
}

/** Builds every service in one plain function (no container, no singletons). */
export function compose(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): Services {
  const disposables: vscode.Disposable[] = [];
  const registeredCommands: CommandId[] = [];
  const command = (id: CommandId, handler: (...args: never[]) => unknown) => {
    disposables.push(registerCommand(log, id, handler));
    registeredCommands.push(id);
  };
  const cliPath = path.join(context.extensionPath, 'dist', 'cli.js');

  command(Commands.showLog, () => log.show());
  command(Commands.installHooks, async () => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Countersign installs no hooks in an untrusted workspace. Trust the folder first.');
      return;
    }
    const folder = await pickRepositoryFolder();
    if (!folder) return;
    const r = await install(folder, { cliSource: cliPath, nodeBinary: process.execPath, nodeIsElectron: !!process.versions.electron, config: defaultInstallConfig() });
    log.info(`[hooks] installed in ${r.hooksDir}, chaining ${r.chainedDir}`);
    void vscode.window.showInformationMessage(`Countersign hooks installed in ${path.basename(folder)}; commits now carry provenance trailers.`);
  });
  command(Commands.uninstallHooks, async () => {
    const folder = await pickRepositoryFolder();
    if (!folder) return;
    const r = await uninstall(folder);
    log.info(`[hooks] uninstall in ${folder}: ${JSON.stringify(r.wasInstalled)}`);
    void vscode.window.showInformationMessage(r.wasInstalled ? 'Countersign hooks removed; the previous hooks are active again.' : 'Countersign hooks were not installed in this repository.');
  });
  return { disposables, registeredCommands };
}
