import { attestationBytes, MAX_PUSH_ATTESTATION_BYTES } from '../noteBounds';

/*
 * How much of refs/notes/ai one reading of a history parses (attack31 F7). Apart from noteBounds.ts, whose
 * bounds the gate uses: only report reads this, so it ships in the lazy bundle, not in cli.js.
 */
/**
 * File and range lines of refs/notes/ai that one reading of a history (`report`: its stream and the over-claim
 * recount) parses. They are what a note costs to read, 0.1–0.25 s of CPU per MB of dense ranges: 200 readable 1 MB
 * notes, each within the server's bounds, cost `report` 37 s of CPU in a hostile clone (attack31 F7). Real notes
 * hold a few hundred bytes of them (docs/performance.md: 9.9 MB of git-ai notes, transcripts and all, over 2,226
 * commits), so the gate's per-push figure, 8 MiB, is some 20,000 real notes and 1–2 s of parsing at worst.
 */
export const MAX_READ_ATTESTATION_BYTES = MAX_PUSH_ATTESTATION_BYTES;
/** Bytes of refs/notes/ai notes, metadata and transcripts included, that one reading of a history parses. */
export const MAX_READ_AI_NOTE_BYTES = 256 * 1024 * 1024;

/**
 * One reading's budget over refs/notes/ai (the two bounds above). Past it no note is parsed: its commit counts as
 * having no readable note, so by its AI-Provenance trailer (docs/design.md, `report`), and the reading says how
 * many were skipped. Memory stays bounded as before: a note is dropped once summed, and none is over MAX_AI_NOTE_BYTES.
 */
export class AiNoteReadBudget {
  /** Notes (per commit) left unparsed. */
  skipped = 0;
  private bytes = 0;
  private attested = 0;

  /** Whether the budget is spent: a reader may then skip even decoding a note (take would refuse it). */
  get spent(): boolean {
    return this.skipped > 0;
  }

  /** Whether `text` may be parsed; once one is refused every later one is too, so the cut is one point. */
  take(text: string): boolean {
    if (this.skipped === 0) {
      this.bytes += text.length;
      this.attested += attestationBytes(text);
      if (this.bytes <= MAX_READ_AI_NOTE_BYTES && this.attested <= MAX_READ_ATTESTATION_BYTES) return true;
    }
    this.skipped++;
    return false;
  }

  /** The error a skipped note's commit carries (it reads as an unreadable note). */
  static readonly unread = 'not read: this reading had already parsed as much of refs/notes/ai as it reads in one run';

  /** The reading's warning, or undefined when nothing was skipped. */
  warning(): string | undefined {
    if (this.skipped === 0) return undefined;
    return `${this.skipped} refs/notes/ai note(s) were not read: this reading had already parsed ${MAX_READ_ATTESTATION_BYTES} bytes of file and range lines or ${MAX_READ_AI_NOTE_BYTES} bytes of notes, more than a real history holds (a fork's or a crafted clone's); their commits count by their AI-Provenance trailers. Replace this clone's notes with the server's: \`git update-ref -d refs/notes/ai && git fetch origin +refs/notes/ai:refs/notes/ai\`, or report a shorter range`;
  }
}
