import { labelIdentity, type LineLabel } from '../attribution/labels';
import type { AgentObservation, Observation } from '../attribution/observations';
import { runningAgent } from '../attribution/agentNames';
import {
  applySettlement,
  changedUnread,
  noteRemoval,
  noteRestoredAll,
  pruneSettled,
  removedLines,
  type RemovalWriter,
} from './agentRemovals';
import { decodeLabels, encodeLabels, type LedgerContext, type QueueEntry, type ToolCallRecord } from './records';
import { reconcileLabels, untrackedLabels } from './reconcile';

/**
 * Folds queued records into per-file attribution, in queue order. Pure: the caller (src/git/ledger.ts)
 * loads the states and baselines the entries need, and persists what this returns.
 *
 * Each record is applied with a fresh attribution engine primed with the ledger's context — the open agent
 * tool calls, running terminal commands, the last clipboard text, pending inline accepts, save windows — so
 * records written by different processes at different times are judged as one engine watching them all
 * would judge them. The rules themselves stay in the engine.
 *
 * Agent checkpoints come from two hook processes: the `before` snapshot (content and labels of each file
 * at that moment) is kept in the context until its `after` arrives, and the `after` content is compared
 * with that snapshot, however much the ledger saw in between.
 */
export interface EngineLike {
  observe(o: Observation): void;
  setFile(file: string, content: string, labels?: LineLabel[]): void;
  text(file: string): string | undefined;
  labels(file: string): LineLabel[];
}

export interface FileState {
  content: string;
  labels: LineLabel[];
}

export interface FoldInput {
  /** The current state of every file the entries name (undefined: not tracked yet). */
  files: ReadonlyMap<string, FileState | undefined>;
  /**
   * HEAD's content (undefined: not in HEAD) of files with no state — their untracked starting point — and of
   * the files `headPathsForShellCalls` names. A path not in the map: not loaded.
   */
  baselines: ReadonlyMap<string, string | undefined>;
  context: LedgerContext;
  entries: readonly QueueEntry[];
  now: number;
  /** A fresh engine whose clock reads `at`, the time the record being folded was made. */
  newEngine: (at: number) => EngineLike;
}

export interface FoldResult {
  /** Files whose state changed; null = no longer tracked (deleted by a tool call). */
  files: Map<string, FileState | null>;
  context: LedgerContext;
}

/** How long in-flight context lives without its closing record (a crashed agent, a closed terminal). */
export const CONTEXT_LIMITS = {
  // A tool call whose after never came (the tool failed and the agent has no failure hook) must not claim
  // later writes for long: agents bound their tool calls well under this (Claude Code's Bash: 10 minutes).
  toolCallMs: 30 * 60_000,
  terminalMs: 24 * 3600_000,
  inlineAcceptMs: 10 * 60_000,
  saveWindowMs: 2 * 60_000,
};

export function callKey(agent: string, session: string | undefined, callId: string | undefined): string {
  return JSON.stringify([agent, session ?? '', callId ?? '']);
}

export function foldEntries(input: FoldInput): FoldResult {
  const folder = new Folder(input);
  for (const entry of input.entries) folder.apply(entry);
  folder.expire(input.now);
  return { files: folder.changed, context: folder.context };
}

class Folder {
  readonly changed = new Map<string, FileState | null>();
  readonly context: LedgerContext;
  /** When the record being applied was made. */
  private at = 0;

  constructor(private readonly input: FoldInput) {
    this.context = structuredClone(input.context);
  }

  apply(entry: QueueEntry): void {
    this.at = entry.at;
    if (entry.kind === 'store') {
      this.set(entry.path, { content: entry.content, labels: decodeLabels(entry.labels) });
      return;
    }
    if (entry.kind === 'settle') {
      applySettlement(this.context, entry);
      return;
    }
    const o = entry.observation;
    const ctx = this.context;
    switch (o.type) {
      case 'clipboard':
        ctx.clipboard = { text: o.text, at: entry.at };
        return;
      case 'inlineAccept':
        ctx.inlineAccepts[o.file] = { agent: o.agent, at: entry.at };
        return;
      case 'terminal':
        if (o.state === 'start') ctx.terminals.push({ command: o.command, startedAt: entry.at });
        else {
          const i = ctx.terminals.findIndex((t) => t.command === o.command);
          if (i >= 0) ctx.terminals.splice(i, 1);
        }
        return;
      case 'willSave':
        ctx.saving[o.file] = entry.at;
        return;
      case 'save':
        delete ctx.saving[o.file];
        return;
      case 'edit': {
        const engine = this.primedEngine(o.file);
        engine.observe(o);
        this.set(o.file, read(engine, o.file));
        delete ctx.inlineAccepts[o.file]; // used up by this edit (DESIGN: "the next edit on that file")
        return;
      }
      case 'diskWrite': {
        const call = this.latestCall();
        const before = this.cleanAtStart(call, o.file) ?? this.current(o.file);
        if (call) {
          // "A diskWrite between an agent's before and after belongs to that tool call": remember what the file
          // was, so the call's after is compared with the content before the whole call.
          call.files[o.file] ??= { content: before.content, labels: encodeLabels(before.labels) };
        }
        const engine = this.primedEngine(o.file, call, before);
        engine.observe(o);
        // A terminal agent's write is judged here (a tool call's at its after, against its before snapshot).
        const agent = call ? undefined : runningAgent(ctx.terminals.map((r) => r.command));
        const removed = agent ? removedLines(before.content, o.content) : undefined;
        this.set(o.file, read(engine, o.file), removed);
        if (agent) this.noteRemoval(o.file, { agent }, { lines: removed });
        return;
      }
      case 'agent':
        if (o.phase === 'before') this.before(o, entry);
        else this.after(o, entry);
        return;
    }
  }

  private before(o: AgentObservation, entry: Extract<QueueEntry, { kind: 'observation' }>): void {
    const key = callKey(o.agent, o.session, entry.callId);
    const call: ToolCallRecord = (this.context.calls[key] ??= { agent: o.agent, startedAt: entry.at, files: {} });
    if (o.model !== undefined) call.model = o.model;
    if (o.session !== undefined) call.session = o.session;
    if (entry.callId !== undefined) call.callId = entry.callId;
    if (entry.shell) call.shell = true;
    if (entry.absent) call.absent = [...new Set([...(call.absent ?? []), ...entry.absent])];
    if (entry.stamps) call.stamps = { ...call.stamps, ...entry.stamps };
    // A shell before lists every changed file: one in neither list is as in HEAD, so every line an agent removed
    // from it is back (a human's restore nothing recorded, newuser15 #3's kind of write).
    const removals = this.context.removals;
    if (entry.shell && entry.absent && removals)
      for (const p of Object.keys(removals)) if (!(p in o.files) && !entry.absent.includes(p)) delete removals[p];
    for (const [path, content] of Object.entries(o.files)) {
      const known = this.stateOrBaseline(path);
      // What changed since the ledger last saw the file happened while nothing watched: untracked.
      const labels = known ? reconcileLabels(known, content) : untrackedLabels(content);
      this.set(path, { content, labels });
      call.files[path] ??= { content, labels: encodeLabels(labels) };
    }
  }

  private after(o: AgentObservation, entry: Extract<QueueEntry, { kind: 'observation' }>): void {
    const key = callKey(o.agent, o.session, entry.callId);
    const own = this.context.calls[key] ?? this.findCall(o);
    for (const [path, content] of Object.entries(o.files)) {
      const found = this.findSnapshot(key, o, path);
      const call = found?.call;
      const clean = found ? undefined : this.cleanAtStart(own, path);
      const base: FileState = found
        ? { content: found.snapshot.content, labels: decodeLabels(found.snapshot.labels) }
        : (clean ?? this.current(path));
      const model = o.model ?? call?.model;
      const engine = this.input.newEngine(this.at);
      engine.setFile(path, base.content, base.labels.slice());
      const meta = {
        agent: o.agent,
        ...(model !== undefined ? { model } : {}),
        ...(o.session !== undefined ? { session: o.session } : {}),
      };
      engine.observe({ type: 'agent', phase: 'before', ...meta, files: { [path]: base.content } });
      engine.observe({ type: 'agent', phase: 'after', ...meta, files: { [path]: content } });
      // What the call removed, only against what the file was when it began (not a state that may be older).
      const removed = found || clean ? removedLines(base.content, content) : undefined;
      this.set(path, read(engine, path), removed);
      this.noteRemoval(path, meta, { lines: removed });
      if (found) delete found.call.files[path];
    }
    for (const path of entry.deleted ?? []) {
      this.changed.set(path, null);
      const found = this.findSnapshot(key, o, path);
      // The call deleted the file if it existed when the call began: snapshotted with content, or (a shell call
      // naming no files) not among the files git already listed as deleted then.
      const existed = found ? found.snapshot.content !== '' : own?.absent !== undefined && !own.absent.includes(path);
      if (existed) this.noteRemoval(path, writerOf(o, found?.call.model ?? own?.model), { file: true });
      if (found) delete found.call.files[path];
    }
    // A file the after could not read still ends the call for it (newuser20 F13): left open, the snapshot
    // claimed every later write to it for 30 minutes, a person's or another agent's. Its state stays what the
    // call began from (plus writes seen during the call), so a reader shows what changed since as untracked; a
    // call that changed it is remembered as having written it (newuser22 F-nul: agentRemovals.changedUnread).
    for (const path of entry.unread ?? []) {
      const found = this.findSnapshot(key, o, path);
      const call = found?.call ?? own;
      if (changedUnread(call, found !== undefined, path, entry.stamps?.[path]))
        this.noteRemoval(path, writerOf(o, call?.model), { unread: true });
      if (found) delete found.call.files[path];
    }
    if (own && (entry.shell || Object.keys(own.files).length === 0)) {
      for (const [k, c] of Object.entries(this.context.calls)) if (c === own) delete this.context.calls[k];
    }
  }

  private noteRemoval(path: string, writer: RemovalWriter, removed: Parameters<typeof noteRemoval>[4]): void {
    if (removed.file || removed.unread || (removed.lines?.size ?? 0) > 0)
      noteRemoval((this.context.removals ??= {}), path, writer, this.at, removed);
  }

  /** The before snapshot of `path` for this after: the exact call first, then the same agent and session, then the agent. */
  private findSnapshot(
    key: string,
    o: AgentObservation,
    path: string,
  ): { call: ToolCallRecord; snapshot: ToolCallRecord['files'][string] } | undefined {
    const exact = this.context.calls[key];
    if (exact?.files[path]) return { call: exact, snapshot: exact.files[path] };
    const candidates = Object.values(this.context.calls)
      .filter((c) => c.agent === o.agent && c.files[path] !== undefined)
      .sort(
        (a, b) =>
          Number((b.session ?? '') === (o.session ?? '')) - Number((a.session ?? '') === (o.session ?? '')) ||
          a.startedAt - b.startedAt,
      );
    const c = candidates[0];
    return c ? { call: c, snapshot: c.files[path] } : undefined;
  }

  private findCall(o: AgentObservation): ToolCallRecord | undefined {
    return Object.values(this.context.calls).find(
      (c) => c.agent === o.agent && (c.session ?? '') === (o.session ?? ''),
    );
  }

  private latestCall(): ToolCallRecord | undefined {
    let latest: ToolCallRecord | undefined;
    for (const c of Object.values(this.context.calls)) if (!latest || c.startedAt >= latest.startedAt) latest = c;
    return latest;
  }

  /** A fresh engine holding `file`'s state and the context that judges the next observation of it. */
  private primedEngine(file: string, call?: ToolCallRecord, state = this.current(file)): EngineLike {
    const engine = this.input.newEngine(this.at);
    engine.setFile(file, state.content, state.labels.slice());
    const ctx = this.context;
    for (const t of ctx.terminals) engine.observe({ type: 'terminal', command: t.command, state: 'start' });
    if (ctx.clipboard) engine.observe({ type: 'clipboard', text: ctx.clipboard.text });
    const accept = ctx.inlineAccepts[file];
    if (accept)
      engine.observe({ type: 'inlineAccept', file, ...(accept.agent !== undefined ? { agent: accept.agent } : {}) });
    if (ctx.saving[file] !== undefined) engine.observe({ type: 'willSave', file });
    if (call) {
      engine.observe({
        type: 'agent',
        phase: 'before',
        agent: call.agent,
        ...(call.model !== undefined ? { model: call.model } : {}),
        ...(call.session !== undefined ? { session: call.session } : {}),
        files: { [file]: state.content },
      });
    }
    return engine;
  }

  expire(now: number): void {
    const ctx = this.context;
    for (const [k, c] of Object.entries(ctx.calls))
      if (now - c.startedAt > CONTEXT_LIMITS.toolCallMs) delete ctx.calls[k];
    ctx.terminals = ctx.terminals.filter((t) => now - t.startedAt <= CONTEXT_LIMITS.terminalMs);
    for (const [f, a] of Object.entries(ctx.inlineAccepts))
      if (now - a.at > CONTEXT_LIMITS.inlineAcceptMs) delete ctx.inlineAccepts[f];
    for (const [f, at] of Object.entries(ctx.saving)) if (now - at > CONTEXT_LIMITS.saveWindowMs) delete ctx.saving[f];
    if (ctx.settled) ctx.settled = pruneSettled(ctx.settled, now);
    if (ctx.settled?.length === 0) delete ctx.settled;
  }

  /**
   * Records a file's new state, unless it says nothing new: the same as the current state, or all lines
   * untracked for a file the ledger does not track (which is what "not tracked" means anyway). A shell
   * checkpoint snapshots every changed file; most of them need no record of their own.
   */
  private set(path: string, state: FileState, removed?: ReadonlyMap<string, number>): void {
    const ctx = this.context;
    if (ctx.removals?.[path] || ctx.settled?.some((r) => r.removals[path]))
      noteRestoredAll(ctx, path, this.stateOrBaseline(path)?.content, state.content);
    const tracked = this.changed.has(path) ? (this.changed.get(path) ?? undefined) : this.input.files.get(path);
    if (tracked === undefined) {
      // A file an agent removed lines from keeps a state, all untracked or not: a line brought back later is
      // then seen coming back (agentRemovals.noteRestored), not compared with HEAD, which still has it.
      if (state.labels.every((l) => l.kind === 'untracked') && !removed?.size) return;
    } else if (tracked.content === state.content && sameLabels(tracked.labels, state.labels)) {
      return;
    }
    this.changed.set(path, state);
  }

  /**
   * What the ledger knows of a file: its state; else the snapshot an open tool call took of it (the ledger
   * keeps no state for files that are all untracked); else its HEAD content as untracked lines; else nothing.
   */
  private stateOrBaseline(path: string): FileState | undefined {
    if (this.changed.has(path)) return this.changed.get(path) ?? undefined;
    const known = this.input.files.get(path);
    if (known) return known;
    let snapshot: ToolCallRecord['files'][string] | undefined;
    let latest = -Infinity;
    for (const c of Object.values(this.context.calls)) {
      if (c.files[path] && c.startedAt >= latest) {
        snapshot = c.files[path];
        latest = c.startedAt;
      }
    }
    if (snapshot) return { content: snapshot.content, labels: decodeLabels(snapshot.labels) };
    const baseline = this.input.baselines.get(path);
    return baseline === undefined ? undefined : { content: baseline, labels: untrackedLabels(baseline) };
  }

  /**
   * `path` as `call` began, when the call has no snapshot of it: a shell call's before snapshotted every file git
   * listed as changed, so any other file was clean — HEAD's content — then. The ledger's state may be older than
   * that, because git writes files without a checkout (a squash or fast-forward merge, a pull, `git restore`)
   * and no hook records it; comparing with that state would credit the call with every line git wrote since
   * (newuser15 #3). The labels are the state's where lines match, as a reader reconciling it showed them then.
   * Undefined when not known: no shell call, or HEAD's content not loaded (the caller then uses the state).
   */
  private cleanAtStart(call: ToolCallRecord | undefined, path: string): FileState | undefined {
    if (!call?.shell || call.files[path] || !this.input.baselines.has(path)) return undefined;
    const head = this.input.baselines.get(path) ?? '';
    const known = this.stateOrBaseline(path);
    return { content: head, labels: known ? reconcileLabels(known, head) : untrackedLabels(head) };
  }

  private current(path: string): FileState {
    return this.stateOrBaseline(path) ?? { content: '', labels: [] };
  }
}

function sameLabels(a: readonly LineLabel[], b: readonly LineLabel[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && labelIdentity(a[i]) !== labelIdentity(b[i])) return false;
  return true;
}

function read(engine: EngineLike, path: string): FileState {
  return { content: engine.text(path) ?? '', labels: engine.labels(path) };
}

/** Who made an agent observation: its agent and session, its model or the model its call recorded. */
function writerOf(o: AgentObservation, callModel?: string): RemovalWriter {
  const model = o.model ?? callModel;
  return { agent: o.agent, ...(model !== undefined ? { model } : {}), ...(o.session ? { session: o.session } : {}) };
}

/** The snapshot the latest open tool call took of a file the ledger keeps no state for (all untracked then). */
export function openCallSnapshot(context: LedgerContext, file: string): FileState | undefined {
  let latest: LedgerContext['calls'][string] | undefined;
  for (const c of Object.values(context.calls))
    if (c.files[file] && (!latest || c.startedAt >= latest.startedAt)) latest = c;
  const snap = latest?.files[file];
  return snap ? { content: snap.content, labels: decodeLabels(snap.labels) } : undefined;
}
