import type { AttributionEngine } from '../attribution/engine';
import type { LineLabel } from '../attribution/labels';
import type { Observation, Trace } from '../attribution/observations';

/**
 * One repository's attribution as the editor sees it: the engine plus the trace of what was fed to it, so
 * "Countersign: Record Attribution Trace" can write a file that `countersign replay` runs to the same labels.
 * The trace holds each file's content when the session first saw it (initial content is `untracked` in a
 * trace) and every observation since. Labels that came from outside the observation stream (the working
 * ledger, a user's correction) cannot be expressed in a trace; `notes` says where that happened.
 */
export interface SessionOptions {
  /** Past this many events the trace restarts from the current texts, so a long session's memory stays bounded. */
  maxEvents?: number;
}

export class AttributionSession {
  private initial = new Map<string, string>();
  private events: Observation[] = [];
  private readonly notes: string[] = [];
  private readonly maxEvents: number;
  private restarts = 0;

  constructor(
    readonly engine: AttributionEngine,
    opts: SessionOptions = {},
  ) {
    this.maxEvents = opts.maxEvents ?? 200_000;
  }

  has(file: string): boolean {
    return this.engine.text(file) !== undefined;
  }

  /**
   * Sets a file's baseline: its text, with labels when the ledger knew them. The first baseline of a file is
   * the trace's initial content; a later one (a reload, a ledger merge) is noted, as a trace cannot carry it.
   */
  setFile(file: string, content: string, labels?: readonly LineLabel[], why?: string): void {
    this.engine.setFile(file, content, labels);
    if (!this.initial.has(file)) this.initial.set(file, content);
    else if (why) this.note(`${file}: ${why}`);
    if (labels?.some((l) => l.kind !== 'untracked') && why) this.note(`${file}: labels set directly (${why})`);
  }

  observe(o: Observation): void {
    this.engine.observe(o);
    if (o.type === 'diskWrite' && !this.initial.has(o.file)) this.initial.set(o.file, '');
    this.events.push(o);
    if (this.events.length >= this.maxEvents) this.restart();
  }

  deleteFile(file: string): void {
    this.engine.deleteFile(file);
  }

  note(text: string): void {
    if (this.notes.length < 1000) this.notes.push(text);
  }

  /** The trace so far; `files` holds only files that exist in the trace's world (seen before or during it). */
  trace(): { trace: Trace; notes: string[] } {
    const files: Record<string, string> = {};
    for (const [f, c] of [...this.initial].sort((a, b) => a[0].localeCompare(b[0]))) files[f] = c;
    const notes = [...this.notes];
    if (this.restarts > 0)
      notes.unshift(
        `the trace restarted ${this.restarts} time(s) after ${this.maxEvents} events; initial contents are the texts at the last restart`,
      );
    return { trace: { version: 1, files, events: [...this.events] }, notes };
  }

  private restart(): void {
    this.restarts++;
    this.initial = new Map(this.engine.files().map((f) => [f, this.engine.text(f) ?? '']));
    this.events = [];
  }
}
