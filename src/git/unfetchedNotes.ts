import { AI_NOTES_REF, REVIEW_NOTES_REF, SHARED_NOTES, TRACKING_PREFIX } from './notesConfig';
import { runGit } from './gitRunner';
import { listRemotes } from './remotes';

/** The readers of shared notes that say when this clone never fetched them. */
export type NotesReader = 'report' | 'blame' | 'explain';
type SharedRef = (typeof SHARED_NOTES)[number]['ref'];

/**
 * The shared notes refs this clone has never fetched, or undefined when it has them all or is set up to fetch
 * them (newuser8 F13, newuser20 F5/F6). A plain `git clone` fetches no notes, so a reader who runs `report`,
 * `blame` or `explain` before `countersign install` sees "0 reviewed", AI-written lines as untracked and a landed,
 * approved commit as BLOCKED. Said only when a ref is absent *and* no remote is set up to fetch notes (install's
 * refspecs into refs/countersign/remotes/): once one is, an absent ref means the remote has none yet, which is no
 * warning. One decision for the three readers; each gets the sentence for what it shows (unfetchedNotesWarning).
 */
export async function unfetchedNotes(cwd: string): Promise<SharedRef[] | undefined> {
  const absent: SharedRef[] = [];
  for (const { ref } of SHARED_NOTES) {
    const r = await runGit(['rev-parse', '--verify', '-q', ref], { cwd, okCodes: [1, 128] });
    if (r.code !== 0) absent.push(ref);
  }
  if (absent.length === 0) return undefined;
  if ((await listRemotes(cwd)).length === 0) return undefined;
  const fetch = await runGit(['config', '--get-regexp', '^remote\\..*\\.fetch$'], { cwd, okCodes: [1] });
  if (fetch.stdout.includes(TRACKING_PREFIX)) return undefined;
  return absent;
}

/** What each reader shows wrong without each ref: the clause after "so". Blame reads no approvals. */
const CONSEQUENCE: Record<NotesReader, Partial<Record<SharedRef, string>>> = {
  report: {
    [REVIEW_NOTES_REF]: 'review coverage counts nothing',
    [AI_NOTES_REF]: 'AI lines come from trailers alone',
  },
  blame: { [AI_NOTES_REF]: 'every line shows as untracked, AI-written or not' },
  explain: {
    [REVIEW_NOTES_REF]:
      'no approval is listed or counted by the gate (a BLOCKED verdict may only mean they were never fetched)',
    [AI_NOTES_REF]: 'AI lines come from the trailer alone',
  },
};

/**
 * The one warning `report`, `blame` and `explain` print for a clone that never fetched notes (unfetchedNotes),
 * worded for `reader`, or undefined. The fix is install + fetch, never a raw `refs/notes/*` fetch, which would
 * overwrite local notes instead of merging them.
 */
export async function unfetchedNotesWarning(cwd: string, reader: NotesReader): Promise<string | undefined> {
  const absent = await unfetchedNotes(cwd);
  return absent && unfetchedNotesSentence(absent, reader);
}

/** unfetchedNotesWarning's sentence for refs already known to be unfetched; undefined when `reader` reads none of them. */
export function unfetchedNotesSentence(absent: readonly SharedRef[], reader: NotesReader): string | undefined {
  // In the order the reader's clauses are listed: what it gets most wrong first.
  const matter = (Object.keys(CONSEQUENCE[reader]) as SharedRef[]).filter((ref) => absent.includes(ref));
  if (matter.length === 0) return undefined;
  const so = matter.map((ref) => CONSEQUENCE[reader][ref]).join(' and ');
  return `this clone has no ${matter.join(' or ')} (a plain clone fetches no notes), so ${so}: run \`countersign install\` (it sets the notes refspecs), then \`git fetch\``;
}

/**
 * Why explain's gate verdict was computed without approvals, when this clone never fetched them (undefined
 * otherwise): explain's verdict line says it itself when it is BLOCKED (newuser20 F6), not only a warning above.
 */
export function verdictWithoutApprovals(absent: readonly SharedRef[] | undefined): string | undefined {
  if (!absent?.includes(REVIEW_NOTES_REF)) return undefined;
  return `computed without approvals: this clone never fetched ${REVIEW_NOTES_REF} (run \`countersign install\`, then \`git fetch\`, and explain again)`;
}
