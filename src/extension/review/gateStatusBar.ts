import * as vscode from 'vscode';
import { escapeMarkdown } from '../../core/marking/hoverText';
import type { GateTone } from '../../core/panel/gateStatus';
import type { PanelModel, RepoView } from '../../core/panel/protocol';
import type { ReviewService } from './reviewService';
import { Commands } from '../ids';
import { displaySha } from '../../core/shortSha';

/**
 * The gate's state for the current branch against its protected target — "2 commits need review",
 * "approved by Bo", "not protected" — as its own status bar item (the AI-share item beside it is the
 * editor's). Follows the repository of the active editor in a multi-root workspace; clicking opens the panel.
 */
const ICONS: Record<GateTone, string> = {
  blocked: '$(shield)',
  approved: '$(verified-filled)',
  clear: '$(pass)',
  unprotected: '$(unlock)',
  error: '$(error)',
  unknown: '$(shield)',
};

export class GateStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(service: ReviewService) {
    this.item = vscode.window.createStatusBarItem('countersign.gate', vscode.StatusBarAlignment.Left, 49);
    this.item.name = 'Countersign review gate';
    this.item.command = Commands.openReviewPanel;
    this.disposables.push(
      this.item,
      service.onDidChange((m) => this.render(m)),
      vscode.window.onDidChangeActiveTextEditor(() => this.render(service.model)),
    );
    this.render(service.model);
  }

  get text(): string | undefined {
    return this.item.text || undefined;
  }

  get tooltip(): string | undefined {
    const t = this.item.tooltip;
    return typeof t === 'string' ? t : t?.value;
  }

  private activeRepo(model: PanelModel): RepoView | undefined {
    const doc = vscode.window.activeTextEditor?.document.uri;
    if (doc?.scheme === 'file') {
      const owner = model.repos
        .filter(
          (r) => doc.fsPath === r.root || doc.fsPath.startsWith(r.root + '/') || doc.fsPath.startsWith(r.root + '\\'),
        )
        .sort((a, b) => b.root.length - a.root.length)[0];
      if (owner) return owner;
    }
    return model.repos.find((r) => r.developer) ?? model.repos[0];
  }

  private render(model: PanelModel): void {
    const repo = this.activeRepo(model);
    if (!repo || repo.state === 'noRemote' || repo.state === 'error') {
      this.item.hide();
      return;
    }
    const dev = repo.developer;
    const prefix = model.repos.length > 1 ? `${repo.name}: ` : '';
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = false;
    if (repo.state === 'noPolicy' || !dev) {
      this.item.text = `${ICONS.unprotected} ${prefix}not protected`;
      md.appendText(repo.message ?? 'No policy: nothing is protected.');
    } else if (repo.state === 'policyError') {
      this.item.text = `${ICONS.error} ${prefix}policy unreadable`;
      md.appendText(repo.message ?? 'The policy on the protected branch cannot be read.');
    } else {
      this.item.text = `${ICONS[dev.tone]} ${prefix}${dev.summary}`;
      md.appendMarkdown(
        `**Countersign** — ${escapeMarkdown(dev.branch ?? 'detached HEAD')} → ${escapeMarkdown(dev.target ?? '?')}\n\n`,
      );
      for (const c of dev.blocked.slice(0, 5)) md.appendText(`✗ ${displaySha(c.sha)} ${c.subject}\n`);
      if (dev.blocked.length > 5) md.appendText(`… and ${dev.blocked.length - 5} more\n`);
      for (const e of dev.errors.slice(0, 3)) md.appendText(`✗ ${e.split('\n')[0]}\n`);
    }
    if (repo.hooksWarning) {
      // Commits are no longer stamped: that outranks the gate's state, which is judged from the stamps.
      this.item.text = `$(warning) ${prefix}hooks off · ${this.item.text.replace(/^\$\([a-z-]+\) /, '').replace(prefix, '')}`;
      md.appendMarkdown('\n\n');
      md.appendText(`⚠ ${repo.hooksWarning}`);
    }
    md.appendMarkdown('\n\nClick to open the Countersign panel.');
    this.item.tooltip = md;
    this.item.backgroundColor =
      repo.hooksWarning || (repo.developer && !repo.developer.ok)
        ? new vscode.ThemeColor('statusBarItem.warningBackground')
        : undefined;
    this.item.show();
  }

  dispose(): void {
    for (const d of this.disposables.reverse()) d.dispose();
  }
}
