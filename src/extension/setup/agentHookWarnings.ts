import * as path from 'path';
import * as vscode from 'vscode';
import { connectAgents } from '../lazyServices';
import { brokenAgentHooks, describeBrokenHook, type AgentHookState } from '../../core/agents/hookHealth';
import { errorMessage } from '../../core/errors';
import { agentHookStates, connectedLocally } from '../../git/connectedAgents';
import { resolveRepo } from '../../git/repository';

/**
 * Agents can edit their own settings: when the hooks `countersign agents connect` wrote are removed or
 * changed, that agent's edits become untracked. This watches the files connect writes and warns once per
 * problem (with "Reconnect"), and hands the current sentences to the status bar's tooltip.
 */
const HOOK_FILES_GLOB =
  '**/{.claude/settings.json,.codex/hooks.json,.gemini/settings.json,.cursor/hooks.json,.github/hooks/*.json,.kiro/hooks/*.kiro.hook}';

export class AgentHookWarnings implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly warned = new Set<string>();
  private broken: Array<{ root: string; state: AgentHookState }> = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly roots: () => string[],
    private readonly log: vscode.LogOutputChannel,
    private readonly cliPath: string,
    private readonly delayMs = 300,
  ) {}

  start(): void {
    const watcher = vscode.workspace.createFileSystemWatcher(HOOK_FILES_GLOB);
    const schedule = () => this.schedule();
    this.disposables.push(
      watcher,
      watcher.onDidChange(schedule),
      watcher.onDidCreate(schedule),
      watcher.onDidDelete(schedule),
      this.changed,
    );
    this.schedule();
  }

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.check();
    }, this.delayMs);
  }

  /** One sentence per agent whose hooks are broken, for tooltips and tests. */
  warnings(): string[] {
    return this.broken.map(
      ({ root, state }) => `${this.roots().length > 1 ? `${path.basename(root)}: ` : ''}${describeBrokenHook(state)}`,
    );
  }

  async check(): Promise<string[]> {
    const found: Array<{ root: string; state: AgentHookState }> = [];
    for (const root of this.roots()) {
      try {
        for (const state of brokenAgentHooks(agentHookStates(await resolveRepo(root)))) found.push({ root, state });
      } catch (e) {
        this.log.warn(`[agents] could not check agents' hooks in ${root}: ${errorMessage(e)}`);
      }
    }
    this.broken = found;
    this.changed.fire();
    for (const { root, state } of found) {
      const key = `${root}\0${state.agent}\0${state.status}\0${state.detail ?? ''}`;
      if (this.warned.has(key)) continue;
      this.warned.add(key);
      this.log.warn(`[agents] ${root}: ${describeBrokenHook(state)}`);
      void this.offerReconnect(root, state);
    }
    return this.warnings();
  }

  private async offerReconnect(root: string, state: AgentHookState): Promise<void> {
    const reconnect = 'Reconnect';
    const choice = await vscode.window.showWarningMessage(describeBrokenHook(state), reconnect);
    if (choice !== reconnect || !vscode.workspace.isTrusted) return;
    try {
      const local = connectedLocally(await resolveRepo(root), state.agent);
      await connectAgents(root, { agents: [state.agent], local, cliSource: this.cliPath });
      this.log.info(`[agents] reconnected ${state.agent} in ${root}`);
    } catch (e) {
      void vscode.window.showErrorMessage(`countersign agents connect ${state.agent}: ${errorMessage(e)}`);
    }
    this.schedule();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
