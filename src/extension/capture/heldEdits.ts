import type * as vscode from 'vscode';
import { participantsStart } from '../../core/editor/saveParticipants';
import type { FileLocation } from '../attribution/attributionHub';

/**
 * Where each document edit goes in its repository's queue. VS Code runs formatters and its other save
 * participants *before* the extension host's willSave, so where the file's settings let a participant edit,
 * edits no user action explains are held back and, when willSave comes, those whose document versions lead up
 * to it (no more than the participants that ran for that save reason) are placed after it; edits between
 * willSave and save are other extensions' participants (core/editor/saveParticipants.ts). A selection change
 * that puts the cursor where an edit ends marks that edit as typed (DocumentCapture reads `user`).
 */
export interface HeldEdit {
  /** The document's version right after this edit. */
  version: number;
  /** A user's action accompanied it: never an agent tool call's. */
  user: boolean;
  /** Where a cursor ends up after typing this edit: the end of each change's inserted text. */
  cursorAfter: vscode.Position[];
  run: () => Promise<void>;
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

/** The edits of every tracked document not yet queued, keyed by document URI. */
export class HeldEdits {
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
  /** A document's latest edits queued without a hold: a selection change may still show they were typed. */
  private readonly queuedLately = new Map<string, HeldEdit[]>();

  /**
   * Undo/redo, an accepted suggestion (`explained`) and edits that come with a user's selection change are the
   * user's; edits inside a save's willSave..save window are participants by their place. Anything else might
   * be one of VS Code's own participants (which edit before willSave) only where the file's settings let one
   * edit (`participantBudget` > 0): then it waits for a willSave or a user action; otherwise it is an ordinary
   * edit at once.
   */
  place(key: string, loc: FileLocation, edit: HeldEdit, explained: boolean, participantBudget: () => number): void {
    const recentUser = Date.now() - (this.lastUserSelection.get(key) ?? -Infinity) < USER_SELECTION_WINDOW_MS;
    const save = this.saving.get(key);
    if (save) {
      save.window.push(edit);
      return;
    }
    const budget = explained || recentUser ? 0 : participantBudget();
    if (budget === 0) {
      edit.user = recentUser;
      this.release(key);
      this.noteQueued(key, edit);
      loc.repo.queue.push(edit.run);
    } else {
      this.hold(key, loc, edit, budget);
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

  selectionChanged(key: string, e: vscode.TextEditorSelectionChangeEvent): void {
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

  private noteQueued(key: string, edit: HeldEdit): void {
    const list = this.queuedLately.get(key) ?? [];
    list.push(edit);
    if (list.length > TYPED_LOOKBACK) list.shift();
    this.queuedLately.set(key, list);
  }

  /** willSave came: the edits held so far wait for the save, with those made from now on. */
  beginSave(key: string, loc: FileLocation, version: number, budget: number): void {
    this.placeSave(key);
    const h = this.held.get(key);
    if (h) {
      clearTimeout(h.timer);
      this.held.delete(key);
    }
    this.saving.set(key, { loc, held: h?.edits ?? [], window: [], version, budget });
  }

  /**
   * Queues a pending save's edits around its `willSave`. VS Code's own participants made at most `budget`
   * edits, before willSave (the held edits whose versions lead up to it) or after it (in the window): those
   * in the window leave fewer of the held ones to be participants. Everything in the window is a participant.
   */
  placeSave(key: string): void {
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

  /** The document closed: what it held is queued, and nothing more is waited for. */
  closed(key: string): void {
    this.release(key);
    this.placeSave(key);
    this.queuedLately.delete(key);
  }

  dispose(): void {
    for (const h of this.held.values()) clearTimeout(h.timer);
  }
}
