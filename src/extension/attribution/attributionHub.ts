import * as path from 'path';
import * as vscode from 'vscode';
import type { RepoAttribution } from './repoAttribution';
import type { RepositoryRegistry } from '../repositoryRegistry';

export interface FileLocation {
  repo: RepoAttribution;
  /** Repository-relative, forward slashes. */
  file: string;
}

/**
 * The editor's attribution across repositories: where a document's labels live (its repository's attribution,
 * which the Repository holds: src/extension/repository.ts), the event that a file's labels may have changed, and
 * the wait until every repository's queue has run dry. It keeps no repositories of its own: the registry does.
 */
export class AttributionHub implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<FileLocation>();
  /** A file's labels may have changed (fired after the queued work that changed them ran). */
  readonly onDidChangeLabels = this.changed.event;

  constructor(readonly repositories: RepositoryRegistry) {}

  /** Where a document or file belongs; undefined for non-file schemes, files outside any repository, and `.git/`/`node_modules/`. */
  locate(uri: vscode.Uri): FileLocation | undefined {
    if (uri.scheme !== 'file') return undefined;
    const loc = this.repositories.locate(uri.fsPath);
    return loc ? { repo: loc.repository.attribution(), file: loc.file } : undefined;
  }

  /** The attribution of the workspace folders' repositories (the ones offered hooks, traces, stats). */
  workspaceRepos(): RepoAttribution[] {
    return this.repositories.workspaceFolderRepositories().map((r) => r.attribution());
  }

  /** The repositories whose attribution has started. */
  all(): RepoAttribution[] {
    return this.repositories.all().flatMap((r) => r.attributionStarted ?? []);
  }

  /** The workspace folders' repositories and any other whose attribution has started, each once. */
  inUse(): RepoAttribution[] {
    return [...new Set([...this.workspaceRepos(), ...this.all()])];
  }

  fileUri(loc: FileLocation): vscode.Uri {
    return vscode.Uri.file(path.join(loc.repo.root, ...loc.file.split('/')));
  }

  fire(loc: FileLocation): void {
    this.changed.fire(loc);
  }

  /** Every repository's queue has run dry (tests wait on this before reading labels). */
  async idle(): Promise<void> {
    for (let round = 0; round < 3; round++) await Promise.all(this.all().map((s) => s.queue.idle()));
  }

  dispose(): void {
    this.changed.dispose();
  }
}
