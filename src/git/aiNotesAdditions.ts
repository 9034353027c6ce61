import { parseAuthorshipNote } from '../core/authorshipNote';
import { errorMessage } from '../core/errors';
import { shortSha } from '../core/shortSha';
import { readObjects } from './catFileBatch';
import { AI_NOTES_REF } from './notesConfig';
import { landedNoteRefusal, restoreServerNote, type LandedTips } from './landedAiNotes';
import { MAX_ADDED_NOTES, notesTreeChanges, objectInfo } from './notesAdditions';
import { MAX_AI_NOTE_BYTES, oversizedNote, pushedNoteBytes } from '../core/noteBounds';

/**
 * What the server lets into refs/notes/ai: only notes that read as provenance (parseAuthorshipNote, the reader
 * the gate judges commits with). The gate fails closed on an unreadable note — its commit needs review — so
 * junk written over a colleague's note, or added where they have none, blocked their commit on the protected
 * branch (an outside tester's griefing, session 5, F2). Rewriting a note into another readable one stays
 * allowed: two clones' notes merged (notesSync.ts), a note copied by a rewrite — but on a commit a protected
 * branch or tag holds, a new or changed note must keep every attributed line and attest no more than the commit's
 * AI-Provenance trailer says (landedAiNotes.ts, attack12 L6, attack13 M2/M3). A readable note cannot talk a
 * commit's AI count down either: the gate takes the larger of the note's and the trailer's. Unreadable notes
 * the server already had stay (and may be replaced by readable ones). No note may be dropped.
 */
export async function unreadableAiNotes(
  cwd: string,
  oldCommit: string | undefined,
  newCommit: string,
  landed: LandedTips = { branches: [], tags: [] },
): Promise<string | undefined> {
  const { changed, removed } = await notesTreeChanges(cwd, oldCommit, newCommit);
  if (removed.length > 0) {
    // Append-only: one fast-forward to an emptier tree wiped every line-level note (outside tester, G12).
    const named = removed.slice(0, 3).map(shortSha).join(', ');
    return `this push removes the ${AI_NOTES_REF} note(s) of ${removed.length} commit(s) (${named}${removed.length > 3 ? ', …' : ''}); provenance notes are append-only on this server. Fix: put the server's note back — ${restoreServerNote(shortSha(removed[0]))}.`;
  }
  if (changed.length === 0) return undefined;
  if (changed.length > MAX_ADDED_NOTES) {
    return `this push adds or changes ${changed.length} notes in ${AI_NOTES_REF}, more than the server reads in one push (${MAX_ADDED_NOTES}); push them in parts.`;
  }
  const sizes = await objectInfo(cwd, [...new Set(changed.map((c) => c.newBlob))]);
  const big = changed.filter((c) => Number(sizes.get(c.newBlob)?.size ?? 0) > MAX_AI_NOTE_BYTES);
  if (big.length > 0) {
    const c = big[0];
    return `this push makes the ${AI_NOTES_REF} note on ${shortSha(c.target)} ${sizes.get(c.newBlob)?.size} bytes${big.length > 1 ? ` (and ${big.length - 1} more note(s) too)` : ''}, more than a provenance note may hold (${MAX_AI_NOTE_BYTES}): every push of its commit would parse it. Fix: leave notes to Countersign's hooks (or shorten it with \`git notes --ref=ai edit ${shortSha(c.target)}\`), then push again.`;
  }
  const blobs = [...new Set(changed.map((c) => c.newBlob))];
  const tooMuch = pushedNoteBytes(AI_NOTES_REF, blobs, (b) => Number(sizes.get(b)?.size ?? 0));
  if (tooMuch) return tooMuch;
  // Judged as each blob streams in, so no more than one note's text is held at a time.
  const problemOf = new Map<string, string | undefined>();
  const firstTarget = new Map<string, string>();
  for (const c of changed) if (!firstTarget.has(c.newBlob)) firstTarget.set(c.newBlob, c.target);
  await readObjects(cwd, blobs, (blob, content) => {
    if (!content) return;
    const text = content.toString('utf8');
    const oversized = oversizedNote(text);
    if (oversized !== undefined) return void problemOf.set(blob, `is too large: ${oversized}`);
    try {
      parseAuthorshipNote(text, `the ${AI_NOTES_REF} note on ${shortSha(firstTarget.get(blob) ?? blob)}`);
      problemOf.set(blob, undefined);
    } catch (e) {
      problemOf.set(blob, `is unreadable: ${errorMessage(e)}`);
    }
  });
  const problems: string[] = [];
  let firstBad = '';
  for (const c of changed) {
    const where = `the ${AI_NOTES_REF} note on ${shortSha(c.target)}`;
    const problem = !problemOf.has(c.newBlob) ? 'is missing from the push' : problemOf.get(c.newBlob);
    if (problem === undefined) continue;
    problems.push(`${where} ${problem}`);
    firstBad ||= shortSha(c.target);
  }
  if (problems.length === 0) {
    // Readable, and within the bounds: a new or changed note on a landed commit must still agree with the server's
    // note and the commit's trailer (landedAiNotes.ts: attack12 L6, attack13 M2/M3).
    return landedNoteRefusal(cwd, changed, landed, { blobs, sizes });
  }
  return `this push puts ${problems.length} unreadable or oversized provenance note(s) into ${AI_NOTES_REF} — ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? '; …' : ''} — and an unreadable note makes its commit need review. Fix: remove or correct each note named (\`git notes --ref=ai remove ${firstBad}\`, or \`git notes --ref=ai edit COMMIT\`; where the server has a note for it, put that back: ${restoreServerNote('COMMIT')}), and leave notes to Countersign's hooks. Not a forced fetch over ${AI_NOTES_REF}: it would drop the notes of your commits not pushed yet.`;
}
