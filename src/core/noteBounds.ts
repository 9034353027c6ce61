/**
 * How much of refs/notes/ai is read (docs/threat-model.md, "Huge readable provenance notes"). The gate parses a
 * commit's note for every push that carries the commit, and anyone may add a note to anyone's commit, so a huge
 * readable note on a colleague's commits timed their push out (outside tester, session 8, H5: 28 MB of human
 * ranges). Real git-ai notes with prompt transcripts average 4.4 KB (docs/performance.md's report benchmark: 9.9 MB over
 * 2,226 notes); the file/range lines, the part that costs most to parse, are a few KB.
 */

/**
 * The largest refs/notes/countersign note the server takes, and every reader reads: a statement line is about
 * 1 KB, so this is hundreds of decisions on one commit. Blank lines are free to push and cost every later read
 * (outside tester, session 8, H2); a larger note in a fork or a hostile clone is never read (session 12, H2/H3).
 */
export const MAX_NOTE_BYTES = 256 * 1024;

/**
 * The error a reader reports for an approvals note it will not read (larger than MAX_NOTE_BYTES): where it came
 * from is unknown (a server refuses such a note), so the fix is to remove it from this clone.
 */
export function oversizedStatementNote(ref: string, commit: string, bytes: number): string {
  return `the ${ref} note on ${commit} is ${bytes} bytes, more than a note may hold (${MAX_NOTE_BYTES}), so it was not read (no server takes such a note: it came from a fork or a crafted clone); remove it from this clone with \`git notes --ref=${ref} remove ${commit}\``;
}

/**
 * Bytes of distinct refs/notes/countersign note blobs one reading parses (git/approvalNotes.ts StatementNotes): a
 * statement line is under 1 KB, so about 70,000 statements. The per-note bound does not bound a reading: a crafted
 * clone's notes name one junk blob from every commit, or distinct blobs git stores as deltas of one (attack30 F3:
 * 200 commits, 252 KB on disk, cost `explain` 37 s of CPU). The notes past it are not read, and say so.
 */
export const MAX_READ_STATEMENT_BYTES = 64 * 1024 * 1024;

/** The largest note the server takes and the gate parses. */
export const MAX_AI_NOTE_BYTES = 4 * 1024 * 1024;
/** The largest attestation section (the file and range lines before `---`) of one note. */
export const MAX_AI_ATTESTATION_BYTES = 1024 * 1024;
/** Attestation bytes the gate parses in one judgement; the notes beyond it are left unread (needs review). */
export const MAX_PUSH_ATTESTATION_BYTES = 8 * 1024 * 1024;

/**
 * Bytes of note blobs the server's notes guard reads for one push into either notes ref (the sum of their sizes,
 * checked before any is read: pushedNoteBytes). A per-note cap bounds a note, not a push: 60 delta-compressed
 * 4 MiB provenance notes were a 20 KB push that cost the hook 20 s and 363 MB (outside tester, session 9, I4), and
 * refs/notes/countersign allowed 5,000 notes of 256 KiB (issue 10). A whole history of real provenance notes (the
 * docs/performance.md's benchmark, 9.9 MB) fits, as do 2,000 statements (about 1 KB each); more is pushed in parts.
 */
export const MAX_PUSH_NOTE_BYTES = 32 * 1024 * 1024;

/**
 * Why a push whose notes guard would read `blobs` (distinct ids, sizes from one `cat-file --batch-check`) into
 * `ref` is refused unread, or undefined. One rule for refs/notes/ai and refs/notes/countersign.
 */
export function pushedNoteBytes(
  ref: string,
  blobs: Iterable<string>,
  sizeOf: (blob: string) => number,
): string | undefined {
  let total = 0;
  for (const b of new Set(blobs)) total += sizeOf(b);
  if (total <= MAX_PUSH_NOTE_BYTES) return undefined;
  return `this push adds or changes ${total} bytes of notes in ${ref}, more than the server reads in one push (${MAX_PUSH_NOTE_BYTES}); push them in parts (a few hundred commits' notes at a time).`;
}

/** Bytes of a note's attestation section (everything before its `---` line). */
export function attestationBytes(text: string): number {
  if (text.startsWith('---\n')) return 0;
  const end = text.indexOf('\n---\n');
  return end < 0 ? text.length : end + 1;
}

/**
 * What a reader that did not read a note larger than MAX_AI_NOTE_BYTES holds in its place (`git/catFileBatch`
 * `maxBytes`): every consumer sees an unreadable note — `oversizedNote` names its size, and no parser takes it —
 * so the gate still fails closed on it and `report`/`blame` fall back as for any unreadable note. A 400 MB note
 * (a few KB on the wire) in a crafted clone was read whole and split: `explain`, `report`, `blame` and the
 * editor's AI blame died of it (outside tester, session 12, H5).
 */
export function unreadNoteStandIn(bytes: number): string {
  return `${STAND_IN}${bytes}\n`;
}
const STAND_IN = '\u0000countersign: note not read, bytes: ';

/** Why a note is too large to be parsed, or undefined. */
export function oversizedNote(text: string): string | undefined {
  if (text.startsWith(STAND_IN)) {
    return `it is ${Number(text.slice(STAND_IN.length))} bytes, more than a provenance note may hold (${MAX_AI_NOTE_BYTES})`;
  }
  if (text.length > MAX_AI_NOTE_BYTES) {
    return `it is ${text.length} bytes, more than a provenance note may hold (${MAX_AI_NOTE_BYTES})`;
  }
  const a = attestationBytes(text);
  if (a > MAX_AI_ATTESTATION_BYTES) {
    return `it has ${a} bytes of file and range lines, more than a note may hold (${MAX_AI_ATTESTATION_BYTES})`;
  }
  return undefined;
}
