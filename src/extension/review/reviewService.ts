import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import type { PanelModel, RepoView } from '../../core/panel/protocol';
import type { RepoSnapshot } from '../../core/panel/viewModel';
import { fetchForReview, repoSnapshot, repoView } from '../lazyServices';
import type { Repository } from '../repository';
import type { RepositoryRegistry } from '../repositoryRegistry';

/**
 * The review state of every repository in the workspace, recomputed with the gate's own code when git's
 * state changes (refs, HEAD, fetched notes, config, the policy file: the registry's watcher; debounced) or when
 * asked. One
 * refresh runs at a time; asks that arrive meanwhile coalesce into one more run. In an untrusted
 * workspace nothing runs (git could execute repository-configured programs).
 */
export class ReviewService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<PanelModel>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private current: PanelModel = { empty: 'loading', repos: [], updated: new Date(0).toISOString() };
  private running: Promise<PanelModel> | undefined;
  private again: { fetch: boolean } | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly repositories: RepositoryRegistry,
    private readonly delayMs = 400,
  ) {}

  start(): void {
    this.disposables.push(
      // Any change (refs, a fetch, config, the policy file) of a repository the panel shows, or before it
      // shows any.
      this.repositories.onDidChange((c) => {
        if (this.current.repos.length === 0 || this.repo(c.repository.root)) this.schedule();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.schedule()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.schedule()),
    );
    this.schedule();
  }

  get model(): PanelModel {
    return this.current;
  }

  /** The gathered snapshot of a repository (the actions need the gate input behind the view). */
  snapshot(root: string): RepoSnapshot | undefined {
    return this.repositories.find(root)?.reviewSnapshot;
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

  /**
   * Recomputes everything; with `fetch`, shows what the clone has first, then fetches each remote's branches
   * and notes (bounded time) and shows the answer after the fetch, which the returned model is.
   */
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

  private async workspaceRepos(): Promise<Repository[] | 'noFolder' | 'notGit'> {
    const folders = vscode.workspace.workspaceFolders?.filter((f) => f.uri.scheme === 'file') ?? [];
    if (folders.length === 0) return 'noFolder';
    const repos = await this.repositories.workspaceRepositories();
    return repos.length > 0 ? repos : 'notGit';
  }

  private async compute(opts: { fetch: boolean }): Promise<PanelModel> {
    const started = Date.now();
    let model: PanelModel;
    if (!vscode.workspace.isTrusted) {
      model = { empty: 'untrusted', repos: [], updated: new Date().toISOString() };
    } else {
      const found = await this.workspaceRepos();
      if (typeof found === 'string') {
        model = { empty: found, repos: [], updated: new Date().toISOString() };
      } else {
        if (opts.fetch) {
          // What this clone already has, at once: a fetch takes a network round trip or more (up to its 20 s
          // bound), and a refresh used to show nothing new until it ended. The answer after it follows.
          try {
            this.publish(await this.judge(found), started, ' (before the fetch)');
          } catch (e) {
            this.log.debug(`[review] the answer before the fetch failed: ${errorMessage(e)}`);
          }
          for (const repo of found) await this.fetch(repo);
        }
        model = await this.judge(found);
      }
    }
    this.publish(model, started, opts.fetch ? ' (with fetch)' : '');
    return model;
  }

  /** Every repository's snapshot, judged by the gate's own code, as the panel's model. */
  private async judge(found: Repository[]): Promise<PanelModel> {
    const repos: RepoView[] = [];
    for (const repo of found) {
      repo.reviewSnapshot = await repoSnapshot(repo.root);
      repos.push(repoView(repo.reviewSnapshot));
    }
    return { repos, updated: new Date().toISOString() };
  }

  private publish(model: PanelModel, started: number, how: string): void {
    this.log.debug(
      `[review] refreshed in ${Date.now() - started} ms${how}: ${model.empty ?? model.repos.map((r) => `${r.name} ${r.state}, ${r.review.reduce((n, b) => n + b.commits.length, 0)} to review`).join('; ')}`,
    );
    this.current = model;
    this.changed.fire(model);
  }

  private async fetch(repo: Repository): Promise<void> {
    const remotes = await repo.git.remotes();
    for (const remote of remotes) {
      try {
        await fetchForReview(repo.root, remote, 20_000);
      } catch (e) {
        this.log.warn(`[review] could not fetch ${remote} in ${repo.root}: ${errorMessage(e)}`);
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
