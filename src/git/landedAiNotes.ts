import { parseAuthorshipNote, type AuthorshipNote } from '../core/authorshipNote';
import { pushedNoteBytes } from '../core/noteBounds';
import { landedNoteProblem, type LandedNoteProblem } from '../core/noteGains';
import { shortSha } from '../core/shortSha';
import { readObjects } from './catFileBatch';
import { commitTrailerFacts, notedCommits } from './commitProvenanceReadings';
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
 * landed — agrees with the trailer and is taken. attack14 N1: a note rewritten one push before the push that lands
 * its commit was never judged, though reviewers had approved the commit over the old note; so a rewrite of a note
 * the server has is judged by the same rule wherever its commit is. attack16 P7: a new note on a commit nothing
 * protected held yet was not judged, and the push landing the commit changes no note, so a framing note pushed
 * early stood for good; a new note is now judged wherever its commit's trailer reads (against that trailer). A new
 * note on a commit without a readable trailer that nothing protected holds (git-ai's own) is not judged here; a
 * server note that does not read attests nothing. attack16 P6: a thinner FIRST note (1 AI line of 40, another
 * agent) on a commit that landed without its note was taken and kept the author's note out; the rule now also
 * holds a first note to the trailer's exact AI count and every note to the commit's Assisted-by agents and to the
 * lines the commit added (commitAddedRuns.ts: one diff-tree for the judged commits).
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
  if (changed.length === 0) return undefined;
  const targets = [...new Set(changed.map((r) => r.target))];
  const info = await objectInfo(cwd, targets);
  const commits = new Set(targets.filter((t) => info.get(t)?.type === 'commit'));
  const held = await heldCommits(cwd, [...commits], [...landed.branches, ...landed.tags]);
  // Every noted commit's trailer, from one cat-file --batch (commits of the push's own size bound: 5,000 notes).
  const facts = await commitTrailerFacts(
    cwd,
    changed.filter((r) => commits.has(r.target)).map((r) => r.target),
  );
  // A rewrite of a note the server has is judged wherever its commit is (attack14 N1: laundered one push before the
  // push that lands it, the approval having been given over the old note); a new note on a landed commit, and on any
  // commit whose trailer reads (attack16 P7: a note framing an approved agent commit's lines as human, pushed before
  // the commit landed, was never judged — not then, and not by the push that landed it, which changes no note).
  const judged = changed.filter(
    (r) =>
      commits.has(r.target) &&
      (r.oldBlob !== undefined || held.has(r.target) || facts.get(r.target)?.said.kind === 'ok'),
  );
  if (judged.length === 0) return undefined;
  // What each judged commit adds (attack16 P6: a note attests only those lines), from one bounded diff-tree --stdin.
  const noted = await notedCommits(
    cwd,
    facts,
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
      const commit = noted.get(r.target) ?? { said: { kind: 'absent' }, assistedBy: [], added: new Map() };
      const problem = landedNoteProblem(text, commit, was);
      if (problem) problems.push({ ...problem, target: r.target, hadNote: r.oldBlob !== undefined });
    },
  );
  if (problems.length === 0) return undefined;
  const messages: string[] = [];
  for (const lost of [true, false]) {
    const these = problems.filter((p) => (p.kind === 'lost') === lost);
    if (these.length > 0) messages.push(refusal(these, await whereOf(cwd, these, held, landed)));
  }
  return messages.join(' ');
}

function refusal(problems: readonly Problem[], where: string): string {
  const kind = problems[0].kind;
  const shown = `${problems
    .slice(0, 3)
    .map((p) => `${shortSha(p.target)}: ${p.why}`)
    .join('; ')}${problems.length > 3 ? '; …' : ''}`;
  const first = problems[0];
  const c = shortSha(first.target);
  if (kind === 'lost')
    return `this push rewrites the ${AI_NOTES_REF} note of ${problems.length} commit(s) ${where}, losing or moving attributed lines — ${shown}. A note the server has may only gain (lines it left untracked may be attested, within what the commit's AI-Provenance trailer says; no attested line may be dropped or given another owner): reviewers approve a commit over its note, and once it lands blame, report and incident responders read it, so the record stays as it was reviewed. Fix: keep the server's note and add to it — ${restoreServerNote(c)}.`;
  const fix = first.hadNote
    ? `put the server's note back — ${restoreServerNote(c)}`
    : `drop the note from your clone (\`git notes --ref=ai remove ${c}\`, for each commit named), then push again`;
  return `this push gives ${problems.length} commit(s) ${where} a ${AI_NOTES_REF} note that does not agree with what the commit itself says — ${shown}. A note on a landed commit, and one that replaces the server's, must agree with the commit's own AI-Provenance trailer (no more AI lines than its ai= count — and a first note exactly that many —, no more human lines than its human= count; a commit without the trailer was made without Countersign's hooks and vouches for none), give AI lines only to the agents and models its Assisted-by trailers name, and attest only lines the commit added, so nobody can re-attribute lines after the fact, make a release at them need review, or land a thinner note first that keeps the author's true one out. Fix: ${fix}.`;
}

/**
 * Where the named commits are: "a protected branch holds", "a protected tag holds" (attack13 M4 made tags count; the
 * wording kept saying branch), "no protected branch or tag holds yet". Only on a refusal: one more bounded walk, from
 * the branches alone, when both kinds hold some.
 */
async function whereOf(
  cwd: string,
  problems: readonly Problem[],
  held: ReadonlySet<string>,
  landed: LandedTips,
): Promise<string> {
  const commits = problems.map((p) => p.target).filter((c) => held.has(c));
  if (commits.length === 0) return 'no protected branch or tag holds yet';
  let holder = 'a protected branch or tag';
  if (landed.tags.length === 0) holder = 'a protected branch';
  else if (landed.branches.length === 0) holder = 'a protected tag';
  else {
    const onBranches = await commitsHeldBy(cwd, commits, landed.branches);
    const n = onBranches ? commits.filter((c) => onBranches.has(c)).length : -1;
    if (n === commits.length) holder = 'a protected branch';
    else if (n === 0) holder = 'a protected tag';
  }
  return commits.length < problems.length ? `(some of them held by ${holder})` : `${holder} holds`;
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

/** Which of `commits` the landed tips hold: one bounded rev-list. */
async function heldCommits(cwd: string, commits: string[], tips: readonly string[]): Promise<Set<string>> {
  if (commits.length === 0 || tips.length === 0) return new Set();
  // A walk cut short cannot say a commit is not held: then all are judged (as landed).
  return (await commitsHeldBy(cwd, commits, tips)) ?? new Set(commits);
}
