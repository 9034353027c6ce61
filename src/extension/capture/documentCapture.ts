import * as vscode from 'vscode';
import type { Observation } from '../../core/attribution/observations';
import { clipboardMatch, isPasteCandidate, normaliseLineEndings, toSequentialChanges } from '../../core/editor/editorChanges';
import type { FileSync } from '../attribution/fileSync';
import type { FileLocation, RepoSessions } from '../attribution/repoSessions';
import { settings } from '../settings';
import type { InlineAcceptCapture } from './inlineAcceptCapture';

/**
 * Text documents -> observations. Every handler does the minimum synchronously (snapshot what the event
 * says) and queues the rest on the repository's queue, so typing never waits on Countersign.
 *
 *  open            baseline: the ledger's labels when it knows this exact content, else `untracked`
 *  change          `edit` (changes reordered for DESIGN's sequential semantics; undo/redo from e.reason),
 *                  preceded by `clipboard` when it inserts what was pasted and by `inlineAccept` after
 *                  Countersign's Tab; a change that leaves the document clean is VS Code reloading it from
 *                  disk and becomes a `diskWrite`
 *  willSave/save   `willSave` / `save`, then the labels are stored in the working ledger
 *  close           the engine falls back to the disk's text (and the ledger's labels for it)
 */
export class DocumentCapture implements vscode.Disposable {
  private readonly tracked = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly repos: RepoSessions,
    private readonly sync: FileSync,
    private readonly inline: InlineAcceptCapture,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  start(): void {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.opened(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.changed(e)),
      vscode.workspace.onWillSaveTextDocument((e) => this.willSave(e.document)),
      vscode.workspace.onDidSaveTextDocument((d) => this.saved(d)),
      vscode.workspace.onDidCloseTextDocument((d) => this.closed(d)),
    );
    for (const d of vscode.workspace.textDocuments) this.opened(d);
  }

  /** Whether the editor holds this file with unsaved changes (then the disk is not its text). */
  isDirtyOpen(uri: vscode.Uri): boolean {
    return this.tracked.has(uri.toString()) && vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString() && d.isDirty);
  }

  isTracked(uri: vscode.Uri): boolean {
    return this.tracked.has(uri.toString());
  }

  /** A paste heard by the paste provider: its text is the clipboard at that moment. */
  notePaste(document: vscode.TextDocument, text: string): void {
    const loc = this.locateTracked(document);
    if (!loc) return;
    loc.repo.queue.push(() => this.observeClipboard(loc, text));
  }

  private locateTracked(document: vscode.TextDocument): FileLocation | undefined {
    if (!this.tracked.has(document.uri.toString())) return undefined;
    return this.repos.locate(document.uri);
  }

  private opened(doc: vscode.TextDocument): void {
    if (!settings.captureEnabled()) return;
    const loc = this.repos.locate(doc.uri);
    if (!loc) return;
    this.tracked.add(doc.uri.toString());
    const text = doc.getText();
    loc.repo.queue.push(async () => {
      const { repo, file } = loc;
      const current = repo.engine.text(file);
      if (current === text) return; // already held (written on disk while closed, then opened)
      const known = await repo.ledgerAttribution(file);
      if (known && known.content === text) {
        repo.session.setFile(file, text, known.labels, current === undefined ? undefined : 'reopened; labels from the working ledger');
      } else if (current !== undefined || known) {
        // Known before with other content (e.g. a restored unsaved buffer): what differs changed unseen.
        if (current === undefined && known) repo.session.setFile(file, known.content, known.labels);
        repo.session.observe({ type: 'diskWrite', file, content: text });
      } else {
        repo.session.setFile(file, text);
      }
      this.repos.fire(loc);
    });
  }

  private changed(e: vscode.TextDocumentChangeEvent): void {
    if (e.contentChanges.length === 0) return; // dirty-state only
    const loc = this.locateTracked(e.document);
    if (!loc) return;
    const { repo, file } = loc;
    const reason = e.reason === vscode.TextDocumentChangeReason.Undo ? 'undo' as const
      : e.reason === vscode.TextDocumentChangeReason.Redo ? 'redo' as const : undefined;

    // A change that leaves the document clean without being an undo is VS Code reloading it from disk.
    if (!reason && !e.document.isDirty) {
      this.sync.applyDisk(loc, e.document.getText());
      return;
    }

    let changes;
    try {
      changes = toSequentialChanges(e.contentChanges);
    } catch (err) {
      this.log.error(`[capture] ${file}: unusable change event (${err instanceof Error ? err.message : String(err)}); re-reading the buffer`);
      const text = e.document.getText();
      repo.queue.push(() => { repo.session.setFile(file, text, undefined, 'unusable change event'); });
      return;
    }
    const edit: Observation = reason ? { type: 'edit', file, changes, reason } : { type: 'edit', file, changes };
    const accepted = !reason && this.inline.take(e.document.uri);
    // Start reading the clipboard now, while it still holds what was pasted; the queue waits for the answer.
    const clipboard = !reason && !accepted && isPasteCandidate(changes, settings.pasteMinChars())
      ? Promise.resolve(vscode.env.clipboard.readText()).catch(() => undefined)
      : undefined;
    repo.queue.push(async () => {
      if (accepted) repo.session.observe({ type: 'inlineAccept', file });
      if (clipboard) {
        const pasted = clipboardMatch(changes, await clipboard);
        if (pasted !== undefined) this.observeClipboard(loc, pasted);
      }
      repo.session.observe(edit);
      this.repos.fire(loc);
    });
  }

  private readonly lastClipboard = new Map<string, string>();

  /** Emits `clipboard` unless the same text was the last one emitted in this repository (the provider saw it first). */
  private observeClipboard(loc: FileLocation, text: string): void {
    const normalised = normaliseLineEndings(text);
    if (this.lastClipboard.get(loc.repo.root) === normalised) return;
    this.lastClipboard.set(loc.repo.root, normalised);
    loc.repo.session.observe({ type: 'clipboard', text });
  }

  private willSave(doc: vscode.TextDocument): void {
    const loc = this.locateTracked(doc);
    if (!loc) return;
    loc.repo.queue.push(() => loc.repo.session.observe({ type: 'willSave', file: loc.file }));
  }

  private saved(doc: vscode.TextDocument): void {
    const loc = this.locateTracked(doc);
    if (!loc) return;
    const text = doc.getText();
    loc.repo.queue.push(async () => {
      const { repo, file } = loc;
      repo.session.observe({ type: 'save', file });
      if (repo.engine.text(file) !== text) {
        // Should not happen; if it does, say so and take the saved text so labels cannot drift from it.
        this.log.warn(`[capture] ${file}: the engine's text differs from the saved document; treating the difference as unseen`);
        repo.session.observe({ type: 'diskWrite', file, content: text });
      }
      await repo.ledgerStore(file);
      this.repos.fire(loc);
    });
  }

  private closed(doc: vscode.TextDocument): void {
    const loc = this.locateTracked(doc);
    this.tracked.delete(doc.uri.toString());
    if (!loc) return;
    loc.repo.queue.push(async () => {
      const { repo, file } = loc;
      const stats = repo.engine.stats(file);
      if (stats.ai === 0 && stats.human === 0) {
        repo.session.deleteFile(file); // nothing learnt about it: free the text
        return;
      }
      // Closed without saving: the engine must hold the disk's text again, with the ledger's labels for it.
      let disk: string | undefined;
      try {
        disk = Buffer.from(await vscode.workspace.fs.readFile(doc.uri)).toString('utf8');
      } catch {
        disk = undefined;
      }
      if (disk === undefined) { repo.session.deleteFile(file); return; }
      if (disk === repo.engine.text(file)) return;
      const known = await repo.ledgerAttribution(file);
      if (known && known.content === disk) repo.session.setFile(file, disk, known.labels, 'closed without saving; labels from the working ledger');
      else repo.session.observe({ type: 'diskWrite', file, content: disk });
      this.repos.fire(loc);
    });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
