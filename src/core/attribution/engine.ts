import { CountersignError } from '../errors';
import { agentForCommand } from './agentNames';
import { aiLabel, UNOBSERVED, type FileStats, type LineLabel } from './labels';
import type { Line } from './line';
import { isMultiLineInsertion, normalizeLineEndings, splitLinesWithEnds } from './lines';
import { charCount, fromLines, lineAt, lineCount, editDelta, toLines, treeText, type Tree } from './lineTree';
import type { AgentObservation, EditObservation, Observation } from './observations';
import { rewriteLines, stampedLine, type Stamp } from './relabel';
import { applyChange, type ChangeMode, type TextChange } from './textEdit';
import { UndoHistory } from './undoHistory';
import { AGENT_OVERFLOW_BIT, WriterTable } from './writers';

export type { FileStats, LineLabel };

export interface EngineOptions {
  /** A clock for `at` on AI labels; without one, labels carry no time (replays stay deterministic). */
  now?: () => number;
  /** Undo states kept per file. */
  undoLimit?: number;
}

/** One text per file — the editor's buffer while it is open, the disk's otherwise — and its history. */
interface FileState {
  tree: Tree;
  readonly history: UndoHistory;
  /**
   * The token that lets a keystroke change `tree` in place (lineTree.ts): replaced by a fresh one whenever the
   * tree, or a tree sharing its nodes, is kept anywhere (a whole undo state, an agent's snapshot).
   */
  owner: number;
}

/** Owner tokens: each is handed out once, so a kept tree's nodes never match a later owner. */
let lastOwner = 0;
const newOwner = () => ++lastOwner;

/** An agent tool call between its `before` and `after` checkpoints. */
interface ToolCall {
  readonly agent: string;
  readonly model?: string;
  readonly session?: string;
  /** The files as they were at `before`, labels included: `after` is compared with these. */
  readonly snapshots: Map<string, Tree>;
}

/** A known agent CLI running in an integrated terminal. */
interface TerminalRun {
  readonly command: string;
  readonly agent: string;
}

/**
 * The attribution engine (docs/design.md, "Attribution"): consumes observations and keeps, per file, a
 * label for every line. Pure and synchronous — the editor, the working ledger and `countersign replay` all
 * drive the same instance type. Which observation means what is decided here; how characters and lines carry
 * labels lives in line.ts, textEdit.ts and relabel.ts.
 */
export class AttributionEngine {
  private readonly writers = new WriterTable();
  private readonly docs = new Map<string, FileState>();
  private seq = 0;
  /** The last clipboard text, line endings normalised: an edit inserting exactly this is a paste. */
  private clipboard: string | undefined;
  /** Files between `willSave` and `save`: their edits are formatters and on-save code actions. */
  private readonly saving = new Set<string>();
  /** Files whose next edit is an accepted inline completion, with the completion's agent. */
  private readonly inlineAccepts = new Map<string, string>();
  private readonly toolCalls: ToolCall[] = [];
  private readonly terminals: TerminalRun[] = [];

  constructor(private readonly opts: EngineOptions = {}) {}

  observe(o: Observation): void {
    switch (o.type) {
      case 'edit':
        return this.onEdit(o);
      case 'clipboard':
        this.clipboard = normalizeLineEndings(o.text);
        return;
      case 'inlineAccept':
        this.inlineAccepts.set(o.file, o.agent ?? 'inline-completion');
        return;
      case 'agent':
        return o.phase === 'before' ? this.onAgentBefore(o) : this.onAgentAfter(o);
      case 'diskWrite':
        return this.onDiskWrite(o.file, o.content);
      case 'terminal':
        return this.onTerminal(o.command, o.state);
      case 'willSave':
        this.saving.add(o.file);
        return;
      case 'save':
        this.saving.delete(o.file);
        return;
    }
  }

  /**
   * Sets a file's text as a new baseline (no undo history). Without labels every line is `untracked` (it
   * predates what the engine saw); with labels — one per line, as a ledger stored them — lines get those.
   */
  setFile(file: string, content: string, labels?: readonly LineLabel[]): void {
    const texts = splitLinesWithEnds(content);
    if (labels && labels.length !== texts.length) {
      throw new CountersignError(
        'input',
        `${file}: ${labels.length} labels given for ${texts.length} lines; expected one label per line`,
      );
    }
    const lines = labels
      ? this.linesWithLabels(texts, labels)
      : texts.map((t) => stampedLine(t, { writer: this.writers.untracked, seq: 0 }, undefined, this.writers));
    this.docs.set(file, { tree: fromLines(lines), history: new UndoHistory(this.opts.undoLimit), owner: newOwner() });
  }

  deleteFile(file: string): void {
    this.docs.delete(file);
    this.saving.delete(file);
    this.inlineAccepts.delete(file);
  }

  text(file: string): string | undefined {
    const doc = this.docs.get(file);
    return doc ? treeText(doc.tree) : undefined;
  }

  /** One label per line of the file's text ([] for a file the engine does not hold). */
  labels(file: string): LineLabel[] {
    const doc = this.docs.get(file);
    return doc ? toLines(doc.tree).map((l) => l.label) : [];
  }

  /** The label of one line (0-based), in O(log n): what a gutter needs for the visible range. */
  lineLabel(file: string, line: number): LineLabel | undefined {
    const doc = this.docs.get(file);
    return doc && line >= 0 && line < lineCount(doc.tree) ? lineAt(doc.tree, line).label : undefined;
  }

  lineCount(file: string): number {
    return lineCount(this.docs.get(file)?.tree ?? null);
  }

  files(): string[] {
    return [...this.docs.keys()];
  }

  /** Counts come from the tree's aggregates, so this is O(1) plus the agent names. */
  stats(file: string): FileStats {
    const tree = this.docs.get(file)?.tree ?? null;
    if (!tree) return { ai: 0, aiModified: 0, human: 0, untracked: 0, agents: [] };
    const { ai, human, humanWasAi, untracked } = tree;
    const agents =
      (tree.agents & AGENT_OVERFLOW_BIT) !== 0
        ? [...new Set(toLines(tree).flatMap((l) => (l.label.kind === 'ai' ? [l.label.agent] : [])))]
        : this.writers.agentsInMask(tree.agents);
    return { ai, aiModified: humanWasAi, human: human + humanWasAi, untracked, agents: agents.sort() };
  }

  // --- observations ---

  private onEdit(o: EditObservation): void {
    const doc = this.doc(o.file);
    // "An inlineAccept is used up by the next edit of its file", whatever that edit turns out to be.
    const accepted = this.inlineAccepts.get(o.file);
    this.inlineAccepts.delete(o.file);
    if (o.reason) {
      // Build the text the undo/redo produced; the history then supplies the labels that text had. Characters
      // it cannot account for are `untracked`: nobody observed who wrote them.
      const stamp = { writer: this.writers.untracked, seq: this.nextSeq() };
      const candidate = this.applyChanges(o, doc.tree, () => ({ kind: 'write', stamp }));
      doc.tree = o.reason === 'undo' ? doc.history.undo(doc.tree, candidate) : doc.history.redo(doc.tree, candidate);
      doc.owner = newOwner(); // the history keeps the trees it passed over, which share nodes with this one
      return;
    }
    // One change may go in place: its undo state is then the line it replaced. Several changes are applied to
    // copies, since the state before the first must survive the later ones.
    const owner = o.changes.length === 1 ? doc.owner : 0;
    const tree = this.applyChanges(o, doc.tree, (change) => this.modeFor(o.file, change, accepted), owner);
    this.commit(doc, tree);
  }

  /** Who writes one change of an ordinary edit (DESIGN's rules, in order of precedence). */
  private modeFor(file: string, change: TextChange, accepted: string | undefined): ChangeMode {
    if (this.saving.has(file)) return { kind: 'keep' };
    if (accepted !== undefined) return this.write(aiLabel(accepted, { at: this.opts.now?.() }));
    const human: ChangeMode = { kind: 'write', stamp: { writer: this.writers.human, seq: this.nextSeq() } };
    if (change.text === '') return human;
    if (this.clipboard !== undefined && normalizeLineEndings(change.text) === this.clipboard) return human;
    if (isMultiLineInsertion(change.text))
      return this.write(aiLabel('unknown', { confidence: 'low', at: this.opts.now?.() }));
    return human;
  }

  private onAgentBefore(o: AgentObservation): void {
    const call: ToolCall = { agent: o.agent, model: o.model, session: o.session, snapshots: new Map() };
    for (const [file, content] of Object.entries(o.files)) {
      const doc = this.docs.get(file);
      // The agent sees the file as it is; differences from what the engine holds happened while nothing
      // watched, so nobody known wrote them.
      if (!doc) this.setFile(file, content);
      else if (treeText(doc.tree) !== content)
        this.commit(doc, this.rewrite(doc.tree, content, this.stampFor(UNOBSERVED), true));
      const snapshot = this.docs.get(file)!;
      call.snapshots.set(file, snapshot.tree);
      snapshot.owner = newOwner(); // the snapshot keeps the tree as it is now
    }
    this.toolCalls.push(call);
  }

  private onAgentAfter(o: AgentObservation): void {
    let index = -1;
    for (let i = this.toolCalls.length - 1; i >= 0 && index < 0; i--) {
      const c = this.toolCalls[i];
      if (c.agent === o.agent && (o.session === undefined || c.session === undefined || c.session === o.session))
        index = i;
    }
    const call = index >= 0 ? this.toolCalls.splice(index, 1)[0] : undefined;
    const stamp = this.stampFor(
      aiLabel(o.agent, { model: o.model ?? call?.model, session: o.session ?? call?.session, at: this.opts.now?.() }),
    );
    for (const [file, content] of Object.entries(o.files)) {
      const doc = this.doc(file);
      // Compared with the `before` snapshot, not with writes made during the call: content the agent deleted
      // and recreated unchanged keeps its label.
      const base = call?.snapshots.get(file) ?? doc.tree;
      this.commit(doc, this.rewrite(base, content, stamp));
    }
  }

  private onDiskWrite(file: string, content: string): void {
    const doc = this.doc(file);
    if (treeText(doc.tree) === content) return; // our own save echoing back, or a no-op write
    const writer = this.diskWriter(file);
    // Nobody known wrote it (a formatter in a git hook, another editor): formatting-only blocks keep their labels.
    this.commit(doc, this.rewrite(doc.tree, content, this.stampFor(writer), writer.kind === 'untracked'));
  }

  /** Who wrote a file on disk: the agent tool call in progress, else a known agent CLI running, else nobody known. */
  private diskWriter(file: string): LineLabel {
    const call =
      [...this.toolCalls].reverse().find((c) => c.snapshots.has(file)) ?? this.toolCalls[this.toolCalls.length - 1];
    if (call) return aiLabel(call.agent, { model: call.model, session: call.session, at: this.opts.now?.() });
    const run = this.terminals[this.terminals.length - 1];
    if (run) return aiLabel(run.agent, { at: this.opts.now?.() });
    return UNOBSERVED;
  }

  private onTerminal(command: string, state: 'start' | 'end'): void {
    const agent = agentForCommand(command);
    if (agent === undefined) return;
    if (state === 'start') {
      this.terminals.push({ command, agent });
      return;
    }
    // Shell integration may report the command line slightly differently at the end; fall back to the agent.
    let i = this.terminals.map((r) => r.command).lastIndexOf(command);
    if (i < 0) i = this.terminals.map((r) => r.agent).lastIndexOf(agent);
    if (i >= 0) this.terminals.splice(i, 1);
  }

  // --- helpers ---

  private doc(file: string): FileState {
    let doc = this.docs.get(file);
    if (!doc) {
      doc = { tree: null, history: new UndoHistory(this.opts.undoLimit), owner: newOwner() };
      this.docs.set(file, doc);
    }
    return doc;
  }

  /**
   * Makes `tree` the file's state, undoably. After one replacement or splice (`tree` may then be `doc.tree`
   * changed in place) the history keeps what it changed; otherwise the whole earlier tree, which shares nodes
   * with the new one, so from then on nothing may change those in place.
   */
  private commit(doc: FileState, tree: Tree): void {
    const delta = editDelta(doc.tree, tree);
    if (!delta && tree === doc.tree) return;
    doc.history.recordChange(delta ?? doc.tree);
    if (!delta) doc.owner = newOwner();
    doc.tree = tree;
  }

  /** Applies an edit's changes in order, each against the text the previous one left; all or nothing. */
  private applyChanges(o: EditObservation, tree: Tree, mode: (c: TextChange) => ChangeMode, owner = 0): Tree {
    for (let i = 0; i < o.changes.length; i++) {
      const change = o.changes[i];
      try {
        tree = applyChange(tree, change, mode(change), this.writers, owner);
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
        throw new CountersignError('input', `edit of ${o.file}, change ${i}: ${err.message}`);
      }
    }
    return tree;
  }

  /**
   * A whole-content observation: lines equal to `base`'s ignoring whitespace keep their labels, and with
   * `keepFormatting` (nobody known wrote it) so do formatting-only blocks (formattingOnly.ts).
   */
  private rewrite(base: Tree, content: string, stamp: Stamp, keepFormatting = false): Tree {
    if (treeText(base) === content) return base;
    const lines = rewriteLines(toLines(base), splitLinesWithEnds(content), stamp, this.writers, { keepFormatting });
    return charCount(base) === 0 && lines.length === 0 ? base : fromLines(lines);
  }

  private write(label: LineLabel): ChangeMode {
    return { kind: 'write', stamp: this.stampFor(label) };
  }

  private stampFor(label: LineLabel): Stamp {
    return { writer: this.writers.intern(label), seq: this.nextSeq() };
  }

  private nextSeq(): number {
    return ++this.seq;
  }

  private linesWithLabels(texts: readonly string[], labels: readonly LineLabel[]): Line[] {
    return texts.map((text, i) => {
      const label = labels[i];
      const aiSeq = this.nextSeq();
      const main = { writer: this.writers.intern(label), seq: this.nextSeq() };
      const ai =
        label.kind === 'human' && label.wasAi
          ? {
              writer: this.writers.intern(
                aiLabel(label.wasAi.agent, { model: label.wasAi.model, session: label.wasAi.session }),
              ),
              seq: aiSeq,
            }
          : undefined;
      return stampedLine(text, main, ai, this.writers);
    });
  }
}
