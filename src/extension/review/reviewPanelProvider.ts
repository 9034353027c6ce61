import * as vscode from 'vscode';
import {
  actionKey,
  parseWebviewMessage,
  type HostMessage,
  type PanelCommand,
  type WebviewMessage,
} from '../../core/panel/protocol';
import { Commands, type CommandId } from '../ids';
import type { ReviewService } from './reviewService';
import { reviewPanelHtml, webviewRoots } from './webviewHtml';

/**
 * The Countersign activity-bar view: a webview that renders the review model and sends back what the
 * person clicked. Nothing is posted before the page says `ready` (a message sent earlier would be lost);
 * every incoming message is validated against the shared protocol, and an invalid one is logged and
 * ignored. Each action runs the same registered command the palette runs, so errors surface through the
 * one command wrapper (commandRegistry.ts) with a "Show Log" button.
 */
const PANEL_COMMANDS: Record<PanelCommand, CommandId | string> = {
  createPolicy: Commands.createPolicy,
  editPolicy: Commands.editPolicy,
  setSigningKey: Commands.setSigningKey,
  installHooks: Commands.installHooks,
  showLog: Commands.showLog,
  openReport: Commands.openReport,
  manageTrust: 'workbench.trust.manage',
};

export class ReviewPanelProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private busy: string | null = null;
  private readonly disposables: vscode.Disposable[] = [];
  /** Messages received, valid or not (integration tests count them). */
  received = 0;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly service: ReviewService,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(service.onDidChange(() => this.postState()));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    view.webview.options = { enableScripts: true, localResourceRoots: webviewRoots(this.extensionUri) };
    view.webview.html = reviewPanelHtml(view.webview, this.extensionUri);
    this.disposables.push(
      view.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)),
      view.onDidChangeVisibility(() => {
        if (view.visible) this.postState();
      }),
      view.onDidDispose(() => {
        if (this.view === view) {
          this.view = undefined;
          this.ready = false;
        }
      }),
    );
  }

  get isReady(): boolean {
    return this.ready && this.view !== undefined;
  }

  private post(message: HostMessage): void {
    if (!this.view || !this.ready) return;
    void this.view.webview.postMessage(message);
  }

  private postState(): void {
    this.post({ type: 'state', model: this.service.model });
    this.post({ type: 'busy', key: this.busy });
  }

  private async receive(raw: unknown): Promise<void> {
    this.received++;
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.log.warn(`[panel] ignored: ${parsed.error}`);
      return;
    }
    const m = parsed.message;
    if (m.type === 'ready') {
      this.ready = true;
      this.postState();
      return;
    }
    await this.act(m);
  }

  private async act(m: Exclude<WebviewMessage, { type: 'ready' }>): Promise<void> {
    switch (m.type) {
      case 'refresh':
        return this.running(actionKey('refresh'), 'Refreshing…', () =>
          vscode.commands.executeCommand(Commands.refreshReview, { fetch: m.fetch }),
        );
      case 'openDiff':
        return this.running(actionKey('openDiff', m.sha), 'Opening the diff…', () =>
          vscode.commands.executeCommand(Commands.openCommitDiff, { repo: m.repo, sha: m.sha, path: m.path }),
        );
      case 'approve':
        return this.running(actionKey('approve', m.sha), 'Signing the approval…', () =>
          vscode.commands.executeCommand(Commands.approveCommit, { repo: m.repo, sha: m.sha, base: m.base }),
        );
      case 'requestChanges':
        return this.running(actionKey('requestChanges', m.sha), 'Signing the change request…', () =>
          vscode.commands.executeCommand(Commands.requestChanges, {
            repo: m.repo,
            sha: m.sha,
            base: m.base,
            comment: m.comment,
          }),
        );
      case 'explain':
        return void (await vscode.commands.executeCommand(Commands.explainCommit, { repo: m.repo, sha: m.sha }));
      case 'requestReview':
        return this.running(actionKey('requestReview'), 'Preparing the review request…', () =>
          vscode.commands.executeCommand(Commands.requestReview, { repo: m.repo }),
        );
      case 'command':
        return void (await vscode.commands.executeCommand(PANEL_COMMANDS[m.command], ...(m.repo ? [m.repo] : [])));
      case 'copyApproveCommand': {
        const command = this.service.model.repos.find((r) => r.root === m.repo)?.developer?.approveCommand;
        if (!command) return;
        await vscode.env.clipboard.writeText(command);
        this.post({
          type: 'notice',
          level: 'info',
          text: 'Copied the approve command: the reviewer runs it in their clone.',
        });
        return;
      }
    }
  }

  private async running(key: string, label: string, body: () => Thenable<unknown>): Promise<void> {
    this.busy = key;
    this.post({ type: 'busy', key, label });
    try {
      await body();
    } finally {
      this.busy = null;
      this.post({ type: 'busy', key: null });
    }
  }

  dispose(): void {
    for (const d of this.disposables.reverse()) d.dispose();
  }
}
