import * as vscode from 'vscode';
import type { Observation } from '../../core/attribution/observations';
import { normalizeLineEndings } from '../../core/attribution/lines';
import { isPasteCandidate, toSequentialChanges } from '../../core/editor/editorChanges';
import { maxParticipantEdits, participantEditBudget, participantsStart } from '../../core/editor/saveParticipants';
import type { FileSync } from '../attribution/fileSync';
import type { FileLocation, RepoSessions } from '../attribution/repoSessions';
import { settings } from '../settings';
import { ClipboardReader } from './clipboardRead';
import { cursorsAfter, diskEquals, participantSettings, saveReasonKind } from './editorEvents';
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
  /** Edits not (yet) explained by a user action, per document, waiting to see whether a save follows. */
  private readonly held = new Map<string, { loc: FileLocation; edits: HeldEdit[]; timer: NodeJS.Timeout }>();
  /**
   * Documents between their willSave and their save. Whether VS Code's own participants run before or after
   * the extension host's willSave depends on which registered first in that session, so what is placed where
   * is decided at the save: the edits held at willSave, and those made in the window since.
   */
  private readonly saving = new Map<string, PendingSave>();
  /** When the user last moved a document's selection by keyboard, mouse or command. */
  private readonly lastUserSelection = new Map<string, number>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly clipboardReader: ClipboardReader;

  constructor(
    private readonly repos: RepoSessions,
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
    this.tracked.add(doc.uri.toString());
    if (!doc.isDirty) this.clean.add(doc.uri.toString());
    const text = doc.getText();
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
      }
      this.repos.fire(loc);
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
    // Undo/redo, an accepted suggestion and edits that come with a user's selection change are the user's;
    // edits inside a save's willSave..save window are participants by their place. Anything else might be one
    // of VS Code's own participants (which edit before willSave) only where the file's settings let one
    // edit: then it waits for a willSave or a user action; otherwise it is an ordinary edit at once.
    const recentUser = Date.now() - (this.lastUserSelection.get(key) ?? -Infinity) < USER_SELECTION_WINDOW_MS;
    const save = this.saving.get(key);
    if (save) {
      save.window.push(pending);
      return;
    }
    const budget = reason || accepted || recentUser ? 0 : maxParticipantEdits(participantSettings(e.document));
    if (budget === 0) {
      pending.user = recentUser;
      this.release(key);
      this.noteQueued(key, pending);
      repo.queue.push(pending.run);
    } else {
      this.hold(key, loc, pending, budget);
    }
  }

  /** Holds an edit; of the held edits only the last `budget` can still be participants, older ones are released. */
  private hold(key: string, loc: FileLocation, edit: HeldEdit, budget: number): void {
    const h = this.held.get(key);
    if (h) clearTimeout(h.timer);
    // Only for the gutter: an edit held this long shows as an ordinary edit (see HELD_EDIT_DISPLAY_MS).
    const timer = setTimeout(() => this.release(key), HELD_EDIT_DISPLAY_MS);
    const edits = h ? h.edits : [];
    edits.push(edit);
    while (edits.length > budget) loc.repo.queue.push(edits.shift()!.run);
    if (h) h.timer = timer;
    else this.held.set(key, { loc, edits, timer });
  }

  /** Queues a document's held edits as ordinary edits (a user action or a pause showed they are no save's). */
  release(key: string): void {
    const h = this.held.get(key);
    if (!h) return;
    clearTimeout(h.timer);
    this.held.delete(key);
    for (const e of h.edits) h.loc.repo.queue.push(e.run);
  }

  /** Queues every held edit now (tests, before reading labels). */
  releaseAll(): void {
    for (const key of [...this.saving.keys()]) this.placeSave(key);
    for (const key of [...this.held.keys()]) this.release(key);
  }

  private selectionChanged(e: vscode.TextEditorSelectionChangeEvent): void {
    const key = e.textEditor.document.uri.toString();
    // An edit a selection change puts the cursor at the end of is typed: the user's, never an agent tool call's.
    // Told by position, not by time (a busy extension host stretches both) nor by kind (the `type` command and
    // some input paths report none); the selection may trail its edit by one more change, so the last few count.
    for (const edit of [...(this.queuedLately.get(key) ?? []), ...(this.held.get(key)?.edits ?? [])].slice(
      -TYPED_LOOKBACK,
    )) {
      if (e.selections.some((sel) => edit.cursorAfter.some((p) => sel.active.isEqual(p)))) edit.user = true;
    }
    if (e.kind === undefined) return; // moved by an edit, not by the user
    this.lastUserSelection.set(key, Date.now());
    this.release(key);
  }

  /** A document's latest edits queued without a hold: a selection change may still show they were typed. */
  private readonly queuedLately = new Map<string, HeldEdit[]>();

  private noteQueued(key: string, edit: HeldEdit): void {
    const list = this.queuedLately.get(key) ?? [];
    list.push(edit);
    if (list.length > TYPED_LOOKBACK) list.shift();
    this.queuedLately.set(key, list);
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
    const key = doc.uri.toString();
    this.placeSave(key);
    const h = this.held.get(key);
    if (h) {
      clearTimeout(h.timer);
      this.held.delete(key);
    }
    this.saving.set(key, {
      loc,
      held: h?.edits ?? [],
      window: [],
      version: doc.version,
      budget: participantEditBudget(participantSettings(doc), saveReasonKind(reason)),
    });
  }

  /**
   * Queues a pending save's edits around its `willSave`. VS Code's own participants made at most `budget`
   * edits, before willSave (the held edits whose versions lead up to it) or after it (in the window): those
   * in the window leave fewer of the held ones to be participants. Everything in the window is a participant.
   */
  private placeSave(key: string): void {
    const p = this.saving.get(key);
    if (!p) return;
    this.saving.delete(key);
    const split = participantsStart(
      p.held.map((e) => e.version),
      p.version,
      Math.max(0, p.budget - p.window.length),
    );
    for (const e of p.held.slice(0, split)) p.loc.repo.queue.push(e.run);
    p.loc.repo.queue.push(() => p.loc.repo.session.observe({ type: 'willSave', file: p.loc.file }));
    for (const e of [...p.held.slice(split), ...p.window]) p.loc.repo.queue.push(e.run);
  }

  private saved(doc: vscode.TextDocument): void {
    const loc = this.locateTracked(doc);
    this.placeSave(doc.uri.toString());
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
    this.release(doc.uri.toString());
    this.placeSave(doc.uri.toString());
    this.queuedLately.delete(doc.uri.toString());
    this.tracked.delete(doc.uri.toString());
    this.clean.delete(doc.uri.toString());
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
    for (const h of this.held.values()) clearTimeout(h.timer);
    for (const d of this.disposables) d.dispose();
  }
}

interface PendingSave {
  loc: FileLocation;
  /** Edits held when willSave came, and the document's version then. */
  held: HeldEdit[];
  version: number;
  /** Edits made since willSave. */
  window: HeldEdit[];
  /** How many edits VS Code's own participants could make for this save's reason. */
  budget: number;
}

interface HeldEdit {
  /** The document's version right after this edit. */
  version: number;
  /** A user's action accompanied it: never an agent tool call's. */
  user: boolean;
  /** Where a cursor ends up after typing this edit: the end of each change's inserted text. */
  cursorAfter: vscode.Position[];
  run: () => Promise<void>;
}

/**
 * How long a held edit waits before the gutter shows it as an ordinary edit, for files where a save
 * participant could edit (elsewhere nothing is held). It decides nothing VS Code reports in order: the
 * participants' edits and the willSave that follows them are sent together, so only a renderer stalled this
 * long between the two could separate them.
 */
const HELD_EDIT_DISPLAY_MS = 3000;

/** A selection change this close to an edit belongs to the same user action (typing, pasting, a command). */
const USER_SELECTION_WINDOW_MS = 100;

/** How many of a document's latest held edits a selection change may be the cursor of. */
const TYPED_LOOKBACK = 3;
