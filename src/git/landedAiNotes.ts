import { parseAuthorshipNote, type AuthorshipNote } from '../core/authorshipNote';
import { pushedNoteBytes } from '../core/noteBounds';
import { lostAttribution } from '../core/noteGains';
import { shortSha } from '../core/shortSha';
import { readObjects } from './catFileBatch';
import { commitsHeldBy } from './heldCommits';
import { objectInfo } from './notesAdditions';
import { AI_NOTES_REF } from './notesConfig';

/**
 * The provenance of a commit a protected branch already holds may only gain (attack12 L6). The notes guard let any
 * readable note replace another — two clones' notes merged, a note re-stamped — and applied that to commits long
 * landed and reviewed too: a pusher re-attributed an agent's `kubectl delete namespace prod` line to a human, and
 * `blame` and `report` showed it so on every clone, the record incident responders read edited after the fact.
 * Now a rewritten note on such a commit must keep every line the server's note attests, with the same owner
 * (core/noteGains.ts); it may attest lines that note left untracked, as the same-commit merge does. Notes on
 * commits no protected branch holds yet (a re-stamp before landing, a rebase's copies, new commits) are not
 * judged here, nor new notes; a server note that does not read attests nothing and may be replaced.
 */

export interface RewrittenNote {
  target: string;
  oldBlob: string;
  newBlob: string;
}

/** Why the push may not make these rewrites (each note's old and new blob), or undefined. */
export async function landedNoteRewrites(
  cwd: string,
  rewritten: readonly RewrittenNote[],
  protectedTips: readonly string[],
  newBlobs: { blobs: readonly string[]; sizes: Map<string, { size: string }> },
): Promise<string | undefined> {
  if (rewritten.length === 0 || protectedTips.length === 0) return undefined;
  const held = await heldCommits(cwd, [...new Set(rewritten.map((r) => r.target))], protectedTips);
  const judged = rewritten.filter((r) => held.has(r.target));
  if (judged.length === 0) return undefined;
  // The old notes are read too: bounded with the new ones by the per-push byte bound (MAX_PUSH_NOTE_BYTES).
  const olds = [...new Set(judged.map((r) => r.oldBlob))];
  const sizes = await objectInfo(cwd, olds);
  const sizeOf = (b: string) => Number((sizes.get(b) ?? newBlobs.sizes.get(b))?.size ?? 0);
  const tooMuch = pushedNoteBytes(AI_NOTES_REF, new Set([...newBlobs.blobs, ...olds]), sizeOf);
  if (tooMuch) return tooMuch;
  // Read as pairs, in order (cat-file --batch answers in order), so one pair's text is held at a time.
  const problems: string[] = [];
  let first: string | undefined;
  let before: AuthorshipNote | undefined;
  let index = 0;
  await readObjects(
    cwd,
    judged.flatMap((r) => [r.oldBlob, r.newBlob]),
    (_blob, content) => {
      const r = judged[index >> 1];
      const text = content?.toString('utf8');
      if (index++ % 2 === 0) {
        before = text === undefined ? undefined : readable(text);
        return;
      }
      // An unreadable old note attests nothing; the new one's readability is aiNotesAdditions.ts's to judge.
      const after = text === undefined ? undefined : readable(text);
      if (!before || !after) return;
      const lost = lostAttribution(before, after);
      if (!lost) return;
      first ??= shortSha(r.target);
      problems.push(`${shortSha(r.target)}: ${lost}`);
    },
  );
  if (problems.length === 0 || first === undefined) return undefined;
  const c = first;
  return `this push rewrites the ${AI_NOTES_REF} note of ${problems.length} commit(s) a protected branch already holds, losing or moving attributed lines — ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? '; …' : ''}. A landed commit's provenance may only gain (lines it left untracked may be attested; no attested line may be dropped or given another owner), so the record blame, report and incident responders read stays as it was reviewed. Fix: keep the server's note and add to it — ${restoreServerNote(c)}.`;
}

/**
 * The fix that puts the server's note on `commit` back into this clone's refs/notes/ai and keeps every other note
 * (a forced fetch of the whole ref would lose the notes of commits not pushed yet: attack12 L7).
 */
export function restoreServerNote(commit: string): string {
  return `\`git fetch origin +${AI_NOTES_REF}:refs/notes/ai-server && git notes --ref=ai add -f -C "$(git notes --ref=ai-server list ${commit})" ${commit} && git update-ref -d refs/notes/ai-server\` (for each commit named), then push again`;
}

function readable(text: string): AuthorshipNote | undefined {
  try {
    return parseAuthorshipNote(text);
  } catch {
    return undefined;
  }
}

/** Which of `targets` (any object ids) are commits the protected branches hold: one cat-file, one bounded rev-list. */
async function heldCommits(cwd: string, targets: string[], protectedTips: readonly string[]): Promise<Set<string>> {
  const info = await objectInfo(cwd, targets);
  const commits = targets.filter((t) => info.get(t)?.type === 'commit');
  if (commits.length === 0) return new Set();
  // A walk cut short cannot say a commit is not held: then all are judged (they may only gain).
  return (await commitsHeldBy(cwd, commits, protectedTips)) ?? new Set(commits);
}
