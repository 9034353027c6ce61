import { readNoteSummary, type CommitFacts, type NoteSummary } from '../core/report/commitFacts';
import { MAX_AI_NOTE_BYTES, unreadNoteStandIn } from '../core/noteBounds';
import { AiNoteReadBudget } from '../core/report/aiNoteReadBudget';
import { ObjectReader } from './catFileBatch';
import { objectsByBlob } from './notesReader';

/** A note read for one commit: its summary, or why it cannot be read. */
export type NoteReading = { summary?: NoteSummary; error?: string };

/**
 * The refs/notes/ai notes of a history being streamed, read by one `git cat-file --batch` alongside the
 * `git log` and summed as they arrive (the text is dropped at once). Two ways to ask, the same answers:
 *
 * - `prefetch` (a range holding most of the notes, such as `report main`): every note blob is asked for at
 *   the start, in one write, with `--buffer`, so git answers in full pipe chunks while the log is still
 *   running. Asking commit by commit cost a pipe write and a wake-up of both processes per note — on a real
 *   project's history, where `git log` produces commits slowly, one write per note (issue 11, session 11). A
 *   note whose commit is not in the range is read and dropped.
 * - otherwise (a short range in a history with many notes) a commit's note is asked for when the commit goes
 *   by, so no note outside the range is read.
 *
 * A note's error message names its commit, so a blob that several commits share is read once per commit.
 */
export class HistoryNotes {
  private readonly reader: ObjectReader;
  /** Prefetch: readings that arrived before their commit streamed by, by commit. */
  private readonly early = new Map<string, NoteReading>();
  /** Prefetch: commits that streamed by before their note arrived, by commit. */
  private readonly waiting = new Map<string, CommitFacts>();
  /** Asking as commits go by: the commits asked for, in the order asked (answers come in that order). */
  private readonly asked: Array<CommitFacts | undefined> = [];
  private answered = 0;

  constructor(
    cwd: string,
    private readonly notes: Map<string, string>,
    private readonly absent: Set<string>,
    private readonly prefetch: boolean,
    private readonly onReading: (f: CommitFacts, reading: NoteReading) => void,
    /** The reading's budget over refs/notes/ai (core/noteBounds.ts): a note past it is not parsed. */
    private readonly budget = new AiNoteReadBudget(),
  ) {
    if (!prefetch) {
      this.reader = new ObjectReader(
        cwd,
        (_blob, content, _type, oversized) => {
          const f = this.asked[this.answered];
          this.asked[this.answered++] = undefined;
          if (f && this.budget.spent && content) return this.skip(f);
          const text = noteText(content, oversized);
          if (f && text !== undefined) this.onReading(f, this.summary(text, f.sha));
        },
        { borrowed: true, maxBytes: MAX_AI_NOTE_BYTES },
      );
      return;
    }
    const byBlob = objectsByBlob(notes);
    for (const blob of absent) byBlob.delete(blob);
    this.reader = new ObjectReader(
      cwd,
      (blob, content, _type, oversized) => {
        // Past the budget a note is not even decoded (a hostile clone's 200 MB cost 1.4 s of decoding alone).
        if (content === undefined && oversized === undefined) return; // missing: no note, as noteText says
        const text = this.budget.spent ? '' : (noteText(content, oversized) as string);
        for (const sha of byBlob.get(blob) ?? []) {
          const reading = this.summary(text, sha);
          const f = this.waiting.get(sha);
          if (f) {
            this.waiting.delete(sha);
            this.onReading(f, reading);
          } else this.early.set(sha, reading);
        }
      },
      { borrowed: true, buffered: true, maxBytes: MAX_AI_NOTE_BYTES },
    );
    this.byBlob = byBlob;
  }

  private byBlob: Map<string, string[]> | undefined;

  private summary(text: string, sha: string): NoteReading {
    return this.budget.take(text) ? readNoteSummary(text, sha) : { error: AiNoteReadBudget.unread };
  }

  private skip(f: CommitFacts): void {
    this.budget.take('');
    this.onReading(f, { error: AiNoteReadBudget.unread });
  }

  /**
   * Prefetch: asks for every note (once; commit() asks too, at the first commit). A caller may ask before the first
   * commit goes by, once what must come first is done: `report` asks when its walk is listed, so the notes' reading
   * does not hold up the listing and the paths' count that the first commit waits for.
   */
  askAll(): void {
    const byBlob = this.byBlob;
    this.byBlob = undefined;
    if (byBlob) for (const blob of byBlob.keys()) this.reader.read(blob);
  }

  /**
   * A commit of the range went by: its note is read (or was), unless it has none. Returns false when it has
   * one this partial clone lacks (not asked for: cat-file would try to fetch it).
   */
  commit(f: CommitFacts): boolean {
    const blob = this.notes.get(f.sha);
    if (blob === undefined) return true;
    if (this.absent.has(blob)) return false;
    if (!this.prefetch) {
      this.asked.push(f);
      this.reader.read(blob);
      return true;
    }
    this.askAll();
    const reading = this.early.get(f.sha);
    if (reading) {
      this.early.delete(f.sha);
      this.onReading(f, reading);
    } else this.waiting.set(f.sha, f);
    return true;
  }

  /** Every answer in (a commit whose note git did not answer keeps none); settles when git has exited. */
  close(): Promise<void> {
    return this.reader.close();
  }
}

/** A note's text as read, or the stand-in for one too large to read (core/noteBounds.ts); undefined when missing. */
function noteText(content: Buffer | undefined, oversized: number | undefined): string | undefined {
  if (content !== undefined) return content.toString('utf8');
  return oversized === undefined ? undefined : unreadNoteStandIn(oversized);
}
