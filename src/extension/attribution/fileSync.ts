import * as vscode from 'vscode';
import { mergeLedgerLabels, sameLabels } from '../../core/editor/labelMerge';
import type { FileLocation, AttributionHub } from './attributionHub';

/**
 * Keeps a repository's engine and its working ledger in step:
 *  - content that appeared on disk goes to the engine as a `diskWrite` (with the HEAD version as the
 *    baseline of a file never seen before) and to the ledger, whose fold also knows agents' hook checkpoints;
 *  - a little later the ledger's labels for the same content are merged in (model, session, lines the ledger
 *    attributed that the editor could not);
 *  - the editor's labels of a saved file are stored in the ledger, so the commit hook sees them.
 * Timers only schedule; the work itself runs on the repository's queue, in order with the edits.
 */
export class FileSync implements vscode.Disposable {
  private readonly mergeTimers = new Map<string, NodeJS.Timeout>();
  private readonly storeTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly repos: AttributionHub,
    private readonly opts: { mergeDelayMs?: number; storeDelayMs?: number } = {},
  ) {}

  /** Queues content read from disk (or a document reloaded from disk). */
  applyDisk(loc: FileLocation, content: string): void {
    loc.repo.queue.push(async () => {
      await this.applyDiskNow(loc, content);
    });
  }

  /**
   * Runs on the queue: returns whether the engine's text changed. `rebase` names why the engine's baseline of
   * the file is not to be trusted (an open that read the write before the watcher reported it): the file then
   * starts again from HEAD's version, as a file first seen on disk does.
   */
  async applyDiskNow(loc: FileLocation, content: string, rebase?: string): Promise<boolean> {
    const { repo, file } = loc;
    const current = repo.engine.text(file);
    if (current === content && !rebase) return false; // our own save, or a reload we already saw
    if (current === undefined || rebase)
      repo.session.setFile(file, (await repo.headContent(file)) ?? '', undefined, rebase);
    const obs = { type: 'diskWrite' as const, file, content };
    repo.session.observe(obs);
    await repo.ledgerRecord(obs);
    this.repos.fire(loc);
    this.scheduleMerge(loc);
    return true;
  }

  /** After a while (agents' `after` hooks land shortly after their writes), adopt what the ledger adds. */
  scheduleMerge(loc: FileLocation): void {
    this.debounce(this.mergeTimers, loc, this.opts.mergeDelayMs ?? 800, () =>
      loc.repo.queue.push(() => this.mergeNow(loc)),
    );
  }

  async mergeNow(loc: FileLocation): Promise<void> {
    const { repo, file } = loc;
    const known = await repo.ledgerAttribution(file);
    const text = repo.engine.text(file);
    if (!known || text === undefined || known.content !== text) return;
    const ours = repo.engine.labels(file);
    const merged = mergeLedgerLabels(ours, known.labels);
    if (sameLabels(ours, merged)) return;
    repo.session.setFile(file, text, merged, 'labels merged from the working ledger (agent hooks)');
    this.repos.fire(loc);
  }

  /** Stores the engine's labels of a file in the ledger now (queued). */
  store(loc: FileLocation): void {
    loc.repo.queue.push(() => loc.repo.ledgerStore(loc.file));
  }

  /** Stores later, unless the file is open with unsaved changes (then its save stores it). */
  scheduleStore(loc: FileLocation): void {
    this.debounce(this.storeTimers, loc, this.opts.storeDelayMs ?? 1500, () => {
      const uri = this.repos.fileUri(loc).toString();
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
      if (!doc?.isDirty) this.store(loc);
    });
  }

  private debounce(timers: Map<string, NodeJS.Timeout>, loc: FileLocation, ms: number, run: () => void): void {
    const key = `${loc.repo.root}\0${loc.file}`;
    const old = timers.get(key);
    if (old) clearTimeout(old);
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        run();
      }, ms),
    );
  }

  dispose(): void {
    for (const t of [...this.mergeTimers.values(), ...this.storeTimers.values()]) clearTimeout(t);
  }
}
