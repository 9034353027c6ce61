import * as path from 'path';
import * as vscode from 'vscode';
import { classifyChange, gitDirsOf, watchPatterns, type GitDirs, type GitStateChange } from '../git/gitDirs';
import { GitRepository } from '../git/gitRepository';
import { isIgnoredPath, repoRelative, WorkTreeRoots } from '../git/workTreeRoot';
import { CountersignError } from '../core/errors';
import { Repository } from './repository';

/** A repository's git state (or its policy file) changed on disk. */
export interface RepositoryChange {
  readonly repository: Repository;
  readonly kind: GitStateChange;
}

interface Entry {
  repository: Repository;
  watcher: vscode.Disposable[];
}

/**
 * Every repository the extension has opened — a workspace folder's, or the one holding a file the editor shows —
 * each once, with one watcher on its git state (HEAD, refs including notes, packed-refs, FETCH_HEAD, config;
 * linked worktrees and submodules included: src/git/gitDirs.ts) and its policy file. The review panel, the
 * current-line blame and the AI-share status bar follow `onDidChange` instead of each watching `.git` itself.
 * Watching reads the file system only, so it runs in untrusted workspaces too.
 */
export class RepositoryRegistry implements vscode.Disposable {
  private readonly byRoot = new Map<string, Entry>();
  private readonly changed = new vscode.EventEmitter<RepositoryChange>();
  private readonly roots = new WorkTreeRoots();
  /** Workspace folder → the top level of the working tree holding it, once git has named one. */
  private readonly folderTops = new Map<string, string>();
  private readonly folderChanges: vscode.Disposable;
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.folderChanges = vscode.workspace.onDidChangeWorkspaceFolders(() => this.folderTops.clear());
  }

  /** The repository whose working tree is `root`, opened and watched on first use. */
  open(root: string): Repository {
    const key = path.normalize(root);
    let e = this.byRoot.get(key);
    if (!e) {
      const dirs = gitDirsOf(key);
      const repository = new Repository(key, dirs, this.log);
      e = { repository, watcher: dirs ? this.watch(repository, dirs) : [] };
      if (!dirs) this.log.warn(`[repos] cannot read the .git of ${key}: its git state is not watched`);
      this.byRoot.set(key, e);
    }
    return e.repository;
  }

  /**
   * The repository whose working tree holds `folder` (a root a caller named: the hook offer, the panel, the
   * walkthrough). Found on the file system, so it runs no git; a folder in no working tree is refused.
   */
  openContaining(folder: string): Repository {
    const repo = this.ofFolder(folder);
    if (!repo) {
      throw new CountersignError(
        'notARepository',
        `${folder} is not inside a git working tree (open a folder of a repository, or run \`git init\` there)`,
      );
    }
    return repo;
  }

  /** The repository a folder (a workspace folder) is in, opened; undefined when it is in none. Runs no git. */
  ofFolder(folder: string): Repository | undefined {
    const root = this.roots.rootOfFolder(folder);
    return root ? this.open(root) : undefined;
  }

  /** The repositories of the workspace's folders, found on the file system (no git: untrusted workspaces too). */
  workspaceFolderRepositories(): Repository[] {
    const out = new Set<Repository>();
    for (const f of vscode.workspace.workspaceFolders ?? []) {
      if (f.uri.scheme !== 'file') continue;
      const repo = this.ofFolder(f.uri.fsPath);
      if (repo) out.add(repo);
    }
    return [...out];
  }

  /**
   * Where a file belongs: its repository (opened) and its repository-relative path; undefined outside any working
   * tree and for git's own files and dependencies (`.git/`, `node_modules/`). Runs no git: called per document.
   */
  locate(file: string): { repository: Repository; file: string } | undefined {
    const root = this.roots.rootOf(file);
    const rel = root ? repoRelative(root, file) : undefined;
    if (!root || !rel || isIgnoredPath(rel)) return undefined;
    return { repository: this.open(root), file: rel };
  }

  /** The repository already open at `root`, without opening one. */
  find(root: string): Repository | undefined {
    return this.byRoot.get(path.normalize(root))?.repository;
  }

  all(): Repository[] {
    return [...this.byRoot.values()].map((e) => e.repository);
  }

  /**
   * The git working trees of the workspace's folders (each once, by its top level). Runs git (trusted only)
   * for a folder until it names a working tree, which is then kept until the workspace's folders change.
   */
  async workspaceRepositories(): Promise<Repository[]> {
    const folders = vscode.workspace.workspaceFolders?.filter((f) => f.uri.scheme === 'file') ?? [];
    const roots = new Set<string>();
    for (const f of folders) {
      const folder = f.uri.fsPath;
      const top = this.folderTops.get(folder) ?? (await GitRepository.topLevelOf(folder));
      if (!top) continue;
      this.folderTops.set(folder, top);
      roots.add(top);
    }
    return [...roots].map((root) => this.open(root));
  }

  private watch(repository: Repository, dirs: GitDirs): vscode.Disposable[] {
    const out: vscode.Disposable[] = [];
    const fire = (uri: vscode.Uri) => {
      const kind = classifyChange(repository.root, dirs, uri.fsPath);
      if (kind === 'refs') repository.refs.moved();
      this.changed.fire({ repository, kind });
    };
    for (const p of watchPatterns(repository.root, dirs)) {
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(p.base), p.glob));
      out.push(w, w.onDidChange(fire), w.onDidCreate(fire), w.onDidDelete(fire));
    }
    return out;
  }

  dispose(): void {
    this.folderChanges.dispose();
    for (const e of this.byRoot.values()) for (const d of e.watcher) d.dispose();
    this.byRoot.clear();
    this.changed.dispose();
  }
}
