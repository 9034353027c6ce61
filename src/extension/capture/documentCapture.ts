import * as vscode from 'vscode';
import type { Observation } from '../../core/attribution/observations';
import { normalizeLineEndings } from '../../core/attribution/lines';
import { isPasteCandidate, toSequentialChanges } from '../../core/editor/editorChanges';
import { maxParticipantEdits, participantEditBudget } from '../../core/editor/saveParticipants';
import type { FileSync } from '../attribution/fileSync';
import type { FileLocation, AttributionHub } from '../attribution/attributionHub';
import { settings } from '../settings';
import { ClipboardReader } from './clipboardRead';
import { cursorsAfter, diskEquals, participantSettings, saveReasonKind } from './editorEvents';
import { HeldEdits, type HeldEdit } from './heldEdits';
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
 *  willSave/save   `willSave` / `save`, then the labels are stored in the working ledger. VS Code runs
 *                  formatters and its other save participants *before* the extension host's willSave, so
 *                  where the file's settings let a participant edit, edits no user action explains are held
 *                  back and, when willSave comes, those whose document versions lead up to it (no more than
 *                  the participants that ran for that save reason) are placed after it; edits between
 *                  willSave and save are other extensions' participants (core/editor/saveParticipants.ts)
 *  close           the engine falls back to the disk's text (and the ledger's labels for it)
 *
 * An edit no user action explains, made while a VS Code agent tool call that names the file is open (its
 * PreToolUse hook ran, its PostToolUse has not: git/openToolCalls.ts), is that call's: it is observed between
 * an `agent` before and after of its own, so its changed lines get the call's agent, model and session even
 * when the agent's edit never reaches the disk before its `after` hook. What the user types meanwhile comes
 * with their selection changes and stays human.
 */
export class DocumentCapture implements vscode.Disposable {
  private readonly tracked = new Set<string>();
  /**
   * Documents whose buffer matched the disk after their last event. A content change to such a document is
   * either the first edit since a save or VS Code reloading it from disk; `isDirty` cannot tell them apart
   * inside the change event (it is updated by a separate, later event), so the disk decides.
   */
  private readonly clean = new Set<string>();
  /**
   * Documents whose open took a baseline nobody knew (not in the engine, not in the ledger) and that have not
   * changed since. The open may have read a write the file watcher reports only later (an agent writes, the
   * editor opens the file at once): when that report comes with the same text, the write is observed as one.
   */
  private readonly unknownOpens = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly clipboardReader: ClipboardReader;
  private readonly holds = new HeldEdits();

  constructor(
    private readonly repos: AttributionHub,
    private readonly sync: FileSync,
    private readonly inline: InlineAcceptCapture,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.clipboardReader = new ClipboardReader(log);
  }

  start(): void {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.opened(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.changed(e)),
      vscode.workspace.onWillSaveTextDocument((e) => this.willSave(e.document, e.reason)),
      vscode.window.onDidChangeTextEditorSelection((e) => this.selectionChanged(e)),
      vscode.workspace.onDidSaveTextDocument((d) => this.saved(d)),
      vscode.workspace.onDidCloseTextDocument((d) => this.closed(d)),
    );
    for (const d of vscode.workspace.textDocuments) this.opened(d);
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
    const key = doc.uri.toString();
    this.tracked.add(key);
    if (!doc.isDirty) this.clean.add(key);
    const text = doc.getText();
    const version = doc.version;
    loc.repo.queue.push(async () => {
      const { repo, file } = loc;
      const current = repo.engine.text(file);
      if (current === text) return; // already held (written on disk while closed, then opened)
      const known = await repo.ledgerAttribution(file);
      if (known && known.content === text) {
        repo.session.setFile(
          file,
          text,
          known.labels,
          current === undefined ? undefined : 'reopened; labels from the working ledger',
        );
      } else if (current !== undefined || known) {
        // Known before with other content (e.g. a restored unsaved buffer): what differs changed unseen.
        if (current === undefined && known) repo.session.setFile(file, known.content, known.labels);
        repo.session.observe({ type: 'diskWrite', file, content: text });
      } else {
        repo.session.setFile(file, text);
        // Only while the buffer is still the text the open read: an edit made before this ran already went by.
        if (this.tracked.has(key) && doc.version === version) this.unknownOpens.add(key);
      }
      this.repos.fire(loc);
    });
  }

  /**
   * The file watcher reported a write to an open document (queued after the open). When the open took an
   * unknown baseline and the write is the text it read, the open came between the write and its report: the
   * file starts again from HEAD's version and the write is observed (a terminal agent's label, the ledger's).
   * Any other write is VS Code's reload, seen as a change.
   */
  diskWriteReported(uri: vscode.Uri, loc: FileLocation, content: string): void {
    const key = uri.toString();
    loc.repo.queue.push(async () => {
      if (!this.unknownOpens.delete(key) || loc.repo.engine.text(loc.file) !== content) return;
      await this.sync.applyDiskNow(loc, content, 'opened before its write on disk was reported');
    });
  }

  private changed(e: vscode.TextDocumentChangeEvent): void {
    const key = e.document.uri.toString();
    if (e.contentChanges.length === 0) {
      // A dirty-state event: VS Code reports saves, reverts and reloads this way after the content event.
      if (e.document.isDirty) this.clean.delete(key);
      else this.clean.add(key);
      return;
    }
    this.unknownOpens.delete(key);
    const loc = this.locateTracked(e.document);
    if (!loc) return;
    const { repo, file } = loc;
    const reason =
      e.reason === vscode.TextDocumentChangeReason.Undo
        ? ('undo' as const)
        : e.reason === vscode.TextDocumentChangeReason.Redo
          ? ('redo' as const)
          : undefined;
    const wasClean = this.clean.delete(key);
    // The first change to a clean document may be VS Code reloading it after a write on disk: if the buffer
    // now equals the disk, it is that write (a `diskWrite`), not an edit.
    const reloaded = wasClean && !reason ? { text: e.document.getText(), uri: e.document.uri } : undefined;

    let changes;
    try {
      changes = toSequentialChanges(e.contentChanges);
    } catch (err) {
      this.log.error(
        `[capture] ${file}: unusable change event (${err instanceof Error ? err.message : String(err)}); re-reading the buffer`,
      );
      const text = e.document.getText();
      repo.queue.push(() => {
        repo.session.setFile(file, text, undefined, 'unusable change event');
      });
      return;
    }
    const edit: Observation = reason ? { type: 'edit', file, changes, reason } : { type: 'edit', file, changes };
    const accepted = !reason && this.inline.take(e.document.uri);
    // Ask now, while the call that made this edit is still open; its after hook may close it before the
    // edit is released from the hold below.
    const agentCall = reason || accepted ? undefined : repo.openToolCall(file);
    // Start reading the clipboard now, while it still holds what was pasted; the queue waits for the answer,
    // which is bounded in time (a refusal is "no clipboard"). Only an insertion the clipboard can relabel is
    // compared, never a typed key or line break.
    const clipboard =
      !reason && !accepted && isPasteCandidate(changes, settings.pasteMinChars())
        ? this.clipboardReader.read()
        : undefined;
    const pending: HeldEdit = {
      version: e.document.version,
      user: false,
      cursorAfter: cursorsAfter(e.contentChanges),
      run: async () => {
        if (reloaded && (await diskEquals(reloaded.uri, reloaded.text))) {
          await this.sync.applyDiskNow(loc, reloaded.text);
          return;
        }
        if (accepted) repo.session.observe({ type: 'inlineAccept', file });
        if (clipboard) {
          // Report what the clipboard holds now even when this edit is no paste: the engine compares later
          // insertions with the last clipboard it heard of, which must not be a stale one.
          const text = await clipboard;
          if (text !== undefined) this.observeClipboard(loc, text);
        }
        // Asked after the wait (and one more turn of the event loop when a call is open): the selection change
        // that shows this edit was typed is sent right after it.
        const open = await agentCall;
        if (open && !pending.user) await new Promise((r) => setImmediate(r));
        const call = pending.user ? undefined : open;
        if (call) {
          const meta = {
            agent: call.agent,
            ...(call.model ? { model: call.model } : {}),
            ...(call.session ? { session: call.session } : {}),
          };
          repo.session.observe({
            type: 'agent',
            phase: 'before',
            ...meta,
            files: { [file]: repo.engine.text(file) ?? '' },
          });
          repo.session.observe(edit);
          repo.session.observe({
            type: 'agent',
            phase: 'after',
            ...meta,
            files: { [file]: repo.engine.text(file) ?? '' },
          });
        } else {
          repo.session.observe(edit);
        }
        this.repos.fire(loc);
      },
    };
    this.holds.place(key, loc, pending, Boolean(reason || accepted), () =>
      maxParticipantEdits(participantSettings(e.document)),
    );
  }

  /** Queues a document's held edits as ordinary edits (a user action or a pause showed they are no save's). */
  release(key: string): void {
    this.holds.release(key);
  }

  /** Queues every held edit now (tests, before reading labels). */
  releaseAll(): void {
    this.holds.releaseAll();
  }

  private selectionChanged(e: vscode.TextEditorSelectionChangeEvent): void {
    this.holds.selectionChanged(e.textEditor.document.uri.toString(), e);
  }

  private readonly lastClipboard = new Map<string, string>();

  /** Emits `clipboard` unless the same text was the last one emitted in this repository (the provider saw it first). */
  private observeClipboard(loc: FileLocation, text: string): void {
    const normalised = normalizeLineEndings(text);
    if (this.lastClipboard.get(loc.repo.root) === normalised) return;
    this.lastClipboard.set(loc.repo.root, normalised);
    loc.repo.session.observe({ type: 'clipboard', text });
  }

  private willSave(doc: vscode.TextDocument, reason: vscode.TextDocumentSaveReason): void {
    const loc = this.locateTracked(doc);
    if (!loc) return;
    this.holds.beginSave(
      doc.uri.toString(),
      loc,
      doc.version,
      participantEditBudget(participantSettings(doc), saveReasonKind(reason)),
    );
  }

  private saved(doc: vscode.TextDocument): void {
    const loc = this.locateTracked(doc);
    this.holds.placeSave(doc.uri.toString());
    if (!loc) return;
    this.clean.add(doc.uri.toString());
    const text = doc.getText();
    loc.repo.queue.push(async () => {
      const { repo, file } = loc;
      repo.session.observe({ type: 'save', file });
      if (repo.engine.text(file) !== text) {
        // Should not happen; if it does, say so and take the saved text so labels cannot drift from it.
        this.log.warn(
          `[capture] ${file}: the engine's text differs from the saved document; treating the difference as unseen`,
        );
        repo.session.observe({ type: 'diskWrite', file, content: text });
      }
      await repo.ledgerStore(file);
      this.repos.fire(loc);
    });
  }

  private closed(doc: vscode.TextDocument): void {
    const loc = this.locateTracked(doc);
    this.holds.closed(doc.uri.toString());
    this.tracked.delete(doc.uri.toString());
    this.clean.delete(doc.uri.toString());
    this.unknownOpens.delete(doc.uri.toString());
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
      if (disk === undefined) {
        repo.session.deleteFile(file);
        return;
      }
      if (disk === repo.engine.text(file)) return;
      const known = await repo.ledgerAttribution(file);
      if (known && known.content === disk)
        repo.session.setFile(file, disk, known.labels, 'closed without saving; labels from the working ledger');
      else repo.session.observe({ type: 'diskWrite', file, content: disk });
      this.repos.fire(loc);
    });
  }

  dispose(): void {
    this.holds.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
