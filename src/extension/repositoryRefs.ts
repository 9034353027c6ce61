import type { BlameRefs } from '../git/blameRefs';
import type { GitRepository } from '../git/gitRepository';

/**
 * A repository's HEAD and refs/notes/ai, read with one `git show-ref` and then trusted until the registry's
 * watcher reports a ref change (a commit, checkout, fetch or notes update) — so a cursor rest normally costs no
 * git process at all. Watchers can miss events (inotify limits, a git directory outside the workspace on some
 * platforms), so an answer older than `maxAgeMs` is read again.
 */
export class RepositoryRefs {
  private refs: BlameRefs | undefined;
  private checkedAt = 0;
  /** A watcher saw a ref change since `refs` was read. */
  private dirty = false;
  private reading: Promise<BlameRefs> | undefined;
  private askedFor = false;

  constructor(
    private readonly git: GitRepository,
    private readonly maxAgeMs = 10_000,
  ) {}

  /** Someone has asked for the refs (the current-line blame follows ref changes only of such repositories). */
  get asked(): boolean {
    return this.askedFor;
  }

  /** The registry's watcher saw a ref change. */
  moved(): void {
    if (this.askedFor) this.dirty = true;
  }

  /**
   * HEAD and the notes tip; `fresh` reads them now (before a blame is computed and stored under them: a watcher
   * event may still be on its way after a commit made a moment ago).
   */
  current(fresh = false): Promise<BlameRefs> {
    this.askedFor = true;
    if (!fresh && this.refs && !this.dirty && Date.now() - this.checkedAt < this.maxAgeMs)
      return Promise.resolve(this.refs);
    if (this.reading) return this.reading;
    this.dirty = false;
    this.reading = this.git
      .blameRefs()
      .then((refs) => {
        this.refs = refs;
        this.checkedAt = Date.now();
        return refs;
      })
      .finally(() => {
        this.reading = undefined;
      });
    return this.reading;
  }
}
