import { formatAuthorshipNote, parseAuthorshipNote, type AuthorshipNote } from '../core/authorshipNote';
import { MAX_AI_NOTE_BYTES, oversizedNote } from '../core/noteBounds';
import { landedNoteProblem } from '../core/noteGains';
import { mergeNotesOnSameCommit } from '../core/noteOwners';
import { commitTrailerFacts, notedCommits } from './commitProvenanceReadings';
import { notesTreeChanges } from './notesAdditions';
import { AI_NOTES_REF } from './notesConfig';
import { commitWith } from './notesIntake';
import { intakeTexts } from './noteIntakeRead';
import { notesRefRefusal } from './notesRefGuard';

/**
 * What a clone takes into its refs/notes/ai from a remote other than the trusted one (attack12 L7, J3's second
 * half). The fork's notes commit was fast-forwarded to or merged as it was: a `--mirror` fork whose one notes commit
 * removed a note made the developer's ref lose it, and every later notes push to origin was refused by its guard
 * ("removes the refs/notes/ai note(s) …", append-only), for good. Now, as for approvals (notesIntake.ts, L3), the
 * fork's commit is never adopted: our tree plus its readable notes on commits we have none for, and on commits we
 * have one for the same-commit merge with ours preferred (it only gains, as the server's rule for landed commits
 * asks: landedAiNotes.ts); its removals are not looked at. The would-be update then runs through the server's own
 * guard (notesRefGuard.ts) before our ref moves. attack13 M7: a fork's note on a landed human commit (none on
 * origin) framed its lines as an agent's, and the developer's next push carried it to origin. Every note taken must
 * now pass the server's landed-note rule (core/noteGains.ts, with our note as the one it replaces) against the
 * commit's own AI-Provenance trailer — on any commit, not only those origin's protected refs hold today: a note
 * taken on a commit that lands later would be refused then, and every notes push of ours with it. A note on a
 * commit we do not have (or on no commit) is left until we do.
 */
export async function aiNotesIntake(
  cwd: string,
  local: string | undefined,
  from: string,
): Promise<{ commit: string | undefined; left: number; refused?: string }> {
  const { changed } = await notesTreeChanges(cwd, local, from);
  if (changed.length === 0) return { commit: local, left: 0 };
  // Bounded as the server bounds a push: the notes it would judge, their bytes, each note's size.
  const { texts, refused: unread } = await intakeTexts(cwd, AI_NOTES_REF, changed, MAX_AI_NOTE_BYTES);
  if (unread) return { commit: local, left: changed.length, refused: unread };
  const targets = changed.map((c) => c.target);
  const said = await notedCommits(cwd, await commitTrailerFacts(cwd, targets), targets);
  let left = 0;
  const taken = new Map<string, string>();
  for (const c of changed) {
    const theirs = readable(texts.get(c.newBlob));
    const trailer = said.get(c.target);
    if (!theirs || !trailer) {
      left++;
      continue;
    }
    const ourText = c.oldBlob ? texts.get(c.oldBlob) : undefined;
    const ours = readable(ourText);
    const note = ours ? mergeNotesOnSameCommit(ours, theirs) : theirs;
    if (landedNoteProblem(note, trailer, ours)) {
      left++;
      continue;
    }
    const text = ours ? formatAuthorshipNote(note) : (texts.get(c.newBlob) as string);
    if (text !== ourText) taken.set(c.target, text);
  }
  if (taken.size === 0) return { commit: local, left };
  const commit = await commitWith(cwd, local, from, taken, 'provenance notes');
  const refused = await notesRefRefusal(cwd, { ref: AI_NOTES_REF, old: local, new: commit }, undefined);
  return refused ? { commit: local, left, refused } : { commit, left };
}

function readable(text: string | undefined): AuthorshipNote | undefined {
  if (text === undefined || oversizedNote(text) !== undefined) return undefined;
  try {
    return parseAuthorshipNote(text);
  } catch {
    return undefined;
  }
}
