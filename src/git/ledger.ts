import * as path from 'path';
import { AttributionEngine } from '../core/attribution/engine';
import type { LineLabel } from '../core/attribution/labels';
import { observationSchema, type Observation } from '../core/attribution/observations';
import { CountersignError } from '../core/errors';
import { foldEntries, openCallSnapshot, type EngineLike, type FileState } from '../core/ledger/fold';
import { entryPaths, headPathsForShellCalls } from '../core/ledger/foldPaths';
import type { AgentRemovals, RemovalContext } from '../core/ledger/agentRemovals';
import { decodeLabels, encodeLabels, type LedgerContext, type QueueEntry } from '../core/ledger/records';
import { reconcileLabels } from '../core/ledger/reconcile';
import { silentLogger, type Logger } from '../core/logger';
import { FileLock } from './fileLock';
import { headContents } from './headBlobs';
import { appendHookLog } from './hookLog';
import { ledgerLossWarning, ledgerSetAsideLogLine } from './ledgerLoss';
import { LedgerStore, newEntryId } from './ledgerStore';
import { countersignDir, resolveRepo, type RepoPaths } from './repository';
import { readWorkingTexts } from './workingText';

/**
 * The working ledger (docs/design.md: "The working ledger lives under .git/countersign/"): what is known about
 * the uncommitted lines of the working tree, shared by every VS Code window, the CLI and agents' hooks.
 *
 *   record(obs)            anyone: append an observation (lock-free, durable when it returns)
 *   storeFile(p, c, l)     the editor: its buffer's labels as saved
 *   fileAttribution(p)     anyone: the file's labels, reconciled with the working tree
 *
 * Records are folded into per-file state in queue order by whichever reader comes next (see
 * ledgerStore.ts for the crash-safety rules and core/ledger/fold.ts for the semantics).
 */
export interface RecordMeta {
  /** Pairs an agent `after` with its `before` when the agent names tool calls. */
  callId?: string;
  /** Files an agent tool call deleted. */
  deleted?: string[];
  /**
   * The tool call was a shell command: its after closes every snapshot its before took, and its before
   * snapshotted every file git listed as changed (core/ledger/fold.ts relies on that for the others).
   */
  shell?: boolean;
  /** A shell call's before: the files git listed as deleted as it began (empty is an answer too). */
  absent?: string[];
  /**
   * Files an agent `after` could not snapshot (over the size bound, not a regular file): it still closes its
   * before's snapshot of them, so later writes are not folded into a call that has ended (newuser20 F13).
   */
  unread?: string[];
  /** Files an agent checkpoint found too large to snapshot: path -> workingFiles.fileStamp (inode data only). */
  stamps?: Record<string, string>;
}

export interface Attribution {
  content: string;
  labels: LineLabel[];
}

export interface Ledger {
  /** Working tree root; paths are relative to it, with forward slashes. */
  readonly root: string;
  /** The ledger folder (`.git/countersign/ledger`, per worktree). */
  readonly dir: string;
  record(obs: Observation, meta?: RecordMeta): Promise<void>;
  storeFile(path: string, content: string, labels: LineLabel[]): Promise<void>;
  /**
   * With `storedAs`: the labels held for that path, reconciled with the working file at `path` — a file
   * renamed outside the editor (`git mv`) since its labels were stored.
   */
  fileAttribution(path: string, storedAs?: string): Promise<Attribution | undefined>;
  /** fileAttribution for many files with one fold (status, commit provenance). */
  fileAttributions(paths: string[]): Promise<Map<string, Attribution | undefined>>;
  allFiles(): Promise<string[]>;
  /** What agents' tool calls removed that is still gone (core/ledger/agentRemovals.ts), after folding the queue. */
  agentRemovals(): Promise<AgentRemovals>;
  /** Those and the removals settled by the commits that carried them (attack31 F1), from one fold. */
  removalContext(): Promise<RemovalContext>;
  /** The sentence about ledger files found unreadable and set aside (their labels are lost): ledgerLoss.ts. */
  lostLabels(): Promise<string[]>;
  /** Folds the queue now; with `wait: false` it gives up at once when another process is folding. Returns whether it folded. */
  sync(opts?: { wait?: boolean }): Promise<boolean>;
}

export interface LedgerOptions {
  newEngine?: (at: number) => EngineLike;
  now?: () => number;
  logger?: Logger;
  /** Bounded wait for the ledger lock; past it, readers answer from an in-memory fold instead. */
  lockTimeoutMs?: number;
  /** Test hook: called between the stages of a fold's commit, so crash tests can kill the process there. */
  onFoldStep?: (step: string) => void;
  /** `repoRoot` already resolved by the caller (prepare-commit-msg has it: one git call fewer on every commit). */
  repo?: RepoPaths;
}

/** Entries folded per lock hold, so one huge backlog never holds the lock for long. */
const FOLD_BATCH = 500;

export async function openLedger(repoRoot: string, opts: LedgerOptions = {}): Promise<Ledger> {
  const repo = opts.repo ?? (await resolveRepo(repoRoot));
  if (repo.bare || !repo.root) {
    throw new CountersignError('config', `${repo.commonDir} is a bare repository: it has no working tree to attribute`);
  }
  // Linked worktrees share the common git dir but not their files: each keeps its own ledger.
  const base = countersignDir(repo);
  const dir =
    path.resolve(repo.gitDir) === path.resolve(repo.commonDir)
      ? path.join(base, 'ledger')
      : path.join(base, 'worktrees', path.basename(repo.gitDir), 'ledger');
  return new WorkingLedger(repo.root, dir, opts, base);
}

class WorkingLedger implements Ledger {
  private readonly store: LedgerStore;
  private readonly newEngine: (at: number) => EngineLike;
  private readonly now: () => number;
  private readonly log: Logger;

  constructor(
    readonly root: string,
    readonly dir: string,
    private readonly opts: LedgerOptions,
    logDir: string,
  ) {
    // Said where agents' hooks report problems too, at the moment it happens (the readers warn as well).
    this.store = new LedgerStore(dir, (_from, to) => appendHookLog(logDir, ledgerSetAsideLogLine(root, to)));
    this.store.ensure();
    // AI labels carry the time the record was made, not the time some later reader folded it.
    this.newEngine = opts.newEngine ?? ((at) => new AttributionEngine({ now: () => at }));
    this.now = opts.now ?? Date.now;
    this.log = opts.logger ?? silentLogger;
  }

  async record(obs: Observation, meta: RecordMeta = {}): Promise<void> {
    const parsed = observationSchema.safeParse(obs);
    if (!parsed.success) {
      throw new CountersignError(
        'input',
        `not an observation: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    const observation = this.relativeObservation(parsed.data);
    const at = this.now();
    const entry: QueueEntry = { v: 1, id: newEntryId(at), at, kind: 'observation', observation };
    if (meta.callId !== undefined) entry.callId = meta.callId;
    if (meta.deleted?.length) entry.deleted = meta.deleted.map((p) => this.relative(p));
    if (meta.shell) entry.shell = true;
    if (meta.absent !== undefined) entry.absent = meta.absent.map((p) => this.relative(p));
    if (meta.unread?.length) entry.unread = meta.unread.map((p) => this.relative(p));
    const stamps = Object.entries(meta.stamps ?? {});
    if (stamps.length) entry.stamps = Object.fromEntries(stamps.map(([p, st]) => [this.relative(p), st]));
    this.store.writeEntry(entry);
  }

  async storeFile(file: string, content: string, labels: LineLabel[]): Promise<void> {
    const at = this.now();
    this.store.writeEntry({
      v: 1,
      id: newEntryId(at),
      at,
      kind: 'store',
      path: this.relative(file),
      content,
      labels: encodeLabels(labels),
    });
  }

  async fileAttribution(file: string, storedAs?: string): Promise<Attribution | undefined> {
    if (storedAs === undefined) return (await this.fileAttributions([file])).get(file);
    return (await this.attributionsIn(await this.currentView(), [[file, this.relative(storedAs)]])).get(file);
  }

  async fileAttributions(files: string[]): Promise<Map<string, Attribution | undefined>> {
    return this.attributionsIn(
      await this.currentView(),
      files.map((f) => [f, this.relative(f)]),
    );
  }

  /**
   * Each [file, the path its labels are held under]: those labels, reconciled with the working file read as git
   * will store it (workingText.ts: one rule for every reader), after the fold. No labels, or a working file that is
   * not a regular file within the bound (issue 16, class 7: it may since have become a symlink to /dev/zero or a
   * FIFO) or cannot be decoded: no attribution to show.
   */
  private async attributionsIn(
    view: { files: Map<string, FileState | null>; context: LedgerContext },
    files: Array<[string, string]>,
  ): Promise<Map<string, Attribution | undefined>> {
    const states = files.map(([file, rel]) => {
      const state =
        (view.files.has(rel) ? (view.files.get(rel) ?? undefined) : this.store.readState(rel)) ??
        openCallSnapshot(view.context, rel);
      return { file, rel, state };
    });
    const disk = await readWorkingTexts(
      this.root,
      states.filter((s) => s.state).map((s) => this.relative(s.file)),
    );
    const out = new Map<string, Attribution | undefined>();
    for (const { file, rel, state } of states) {
      const text = disk.get(this.relative(file));
      if (!state || text === undefined) out.set(file, undefined);
      else if (text === state.content) out.set(file, { content: state.content, labels: state.labels });
      else out.set(file, { content: text, labels: this.reconcile(rel, state, text, view.context) });
    }
    return out;
  }

  async agentRemovals(): Promise<AgentRemovals> {
    return (await this.currentView()).context.removals ?? {};
  }

  async removalContext(): Promise<RemovalContext> {
    return (await this.currentView()).context;
  }

  async lostLabels(): Promise<string[]> {
    const said = await ledgerLossWarning(this.root, this.dir);
    return said === undefined ? [] : [said];
  }

  async allFiles(): Promise<string[]> {
    const view = await this.currentView();
    const paths = new Set(this.store.listStatePaths());
    for (const [p, s] of view.files) {
      if (s === null) paths.delete(p);
      else paths.add(p);
    }
    return [...paths].sort();
  }

  async sync(opts: { wait?: boolean } = {}): Promise<boolean> {
    const lock =
      opts.wait === false
        ? FileLock.tryAcquire(this.store.lockFile)
        : await FileLock.acquire(this.store.lockFile, { timeoutMs: this.opts.lockTimeoutMs });
    if (!lock) return false;
    try {
      await this.foldLocked(lock);
      return true;
    } finally {
      lock.release();
    }
  }

  /**
   * Folds and answers from disk when the lock can be had within the bounded wait; otherwise (a folder
   * stuck or very slow) folds the queue in memory without writing, so a reader never hangs.
   */
  private async currentView(): Promise<{ files: Map<string, FileState | null>; context: LedgerContext }> {
    let lock: FileLock | undefined;
    try {
      lock = await FileLock.acquire(this.store.lockFile, { timeoutMs: this.opts.lockTimeoutMs ?? 3000 });
    } catch (e) {
      if (!CountersignError.is(e, 'io')) throw e;
      this.log.warn(`${errorText(e)}; answering from an in-memory fold`);
      return this.inMemoryView();
    }
    try {
      await this.foldLocked(lock);
      return { files: new Map(), context: this.store.readContext() };
    } finally {
      lock.release();
    }
  }

  private async foldLocked(lock: FileLock): Promise<void> {
    const step = this.opts.onFoldStep ?? (() => undefined);
    const pending = this.store.readJournal();
    if (pending) {
      this.log.info('completing a fold that was interrupted');
      this.store.replay(pending, step);
    }
    this.store.sweepTemp(10 * 60_000);
    for (;;) {
      const ids = this.store.listEntryIds().slice(0, FOLD_BATCH);
      if (ids.length === 0) return;
      const entries = this.readEntries(ids, true);
      const result = await this.fold(entries, new Map(), this.store.readContext());
      const journal = this.store.makeJournal(
        result.files,
        result.context,
        entries.map((e) => e.id),
        this.now(),
      );
      lock.refresh();
      this.store.commit(journal, step);
      if (ids.length < FOLD_BATCH) return;
    }
  }

  private async inMemoryView(): Promise<{ files: Map<string, FileState | null>; context: LedgerContext }> {
    const files = new Map<string, FileState | null>();
    let context = this.store.readContext();
    let consumed = new Set<string>();
    const journal = this.store.readJournal();
    if (journal) {
      // An interrupted fold: its journal is complete, so read its outcome from there, not from the files.
      for (const [p, r] of Object.entries(journal.files)) {
        files.set(p, r === null ? null : { content: r.content, labels: decodeLabels(r.labels) });
      }
      context = journal.context;
      consumed = new Set(journal.consumed);
    }
    const entries = this.readEntries(
      this.store.listEntryIds().filter((id) => !consumed.has(id)),
      false,
    );
    const result = await this.fold(entries, files, context);
    for (const [p, s] of result.files) files.set(p, s);
    return { files, context: result.context };
  }

  private readEntries(ids: string[], rejectBad: boolean): QueueEntry[] {
    const entries: QueueEntry[] = [];
    for (const id of ids) {
      const e = this.store.readEntry(id);
      if (e === undefined) continue;
      if ('error' in e) {
        this.log.warn(`ledger entry ${id} is unusable and was set aside: ${e.error}`);
        if (rejectBad) this.store.reject(id);
        continue;
      }
      entries.push(e);
    }
    return entries;
  }

  private async fold(entries: QueueEntry[], overlay: Map<string, FileState | null>, context: LedgerContext) {
    const files = new Map<string, FileState | undefined>();
    const missing: string[] = [];
    for (const e of entries) {
      for (const p of entryPaths(e)) {
        if (files.has(p)) continue;
        const state = overlay.has(p) ? (overlay.get(p) ?? undefined) : this.store.readState(p);
        files.set(p, state);
        if (!state) missing.push(p);
      }
    }
    // One `git cat-file --batch` for both; the second set is empty unless a shell tool call is in play.
    const head = new Set([...missing, ...headPathsForShellCalls(entries, context)]);
    const baselines = await headContents(this.root, [...head]);
    return foldEntries({ files, baselines, context, entries, now: this.now(), newEngine: this.newEngine });
  }

  /**
   * The working-tree file differs from what the ledger last saw. While an agent tool call or a terminal
   * agent is running, that difference is probably theirs, so it goes through the engine as a diskWrite;
   * otherwise it changed while nothing watched and the changed lines are `untracked`.
   */
  private reconcile(file: string, state: FileState, disk: string, context: LedgerContext): LineLabel[] {
    // Only a call that snapshotted this very file claims its changes here; a write it made to a file it did
    // not name is judged when its after arrives.
    const busy = Object.values(context.calls).some((c) => c.files[file] !== undefined) || context.terminals.length > 0;
    if (!busy) return reconcileLabels(state, disk);
    const at = this.now();
    const result = foldEntries({
      files: new Map([[file, state]]),
      baselines: new Map(),
      context,
      entries: [
        { v: 1, id: 'reconcile', at, kind: 'observation', observation: { type: 'diskWrite', file, content: disk } },
      ],
      now: at,
      newEngine: this.newEngine,
    });
    return result.files.get(file)?.labels ?? reconcileLabels(state, disk);
  }

  /** Repository-relative, forward slashes; absolute paths inside the work tree are accepted. */
  private relative(file: string): string {
    const abs = path.resolve(this.root, file);
    const rel = path.relative(this.root, abs);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
      throw new CountersignError('input', `${file} is not inside the working tree ${this.root}`);
    }
    return rel.split(path.sep).join('/');
  }

  private relativeObservation(o: Observation): Observation {
    switch (o.type) {
      case 'agent': {
        const files: Record<string, string> = {};
        for (const [p, c] of Object.entries(o.files)) files[this.relative(p)] = c;
        return { ...o, files };
      }
      case 'edit':
      case 'inlineAccept':
      case 'diskWrite':
      case 'willSave':
      case 'save':
        return { ...o, file: this.relative(o.file) };
      default:
        return o;
    }
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
