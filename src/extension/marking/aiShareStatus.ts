import * as path from 'path';
import * as vscode from 'vscode';
import {
  addCounts,
  aiPercent,
  countLabels,
  emptyCounts,
  shareSummary,
  type LineCounts,
} from '../../core/marking/aiShare';
import { uncommittedLines } from '../../core/marking/uncommittedLines';
import type { FileLocation, AttributionHub } from '../attribution/attributionHub';
import type { RepoAttribution } from '../attribution/repoAttribution';
import { Commands } from '../ids';
import type { RepositoryRegistry } from '../repositoryRegistry';

/**
 * The AI half of Countersign's status-bar item: "AI 42%" of the uncommitted lines of the active file (of its
 * repository when no file is active), with per-agent figures in the tooltip. Uncommitted means added or
 * changed since HEAD (a line diff against HEAD's blob, cached until a ref moves); in an untrusted workspace,
 * where Countersign runs no git, every labelled line counts. Clicking lists the files.
 */
export class AiShareStatus implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly heads = new Map<string, Promise<string | undefined>>();
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repos: AttributionHub,
    private readonly repositories: RepositoryRegistry,
    private readonly delayMs = 400,
    private readonly warnings: () => string[] = () => [],
  ) {
    this.item = vscode.window.createStatusBarItem('countersign.aiShare', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Countersign AI share';
    this.item.command = Commands.showAiShare;
  }

  start(): void {
    this.disposables.push(
      // HEAD moved: the cached HEAD blobs are stale (each session's repository is watched by the registry).
      this.repositories.onDidChange((c) => {
        if (c.kind !== 'refs') return;
        this.heads.clear();
        this.schedule();
      }),
      this.repos.onDidChangeLabels(() => this.schedule()),
      vscode.window.onDidChangeActiveTextEditor(() => this.schedule()),
    );
    this.schedule();
  }

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.update();
    }, this.delayMs);
  }

  /** The current text and tooltip (tests read these through the API). */
  get text(): string {
    return this.item.text;
  }

  get tooltip(): string {
    return typeof this.item.tooltip === 'string' ? this.item.tooltip : '';
  }

  async update(): Promise<void> {
    await this.repos.idle();
    const editor = vscode.window.activeTextEditor;
    const loc = editor ? this.repos.locate(editor.document.uri) : undefined;
    const repo = loc?.repo ?? this.repos.workspaceRepos()[0];
    if (!repo) {
      this.item.hide();
      return;
    }
    const fileCounts = loc ? await this.fileCounts(loc) : undefined;
    const repoCounts = await this.repoCounts(repo);
    const summary = shareSummary(
      loc && fileCounts ? { name: path.basename(loc.file), counts: fileCounts } : undefined,
      { name: repo.name, counts: repoCounts },
      this.warnings(),
    );
    this.item.text = `$(sparkle) ${summary.text}`;
    this.item.tooltip = `${summary.tooltip}\n\nClick for the files.`;
    this.item.show();
  }

  /** Counts of the uncommitted lines of one file. */
  async fileCounts(loc: FileLocation): Promise<LineCounts | undefined> {
    const text = loc.repo.engine.text(loc.file);
    if (text === undefined) return undefined;
    const labels = loc.repo.engine.labels(loc.file);
    if (!vscode.workspace.isTrusted) return countLabels(labels);
    const fresh = uncommittedLines(await this.head(loc.repo, loc.file), text);
    return countLabels(labels, undefined, (i) => fresh.has(i));
  }

  async repoCounts(repo: RepoAttribution): Promise<LineCounts> {
    let total = emptyCounts();
    for (const file of repo.engine.files()) {
      const s = repo.engine.stats(file);
      if (s.ai === 0 && s.human === 0) continue; // only untracked lines: nothing to count, no diff needed
      const c = await this.fileCounts({ repo, file });
      if (c) total = addCounts(total, { ...c, untracked: 0 });
    }
    return total;
  }

  /** Quick pick of the files with uncommitted written lines, AI share first. */
  async show(): Promise<void> {
    const items: Array<vscode.QuickPickItem & { uri?: vscode.Uri }> = [];
    for (const repo of this.repos.all()) {
      for (const file of repo.engine.files().sort()) {
        const s = repo.engine.stats(file);
        if (s.ai === 0 && s.human === 0) continue;
        const c = await this.fileCounts({ repo, file });
        if (!c || c.ai + c.human === 0) continue;
        const agents = Object.entries(c.byAgent)
          .map(([a, n]) => `${a} ${n}`)
          .join(', ');
        items.push({
          label: `${aiPercent(c) ?? 0}% AI  ${file}`,
          description: `${c.ai} AI, ${c.human} human${agents ? ` — ${agents}` : ''}`,
          detail: this.repos.all().length > 1 ? repo.name : undefined,
          uri: this.repos.fileUri({ repo, file }),
        });
      }
    }
    if (items.length === 0) {
      void vscode.window.showInformationMessage('No uncommitted lines written since Countersign started watching.');
      return;
    }
    const pick = await vscode.window.showQuickPick(items, {
      placeHolder: 'AI share of uncommitted lines, per file',
      matchOnDescription: true,
    });
    if (pick?.uri) await vscode.window.showTextDocument(pick.uri);
  }

  private head(repo: RepoAttribution, file: string): Promise<string | undefined> {
    const key = `${repo.root}\0${file}`;
    let p = this.heads.get(key);
    if (!p) {
      p = repo.headContent(file);
      this.heads.set(key, p);
    }
    return p;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
    this.item.dispose();
  }
}
