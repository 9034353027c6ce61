import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import type { PanelModel, RepoView } from '../../core/panel/protocol';
import { repoView, type RepoSnapshot } from '../../core/panel/viewModel';
import { GitRepository } from '../../git/gitRepository';
import { fetchForReview, repoSnapshot } from '../../app/reviewSnapshot';
import { workspaceRepositories } from '../workspaceRepos';

/**
 * The review state of every repository in the workspace, recomputed with the gate's own code when git's
 * state changes (refs, HEAD, fetched notes, config, the policy file; debounced) or when asked. One
 * refresh runs at a time; asks that arrive meanwhile coalesce into one more run. In an untrusted
 * workspace nothing runs (git could execute repository-configured programs).
 */
export class ReviewService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<PanelModel>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private current: PanelModel = { empty: 'loading', repos: [], updated: new Date(0).toISOString() };
  private readonly snapshots = new Map<string, RepoSnapshot>();
  private running: Promise<PanelModel> | undefined;
  private again: { fetch: boolean } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private roots: string[] = [];

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly delayMs = 400,
  ) {}

  start(): void {
    const watcher = vscode.workspace.createFileSystemWatcher('**/.git/{HEAD,FETCH_HEAD,packed-refs,config,refs/**}');
    const policy = vscode.workspace.createFileSystemWatcher('**/.countersign.json');
    const soon = () => this.schedule();
    this.disposables.push(
      watcher,
      watcher.onDidChange(soon),
      watcher.onDidCreate(soon),
      watcher.onDidDelete(soon),
      policy,
      policy.onDidChange(soon),
      policy.onDidCreate(soon),
      policy.onDidDelete(soon),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.roots = [];
        this.schedule();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.schedule()),
    );
    this.schedule();
  }

  get model(): PanelModel {
    return this.current;
  }

  /** The gathered snapshot of a repository (the actions need the gate input behind the view). */
  snapshot(root: string): RepoSnapshot | undefined {
    return this.snapshots.get(root);
  }

  repo(root: string): RepoView | undefined {
    return this.current.repos.find((r) => r.root === root);
  }

  /** A git state change: refresh after a quiet moment, so a burst of ref updates costs one run. */
  schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh({ fetch: false }).catch((e: unknown) =>
        this.log.error(`[review] refresh failed: ${errorMessage(e)}`),
      );
    }, this.delayMs);
  }

  /** Recomputes everything; with `fetch`, first fetches each remote's branches and notes (bounded time). */
  refresh(opts: { fetch: boolean }): Promise<PanelModel> {
    if (this.running) {
      this.again = { fetch: (this.again?.fetch ?? false) || opts.fetch };
      return this.running.then(() => this.running ?? this.current);
    }
    const run = this.compute(opts).finally(() => {
      this.running = undefined;
      const next = this.again;
      this.again = undefined;
      if (next) void this.refresh(next);
    });
    this.running = run;
    return run;
  }

  private async workspaceRoots(): Promise<string[] | 'noFolder' | 'notGit'> {
    const folders = vscode.workspace.workspaceFolders?.filter((f) => f.uri.scheme === 'file') ?? [];
    if (folders.length === 0) return 'noFolder';
    if (this.roots.length === 0) this.roots = (await workspaceRepositories()).map((r) => r.root);
    return this.roots.length > 0 ? this.roots : 'notGit';
  }

  private async compute(opts: { fetch: boolean }): Promise<PanelModel> {
    const started = Date.now();
    let model: PanelModel;
    if (!vscode.workspace.isTrusted) {
      model = { empty: 'untrusted', repos: [], updated: new Date().toISOString() };
    } else {
      const roots = await this.workspaceRoots();
      if (typeof roots === 'string') {
        model = { empty: roots, repos: [], updated: new Date().toISOString() };
      } else {
        const repos: RepoView[] = [];
        for (const root of roots) {
          if (opts.fetch) await this.fetch(root);
          const s = await repoSnapshot(root);
          this.snapshots.set(root, s);
          repos.push(repoView(s));
        }
        model = { repos, updated: new Date().toISOString() };
      }
    }
    this.log.debug(
      `[review] refreshed in ${Date.now() - started} ms${opts.fetch ? ' (with fetch)' : ''}: ${model.empty ?? model.repos.map((r) => `${r.name} ${r.state}, ${r.review.reduce((n, b) => n + b.commits.length, 0)} to review`).join('; ')}`,
    );
    this.current = model;
    this.changed.fire(model);
    return model;
  }

  private async fetch(root: string): Promise<void> {
    const remotes = await new GitRepository(root).remotes();
    for (const remote of remotes) {
      try {
        await fetchForReview(root, remote, 20_000);
      } catch (e) {
        this.log.warn(`[review] could not fetch ${remote} in ${root}: ${errorMessage(e)}`);
        void vscode.window.showWarningMessage(
          `Countersign could not fetch ${remote}: ${errorMessage(e)}. Showing what this clone already has.`,
        );
      }
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables.reverse()) d.dispose();
  }
}
