import { parseAuthorshipNote, type AuthorshipNote } from '../core/authorshipNote';
import { pushedNoteBytes } from '../core/noteBounds';
import { landedNoteProblem, type LandedNoteProblem } from '../core/noteGains';
import { shortSha } from '../core/shortSha';
import { readObjects } from './catFileBatch';
import { commitProvenanceReadings } from './commitProvenanceReadings';
import { commitsHeldBy } from './heldCommits';
import { objectInfo } from './notesAdditions';
import { AI_NOTES_REF } from './notesConfig';

/**
 * The note of a commit a protected branch or tag holds (before or by this push) is the record blame, report and
 * incident responders read; a push may not edit it after the fact. attack12 L6: a pusher rewrote a landed note so
 * the agent's `kubectl delete namespace prod` line read as a human's. attack13 M2/M3: a keyless pusher *added* an
 * AI note to a landed human commit that had none — its lines framed as an agent's in blame, and every release tag
 * at it blocked until a reviewer approved a commit nobody's agent wrote. So every new or changed note on a landed
 * commit is judged by core/noteGains.ts's one rule: it keeps every line the server's note attests, with the same
 * owner, and attests no more AI (or human) lines than the commit's own `AI-Provenance` trailer says (a commit
 * without the trailer says none). The honest late note — the hooks' note reaching the server after its commit
 * landed — agrees with the trailer and is taken. Notes on commits nothing protected holds (a re-stamp before
 * landing, a rebase's copies) are not judged here; a server note that does not read attests nothing.
 */

/** The commits whose notes are judged: the protected branches' and protected tags' values, this push's included. */
export interface LandedTips {
  branches: readonly string[];
  tags: readonly string[];
}

export interface PushedNote {
  target: string;
  /** The server's note blob; undefined for a note the push adds. */
  oldBlob: string | undefined;
  newBlob: string;
}

interface Problem extends LandedNoteProblem {
  target: string;
  hadNote: boolean;
}

/** Why the push may not add or change these notes (each note's old and new blob), or undefined. */
export async function landedNoteRefusal(
  cwd: string,
  changed: readonly PushedNote[],
  landed: LandedTips,
  newBlobs: { blobs: readonly string[]; sizes: Map<string, { size: string }> },
): Promise<string | undefined> {
  const tips = [...landed.branches, ...landed.tags];
  if (changed.length === 0 || tips.length === 0) return undefined;
  const held = await heldCommits(cwd, [...new Set(changed.map((r) => r.target))], tips);
  const judged = changed.filter((r) => held.has(r.target));
  if (judged.length === 0) return undefined;
  // Every judged commit's trailer, from one cat-file --batch (commits of the push's own size bound: 5,000 notes).
  const said = await commitProvenanceReadings(
    cwd,
    judged.map((r) => r.target),
  );
  // The old notes are read too: bounded with the new ones by the per-push byte bound (MAX_PUSH_NOTE_BYTES).
  const olds = [...new Set(judged.flatMap((r) => (r.oldBlob ? [r.oldBlob] : [])))];
  const sizes = await objectInfo(cwd, olds);
  const sizeOf = (b: string) => Number((sizes.get(b) ?? newBlobs.sizes.get(b))?.size ?? 0);
  const tooMuch = pushedNoteBytes(AI_NOTES_REF, new Set([...newBlobs.blobs, ...olds]), sizeOf);
  if (tooMuch) return tooMuch;
  // Read in order (cat-file --batch answers in order): a note's old text, then its new one, one pair held at a time.
  const steps = judged.flatMap((r) => [
    ...(r.oldBlob ? [{ r, old: true, blob: r.oldBlob }] : []),
    { r, old: false, blob: r.newBlob },
  ]);
  const problems: Problem[] = [];
  let before: AuthorshipNote | undefined;
  let index = 0;
  await readObjects(
    cwd,
    steps.map((s) => s.blob),
    (_blob, content) => {
      const { r, old } = steps[index++];
      const text = content === undefined ? undefined : readable(content.toString('utf8'));
      if (old) return void (before = text);
      // An unreadable old note attests nothing; the new one's readability is aiNotesAdditions.ts's to judge.
      const was = r.oldBlob ? before : undefined;
      before = undefined;
      if (!text) return;
      const problem = landedNoteProblem(text, said.get(r.target) ?? { kind: 'absent' }, was);
      if (problem) problems.push({ ...problem, target: r.target, hadNote: r.oldBlob !== undefined });
    },
  );
  if (problems.length === 0) return undefined;
  const holder = await holderOf(
    cwd,
    problems.map((p) => p.target),
    landed,
  );
  return [refusal(problems, 'lost', holder), refusal(problems, 'beyond', holder)].filter(Boolean).join(' ');
}

function refusal(all: readonly Problem[], kind: LandedNoteProblem['kind'], holder: string): string | undefined {
  const problems = all.filter((p) => p.kind === kind);
  if (problems.length === 0) return undefined;
  const shown = `${problems
    .slice(0, 3)
    .map((p) => `${shortSha(p.target)}: ${p.why}`)
    .join('; ')}${problems.length > 3 ? '; …' : ''}`;
  const first = problems[0];
  const c = shortSha(first.target);
  if (kind === 'lost')
    return `this push rewrites the ${AI_NOTES_REF} note of ${problems.length} commit(s) ${holder} already holds, losing or moving attributed lines — ${shown}. A landed commit's provenance may only gain (lines it left untracked may be attested, within what its AI-Provenance trailer says; no attested line may be dropped or given another owner), so the record blame, report and incident responders read stays as it was reviewed. Fix: keep the server's note and add to it — ${restoreServerNote(c)}.`;
  const fix = first.hadNote
    ? `put the server's note back — ${restoreServerNote(c)}`
    : `drop the note from your clone (\`git notes --ref=ai remove ${c}\`, for each commit named), then push again`;
  return `this push gives ${problems.length} commit(s) ${holder} holds a ${AI_NOTES_REF} note that attests more than the commit itself says — ${shown}. A landed commit's note must agree with its own AI-Provenance trailer (no more AI lines than its ai= count, no more human lines than its human= count; a commit without the trailer was made without Countersign's hooks and vouches for none), so nobody can re-attribute landed lines after the fact or make a release at them need review. Fix: ${fix}.`;
}

/**
 * "a protected branch", "a protected tag", or both, for the commits a refusal names (attack13 M4 made tags count;
 * the wording kept saying branch). Only on a refusal: one more bounded walk, from the branches alone.
 */
async function holderOf(cwd: string, commits: string[], landed: LandedTips): Promise<string> {
  if (landed.tags.length === 0) return 'a protected branch';
  if (landed.branches.length === 0) return 'a protected tag';
  const onBranches = await commitsHeldBy(cwd, commits, landed.branches);
  if (onBranches === undefined) return 'a protected branch or tag';
  const n = commits.filter((c) => onBranches.has(c)).length;
  return n === commits.length ? 'a protected branch' : n === 0 ? 'a protected tag' : 'a protected branch or tag';
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

/** Which of `targets` (any object ids) are commits the landed tips hold: one cat-file, one bounded rev-list. */
async function heldCommits(cwd: string, targets: string[], tips: readonly string[]): Promise<Set<string>> {
  const info = await objectInfo(cwd, targets);
  const commits = targets.filter((t) => info.get(t)?.type === 'commit');
  if (commits.length === 0) return new Set();
  // A walk cut short cannot say a commit is not held: then all are judged (as landed).
  return (await commitsHeldBy(cwd, commits, tips)) ?? new Set(commits);
}
