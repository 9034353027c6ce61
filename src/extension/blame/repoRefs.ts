import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import { readBlameRefs, type BlameRefs } from '../../git/blameRefs';
import { resolveRepo } from '../../git/repository';

interface RepoState {
  refs: BlameRefs | undefined;
  checkedAt: number;
  /** A watcher saw a ref change since `refs` was read. */
  dirty: boolean;
  reading: Promise<BlameRefs> | undefined;
  watchers: vscode.Disposable[];
}

/**
 * HEAD and refs/notes/ai per repository, read with one `git show-ref` and then trusted until a file watcher
 * on the git directory reports a ref change (a commit, checkout, fetch or notes update) — so a cursor rest
 * normally costs no git process at all. Watchers can miss events (inotify limits, a git directory outside
 * the workspace on some platforms), so an answer older than `maxAgeMs` is read again.
 */
export class RepoRefs implements vscode.Disposable {
  private readonly repos = new Map<string, RepoState>();
  private readonly changed = new vscode.EventEmitter<string>();
  private disposed = false;
  /** A ref of this working-tree root may have moved. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly maxAgeMs = 10_000,
  ) {}

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
      s = { refs: undefined, checkedAt: 0, dirty: false, reading: undefined, watchers: [] };
      this.repos.set(root, s);
      void this.watch(root, s);
    }
    return s;
  }

  /** Watches the common git directory's refs and, for a linked worktree, its own HEAD. */
  private async watch(root: string, s: RepoState): Promise<void> {
    try {
      const repo = await resolveRepo(root);
      if (this.disposed) return;
      const dirs: Array<[string, string]> = [[repo.commonDir, '{HEAD,packed-refs,refs/**}']];
      if (repo.gitDir !== repo.commonDir) dirs.push([repo.gitDir, 'HEAD']);
      const moved = () => {
        s.dirty = true;
        this.changed.fire(root);
      };
      for (const [dir, glob] of dirs) {
        const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dir), glob));
        s.watchers.push(w, w.onDidChange(moved), w.onDidCreate(moved), w.onDidDelete(moved));
      }
    } catch (err) {
      this.log.warn(
        `[blame] cannot watch the refs of ${root} (${errorMessage(err)}); HEAD is re-read every ${this.maxAgeMs / 1000} s`,
      );
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const s of this.repos.values()) for (const w of s.watchers) w.dispose();
    this.repos.clear();
    this.changed.dispose();
  }
}
