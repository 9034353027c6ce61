import * as vscode from 'vscode';
import { readBlameRefs, type BlameRefs } from '../../git/blameRefs';
import type { RepositoryRegistry } from '../repositoryRegistry';

interface RepoState {
  refs: BlameRefs | undefined;
  checkedAt: number;
  /** A watcher saw a ref change since `refs` was read. */
  dirty: boolean;
  reading: Promise<BlameRefs> | undefined;
}

/**
 * HEAD and refs/notes/ai per repository, read with one `git show-ref` and then trusted until the repository
 * registry's watcher reports a ref change (a commit, checkout, fetch or notes update) — so a cursor rest
 * normally costs no git process at all. Watchers can miss events (inotify limits, a git directory outside
 * the workspace on some platforms), so an answer older than `maxAgeMs` is read again.
 */
export class RepoRefs implements vscode.Disposable {
  private readonly repos = new Map<string, RepoState>();
  private readonly changed = new vscode.EventEmitter<string>();
  private readonly listening: vscode.Disposable;
  /** A ref of this working-tree root may have moved. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly repositories: RepositoryRegistry,
    private readonly maxAgeMs = 10_000,
  ) {
    this.listening = repositories.onDidChange((c) => {
      const s = c.kind === 'refs' ? this.repos.get(c.repository.root) : undefined;
      if (!s) return;
      s.dirty = true;
      this.changed.fire(c.repository.root);
    });
  }

  /**
   * HEAD and the notes tip of a working tree; `fresh` reads them now (before a blame is computed and
   * stored under them: a watcher event may still be on its way after a commit made a moment ago).
   */
  current(root: string, fresh = false): Promise<BlameRefs> {
    const s = this.state(root);
    if (!fresh && s.refs && !s.dirty && Date.now() - s.checkedAt < this.maxAgeMs) return Promise.resolve(s.refs);
    if (s.reading) return s.reading;
    s.dirty = false;
    s.reading = readBlameRefs(root)
      .then((refs) => {
        s.refs = refs;
        s.checkedAt = Date.now();
        return refs;
      })
      .finally(() => {
        s.reading = undefined;
      });
    return s.reading;
  }

  private state(root: string): RepoState {
    let s = this.repos.get(root);
    if (!s) {
      s = { refs: undefined, checkedAt: 0, dirty: false, reading: undefined };
      this.repos.set(root, s);
      this.repositories.open(root); // watched from now on
    }
    return s;
  }

  dispose(): void {
    this.listening.dispose();
    this.repos.clear();
    this.changed.dispose();
  }
}
