import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import type { AttributionHub } from '../attribution/attributionHub';
import { Commands, StateKeys } from '../ids';
import { settings } from '../settings';

const INSTALL = 'Install Hooks';
const NEVER = 'Not for This Repository';

/**
 * On first use in a trusted workspace, offers once per repository to install the git hooks; the answer
 * (including closing the notification) is remembered in workspaceState so the question never repeats.
 * Never asks in an untrusted workspace — installing hooks there would let the repository run code — and
 * not when the hooks are already active.
 */
export async function offerHookInstall(
  state: vscode.Memento,
  repos: AttributionHub,
  log: vscode.LogOutputChannel,
): Promise<void> {
  if (!vscode.workspace.isTrusted || !settings.offerHookInstall()) return;
  for (const repo of repos.workspaceRepos()) {
    const key = StateKeys.hookOfferAnswer + repo.root;
    if (state.get<string>(key) !== undefined) continue;
    try {
      if ((await repo.repository.git.hooksActive()).active) continue;
    } catch (err) {
      log.warn(`[hooks] cannot tell whether hooks are installed in ${repo.root}: ${errorMessage(err)}`);
      continue;
    }
    const answer = await vscode.window.showInformationMessage(
      `Countersign can stamp AI provenance into every commit of ${repo.name} and check pushes to protected branches. Install its git hooks? (Existing hooks keep running.)`,
      INSTALL,
      NEVER,
    );
    await state.update(key, answer === INSTALL ? 'install' : answer === NEVER ? 'never' : 'dismissed');
    log.info(`[hooks] offer for ${repo.root}: ${answer ?? 'dismissed'}`);
    if (answer === INSTALL) await vscode.commands.executeCommand(Commands.installHooks, repo.root);
  }
}
