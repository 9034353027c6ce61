import * as vscode from 'vscode';
import type { Observation } from '../../core/attribution/observations';
import type { AttributionHub } from '../attribution/attributionHub';
import { settings } from '../settings';

/**
 * Integrated-terminal commands -> `terminal` start/end, through shell integration (VS Code injects it into
 * bash, zsh, fish and PowerShell; a terminal without it reports nothing, and then a terminal agent's writes
 * count as unexplained disk writes). A command is not tied to a repository — an agent started in one folder
 * may write in another — so every repository's engine hears it, and its working ledger too, so that
 * `countersign status` and the commit hook know a terminal agent was running. Which programs are agents is
 * the engine's business (docs/design.md's table); the command line is passed as the shell reported it.
 *
 * VS Code reports no end for a command still running when its terminal is closed (the shell is killed with
 * it), so the commands running in each terminal are kept and ended when it closes: otherwise an agent whose
 * terminal was closed would be credited with every later write.
 */
export function registerTerminalCapture(repos: AttributionHub, log: vscode.LogOutputChannel): vscode.Disposable {
  const running = new Map<vscode.TerminalShellExecution, vscode.Terminal>();
  const emit = (command: string, state: 'start' | 'end') => {
    if (!settings.captureEnabled() || command.trim().length === 0) return;
    const obs: Observation = { type: 'terminal', command, state };
    log.trace(`[capture] terminal ${state}: ${command}`);
    for (const repo of repos.inUse()) {
      repo.queue.push(async () => {
        repo.session.observe(obs);
        await repo.ledgerRecord(obs);
      });
    }
  };
  const closed = (terminal: vscode.Terminal) => {
    for (const [execution, owner] of running) {
      if (owner !== terminal) continue;
      running.delete(execution);
      emit(execution.commandLine.value, 'end');
    }
  };
  return vscode.Disposable.from(
    vscode.window.onDidStartTerminalShellExecution((e) => {
      running.set(e.execution, e.terminal);
      emit(e.execution.commandLine.value, 'start');
    }),
    vscode.window.onDidEndTerminalShellExecution((e) => {
      running.delete(e.execution);
      emit(e.execution.commandLine.value, 'end');
    }),
    vscode.window.onDidCloseTerminal(closed),
  );
}
