import * as fs from 'fs';
import * as path from 'path';
import { createHash, randomBytes } from 'crypto';
import {
  decodeLabels,
  encodeLabels,
  contextSchema,
  emptyContext,
  fileStateSchema,
  journalSchema,
  queueEntrySchema,
  type Journal,
  type LedgerContext,
  type QueueEntry,
} from '../core/ledger/records';
import type { FileState } from '../core/ledger/fold';
import { writeFileAtomic } from './atomicFile';

/**
 * The ledger's files under `.git/countersign/ledger/` and the two rules that make it crash-safe:
 *
 * 1. Writers never modify shared files: each observation is a new file in `queue/`, written to a temporary
 *    name, fsynced and renamed into place. A writer killed mid-write leaves only its own dot-named temp
 *    file; every other observation is untouched.
 * 2. Folding the queue into `files/` and `context.json` happens under the ledger lock and is redo-logged:
 *    the whole outcome goes into `journal.json` (atomically) before any state file changes, and the queue
 *    entries it consumed are deleted only after every state file is written. A folder killed at any point
 *    leaves either no journal (nothing changed; the entries are still queued) or a complete journal that
 *    the next folder replays. No observation is lost or applied twice.
 */
export class LedgerStore {
  readonly queueDir: string;
  readonly filesDir: string;
  readonly badDir: string;
  readonly lockFile: string;
  readonly journalFile: string;
  readonly contextFile: string;

  /** `onSetAside(from, to)`: told when a state file or the context is set aside (ledgerLoss.ts says what was lost). */
  constructor(
    readonly dir: string,
    private readonly onSetAside: (from: string, to: string) => void = () => undefined,
  ) {
    this.queueDir = path.join(dir, 'queue');
    this.filesDir = path.join(dir, 'files');
    this.badDir = path.join(dir, 'rejected');
    this.lockFile = path.join(dir, 'lock');
    this.journalFile = path.join(dir, 'journal.json');
    this.contextFile = path.join(dir, 'context.json');
  }

  ensure(): void {
    fs.mkdirSync(this.queueDir, { recursive: true });
    fs.mkdirSync(this.filesDir, { recursive: true });
  }

  /** Adds one record to the queue: durable once this returns, and never blocked by a lock. */
  writeEntry(entry: QueueEntry): void {
    writeFileAtomic(path.join(this.queueDir, `${entry.id}.json`), JSON.stringify(entry));
  }

  /** Queue entry ids in fold order (temp files of writers still at work start with a dot and are skipped). */
  listEntryIds(): string[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.queueDir);
    } catch {
      return [];
    }
    return names
      .filter((n) => !n.startsWith('.') && n.endsWith('.json'))
      .map((n) => n.slice(0, -5))
      .sort();
  }

  /** A queue entry, or an error description when it cannot be used (the caller sets it aside). */
  readEntry(id: string): QueueEntry | { error: string } | undefined {
    let text: string;
    try {
      text = fs.readFileSync(path.join(this.queueDir, `${id}.json`), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // folded meanwhile
      return { error: (e as Error).message };
    }
    try {
      const parsed = queueEntrySchema.safeParse(JSON.parse(text));
      return parsed.success
        ? parsed.data
        : { error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
    } catch (e) {
      return { error: (e as Error).message };
    }
  }

  /** Moves an unusable entry out of the queue so it cannot block the ones after it; kept for a bug report. */
  reject(id: string): void {
    fs.mkdirSync(this.badDir, { recursive: true });
    try {
      fs.renameSync(path.join(this.queueDir, `${id}.json`), path.join(this.badDir, `${id}.json`));
    } catch {
      /* gone already */
    }
  }

  /** Removes temp files left by writers that were killed mid-write (older than `ageMs`). */
  sweepTemp(ageMs: number): void {
    for (const dir of [this.queueDir, this.filesDir, this.dir]) {
      let names: string[];
      try {
        names = fs.readdirSync(dir);
      } catch {
        continue;
      }
      for (const n of names) {
        if (!n.startsWith('.') || !n.endsWith('.tmp')) continue;
        const f = path.join(dir, n);
        try {
          if (Date.now() - fs.statSync(f).mtimeMs > ageMs) fs.rmSync(f, { force: true });
        } catch {
          /* raced with another sweeper */
        }
      }
    }
  }

  stateFile(file: string): string {
    return path.join(this.filesDir, stateFileName(file));
  }

  readState(file: string): FileState | undefined {
    const r = this.readStateFile(this.stateFile(file));
    return r && r.path === file ? r.state : undefined;
  }

  /** Every file the ledger tracks. */
  listStatePaths(): string[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.filesDir);
    } catch {
      return [];
    }
    const paths: string[] = [];
    for (const n of names) {
      if (n.startsWith('.') || !n.endsWith('.json')) continue;
      const r = this.readStateFile(path.join(this.filesDir, n));
      if (r) paths.push(r.path);
    }
    return paths.sort();
  }

  private readStateFile(f: string): { path: string; state: FileState } | undefined {
    let text: string;
    try {
      text = fs.readFileSync(f, 'utf8');
    } catch {
      return undefined;
    }
    const parsed = fileStateSchema.safeParse(safeJson(text));
    if (!parsed.success) {
      // Records are replaced atomically, so this was written by something else: set it aside (for a bug
      // report) and treat the file as untracked rather than fail every reader.
      const to = this.setAside(f);
      if (to) this.onSetAside(f, to);
      return undefined;
    }
    return {
      path: parsed.data.path,
      state: { content: parsed.data.content, labels: decodeLabels(parsed.data.labels) },
    };
  }

  /** Moves an unreadable file to `rejected/` under a new name (never overwriting one); where it went, if it did. */
  private setAside(f: string): string | undefined {
    fs.mkdirSync(this.badDir, { recursive: true });
    const to = path.join(this.badDir, `${path.basename(f)}.${Date.now()}`);
    try {
      fs.renameSync(f, to);
      return to;
    } catch {
      return undefined; // another reader did it
    }
  }

  readContext(): LedgerContext {
    let text: string;
    try {
      text = fs.readFileSync(this.contextFile, 'utf8');
    } catch {
      return emptyContext();
    }
    const parsed = contextSchema.safeParse(safeJson(text));
    if (parsed.success) return parsed.data;
    // Its open tool calls are lost with it: said like a lost state file (ledgerLoss.ts), not silently (newuser19 F10).
    const to = this.setAside(this.contextFile);
    if (to) this.onSetAside(this.contextFile, to);
    return emptyContext();
  }

  readJournal(): Journal | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.journalFile, 'utf8');
    } catch {
      return undefined;
    }
    const parsed = journalSchema.safeParse(safeJson(text));
    if (!parsed.success) {
      // Written atomically, so this is not a torn write: set it aside rather than block every fold.
      this.setAside(this.journalFile);
      return undefined;
    }
    return parsed.data;
  }

  makeJournal(files: Map<string, FileState | null>, context: LedgerContext, consumed: string[], now: number): Journal {
    const out: Journal['files'] = {};
    for (const [file, state] of files) {
      out[file] =
        state === null
          ? null
          : { v: 1, path: file, content: state.content, labels: encodeLabels(state.labels), updatedAt: now };
    }
    return { v: 1, files: out, context, consumed };
  }

  /**
   * Commits a fold: journal first, then the state files, the context and the consumed entries, then the
   * journal goes. `step` lets crash tests stop the process between the stages.
   */
  commit(journal: Journal, step: (name: string) => void = () => undefined): void {
    writeFileAtomic(this.journalFile, JSON.stringify(journal));
    step('journal-written');
    this.replay(journal, step);
  }

  /** Applies a journal; idempotent, so a folder killed half-way is completed by the next. */
  replay(journal: Journal, step: (name: string) => void = () => undefined): void {
    for (const [file, record] of Object.entries(journal.files)) {
      const f = this.stateFile(file);
      if (record === null) fs.rmSync(f, { force: true });
      else replaceFile(f, JSON.stringify(record));
      step('state-written');
    }
    replaceFile(this.contextFile, JSON.stringify(journal.context));
    // While agents' removals are held (standing or settled), post-checkout's shim starts Node on a branch switch
    // (clientHook.sh ledger_tracks): a switch that brings a removed file back is seen (checkoutWrites.ts).
    const { removals, settled } = journal.context;
    const marker = path.join(this.dir, REMOVALS_MARKER);
    if (Object.keys(removals ?? {}).length > 0 || (settled?.length ?? 0) > 0) fs.writeFileSync(marker, '');
    else fs.rmSync(marker, { force: true });
    step('context-written');
    for (const id of journal.consumed) fs.rmSync(path.join(this.queueDir, `${id}.json`), { force: true });
    step('entries-removed');
    fs.rmSync(this.journalFile, { force: true });
  }
}

/** An empty file in the ledger's folder while its context holds agents' removals. */
export const REMOVALS_MARKER = 'removals';

/** A tracked file's state record under `files/`: named by the SHA-1 of its work-tree path (ledgerLoss.ts finds it again). */
export function stateFileName(file: string): string {
  return `${createHash('sha1').update(file).digest('hex')}.json`;
}

let counter = 0;

/**
 * Queue ids sort in the order records were made: milliseconds, then a counter within this process, then
 * pid and randomness so two processes never collide. Records from different processes in the same
 * millisecond keep an arbitrary but fixed order.
 */
export function newEntryId(now: number): string {
  counter = (counter + 1) % 1_000_000;
  return `${String(now).padStart(14, '0')}-${String(counter).padStart(6, '0')}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/**
 * Atomic replacement without fsync, for the records a fold derives. A killed process cannot tear them
 * (rename is atomic and the page cache outlives the process); only the queue entries and the journal —
 * the sources everything else is rebuilt from — pay for an fsync each. (A power cut within the kernel's
 * write-back window may lose the last fold's derived files; their lines then read as untracked.)
 */
function replaceFile(file: string, data: string): void {
  const tmp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  fs.writeFileSync(tmp, data);
  try {
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
