import { formatStatementLine, parseStatementNote } from '../core/approvalStatement';
import type { Policy } from '../core/policy';
import { foldRefName } from '../core/refNameCase';
import { MAX_COMMIT_BYTES, oversizedObjectRefusal } from '../core/commitBound';
import { readObjects } from './catFileBatch';
import { readStatementsAtCommit } from './gateInput';
import { runGit } from './gitRunner';
import { AI_NOTES_REF, REVIEW_NOTES_REF } from './notesConfig';
import { notesTreeChanges, objectInfo, unsignedAdditions } from './notesAdditions';
import { unreadableAiNotes } from './aiNotesAdditions';
import type { LandedTips } from './landedAiNotes';
import { noteTarget } from './notePath';
import { objectType } from './notesReader';
import { emptyTree } from './emptyTree';
import { oidHexLength } from './objectFormat';
import { shortSha } from '../core/shortSha';
import { isNullObjectId } from '../core/nullObjectId';

/**
 * The server's rule for the notes refs (docs/design.md, "Approvals": the approvals ref is append-only where it is
 * enforced). refs/notes/countersign holds every approval and every rejection: a push may add to it, never
 * delete it, rewind it or publish a notes tree that lacks a statement the server had — otherwise one push
 * drops a rejection and the next lands the rejected commit. refs/notes/ai (provenance) may not be deleted or
 * rewound either. Lines that are not readable statements may be removed: they count for nothing, and
 * cleaning them up is the fix the gate itself asks for. What may be added is notesAdditions.ts's rule, and
 * for refs/notes/ai aiNotesAdditions.ts's (only readable provenance notes).
 */
export const GUARDED_NOTES_REFS: readonly string[] = [REVIEW_NOTES_REF, AI_NOTES_REF];

/**
 * The guarded notes ref `ref` lies below (`refs/notes/countersign/x`), in any letter case, or undefined (attack25
 * A25-02): a ref below one keeps it from being created, so a keyless pusher who made one on a server with no
 * approval yet made recording any approval impossible.
 */
export function guardedNotesRefAbove(ref: string): string | undefined {
  const folded = foldRefName(ref);
  return GUARDED_NOTES_REFS.find((g) => folded.startsWith(`${foldRefName(g)}/`));
}

/** One pushed update of a notes ref; `old`/`new` undefined when the ref is absent before/after. */
export interface NotesRefUpdate {
  ref: string;
  old: string | undefined;
  new: string | undefined;
}

function fixFor(ref: string): string {
  const name = ref.replace('refs/notes/', '');
  const strategy = ref === REVIEW_NOTES_REF ? ' -s cat_sort_uniq' : '';
  return `fetch the server's ${ref} and merge yours into it (\`git fetch origin ${ref} && git notes --ref=${name} merge${strategy} FETCH_HEAD\`${ref === REVIEW_NOTES_REF ? ', which `countersign approve` does for you' : ''}), then push without --force`;
}

/**
 * Why the update is refused, or undefined when it keeps everything the server had and adds only signed
 * statements on commits (notesAdditions.ts). `policy`: the one on the server's policy branch, whose keys vouch;
 * `landed`: its protected branches' and tags' values, whose commits' new or changed provenance notes are judged
 * (landedAiNotes.ts).
 */
export async function notesRefRefusal(
  cwd: string,
  u: NotesRefUpdate,
  policy: Policy | undefined,
  landed: LandedTips = { branches: [], tags: [] },
): Promise<string | undefined> {
  if (!GUARDED_NOTES_REFS.includes(u.ref)) {
    // On a case-insensitive file system (macOS, Windows) a clone keeps refs/notes/AI and refs/notes/ai in one
    // file: fetching the unguarded twin would replace the clone's provenance or approvals (outside tester,
    // session 7). So no ref may be created or moved that equals a guarded one but for case; deleting one may.
    const twin = GUARDED_NOTES_REFS.find((g) => foldRefName(g) === foldRefName(u.ref));
    if (twin && u.new !== undefined)
      return `${u.ref} differs from ${twin} only in letter case: a clone on a case-insensitive file system (macOS, Windows) stores the two as one ref, so it would overwrite that clone's ${twin}; push to ${twin} itself.`;
    const below = u.old === undefined && u.new !== undefined ? guardedNotesRefAbove(u.ref) : undefined;
    return below
      ? `creating ${u.ref} is not allowed: it is below ${below}, and git keeps refs as files, so while it exists ${below} could never be created here — no approval or provenance note could be recorded (or, in a clone on a case-insensitive file system, fetched); push notes to ${below} itself.`
      : undefined;
  }
  if (u.new === undefined && u.old === undefined) return undefined;
  const what = u.ref === REVIEW_NOTES_REF ? 'every approval and rejection' : 'the provenance of every commit';
  if (u.new === undefined) {
    return `deleting ${u.ref} is not allowed: it holds ${what} on this server, and it is append-only.`;
  }
  // A notes ref names a notes commit. git's plumbing peels tags, so without this an annotated tag of the notes
  // commit passed as a fast-forward and a tree passed as a creation; clients copied either on fetch and every
  // `git notes add` (approve, reject, the post-commit note) then failed (outside tester, session 9, I1).
  const type = await objectType(cwd, u.new);
  if (type !== 'commit') {
    return `${u.ref} must name a notes commit, but ${shortSha(u.new)} is a ${type ?? 'missing object'}: every clone would copy it and no note could be added to it any more. Push the notes commit itself (\`git push origin ${u.ref}\` from a clone whose ${u.ref} is a commit; repair a clone with \`git update-ref ${u.ref} ${u.ref}^{commit}\`).`;
  }
  const old = await repairableOld(cwd, u.old);
  const big = await oversizedNotesCommit(cwd, u.ref, old, u.new);
  if (big) return big;
  if (old !== undefined) {
    const ff = await runGit(['merge-base', '--is-ancestor', old, u.new], { cwd, okCodes: [1] });
    if (ff.code !== 0) {
      return `a non-fast-forward update of ${u.ref} is not allowed (${shortSha(old)} is not in the history of ${shortSha(u.new)}): it is append-only, so ${what} stays; ${fixFor(u.ref)}.`;
    }
  }
  // In either ref: git reads an uppercase-hex file as a note too, but the server's rules below would not judge it.
  const stray = await strayEntries(cwd, old ?? (await emptyTree(cwd)), u.new);
  if (stray.length > 0) {
    return `this push puts ${stray.length} entr${stray.length === 1 ? 'y' : 'ies'} into ${u.ref} that ${stray.length === 1 ? 'is' : 'are'} no note (${stray
      .slice(0, 3)
      .map((p) => JSON.stringify(p))
      .join(
        ', ',
      )}${stray.length > 3 ? ', …' : ''}): a notes tree holds only files named after the commit they annotate (its full id: ${await oidHexLength(cwd)} lowercase hex digits in this repository, or split into two-digit fan-out folders), and anything else would hide a note from the server's rules or from the gate; write ${u.ref === REVIEW_NOTES_REF ? 'approvals with \`countersign approve\` or' : 'notes with'} \`git notes\`, then push without --force.`;
  }
  const second = await secondEntryRefusal(cwd, u.ref, old, u.new);
  if (second) return second;
  if (u.ref !== REVIEW_NOTES_REF) return unreadableAiNotes(cwd, old, u.new, landed);
  const unsigned = await unsignedAdditions(cwd, old, u.new, policy);
  if (unsigned || old === undefined) return unsigned;
  const dropped = await droppedStatements(cwd, old, u.new);
  if (dropped.length === 0) return undefined;
  const shown = dropped
    .slice(0, 3)
    .map((d) => `${d.decision} by ${d.reviewer} of ${shortSha(d.tip)}`)
    .join('; ');
  return `this push removes ${dropped.length} approval statement(s) the server has from ${u.ref} (${shown}${dropped.length > 3 ? '; …' : ''}): approvals and rejections are append-only; ${fixFor(u.ref)}.`;
}

/**
 * Why the push brings `ref` a notes commit over core/commitBound.ts's bound, or undefined (attack26 08): adding no
 * note, a 200 MB notes commit passed every rule below, and since the ref is never rewound every later read of it
 * had git parse that commit whole (a push to main went from 5 s to 24 s, for good). The tip is judged from its size
 * before anything parses it; the commits below it from one `rev-list` of what the push brings and their sizes.
 */
async function oversizedNotesCommit(
  cwd: string,
  ref: string,
  old: string | undefined,
  tip: string,
): Promise<string | undefined> {
  let sizes = await objectInfo(cwd, [tip]);
  let over = Number(sizes.get(tip)?.size ?? 0) > MAX_COMMIT_BYTES ? tip : undefined;
  if (over === undefined) {
    const brought = await runGit(['rev-list', tip, ...(old ? ['--not', old] : [])], { cwd });
    const ids = brought.stdout.split('\n').filter(Boolean);
    sizes = await objectInfo(cwd, ids);
    over = ids.find((id) => Number(sizes.get(id)?.size ?? 0) > MAX_COMMIT_BYTES);
  }
  if (over === undefined) return undefined;
  const name = ref.replace('refs/notes/', '');
  return oversizedObjectRefusal(
    'notes commit',
    over,
    Number(sizes.get(over)?.size),
    ref,
    `the notes commits \`git notes\` writes are a few hundred bytes: start from the server's ref (\`git fetch origin +${ref}:${ref}\`), write your notes again with \`git notes --ref=${name}\`${ref === REVIEW_NOTES_REF ? ' (or `countersign approve`)' : ''}, then push without --force.`,
  );
}

/**
 * The value to judge a push against when the server already holds a non-commit (set before the type check
 * existed): a tag is judged by the commit it wraps, so a repair keeps every statement; anything else (a tree,
 * which could only have been pushed as the ref's creation) as if the ref were new, so a commit can replace it.
 */
async function repairableOld(cwd: string, old: string | undefined): Promise<string | undefined> {
  if (old === undefined || (await objectType(cwd, old)) === 'commit') return old;
  const peeled = await runGit(['rev-parse', '--verify', '-q', `${old}^{commit}`], { cwd, okCodes: [1, 128] });
  return peeled.code === 0 ? peeled.stdout.trim() : undefined;
}

interface DroppedStatement {
  decision: string;
  reviewer: string;
  tip: string;
}

/**
 * Paths that `new` adds or changes which are not notes: a note is a regular file named after an object id of this
 * repository's format (notePath.ts), so a 64-digit name in a SHA-1 repository is a stray too (attack14 N7).
 */
async function strayEntries(cwd: string, oldCommit: string, newCommit: string): Promise<string[]> {
  const hexLength = await oidHexLength(cwd);
  const diff = await runGit(['diff-tree', '-r', '-z', '--no-renames', oldCommit, newCommit], { cwd });
  const fields = diff.stdout.split('\0');
  const stray: string[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const m = /^:\d+ (\d+) [0-9a-f]+ ([0-9a-f]+) ([A-Z])/.exec(fields[i]);
    if (!m || isNullObjectId(m[2])) continue; // deleted: droppedStatements judges what it held
    if (!(m[1] === '100644' || m[1] === '100755') || noteTarget(fields[i + 1], hexLength) === undefined)
      stray.push(fields[i + 1]);
  }
  return stray;
}

/**
 * Readable statements in notes commit `old` that `new` no longer holds anywhere. Only notes that changed
 * between the two trees are read (a line that moved to another commit's note lands in a note that changed
 * too), so the cost follows the push, not the number of approvals on the server.
 */
async function droppedStatements(cwd: string, oldCommit: string, newCommit: string): Promise<DroppedStatement[]> {
  const diff = await runGit(['diff-tree', '-r', '-z', '--no-renames', oldCommit, newCommit], { cwd });
  const oldBlobs: string[] = [];
  const newBlobs: string[] = [];
  const fields = diff.stdout.split('\0');
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const m = /^:\d+ \d+ ([0-9a-f]+) ([0-9a-f]+) ([A-Z])/.exec(fields[i]);
    if (!m) continue;
    if (!isNullObjectId(m[1])) oldBlobs.push(m[1]);
    if (!isNullObjectId(m[2])) newBlobs.push(m[2]);
  }
  if (oldBlobs.length === 0) return [];
  const linesOf = async (blobs: string[]) => {
    const lines = new Map<string, DroppedStatement>();
    await readObjects(cwd, blobs, (_blob, content) => {
      if (content === undefined) return;
      for (const s of parseStatementNote(content.toString('utf8')).statements) {
        lines.set(formatStatementLine(s), {
          decision: s.statement.decision,
          reviewer: s.statement.reviewer.email,
          tip: s.statement.tip,
        });
      }
    });
    return lines;
  };
  const before = await linesOf(oldBlobs);
  const after = await linesOf(newBlobs);
  let missing = [...before.keys()].filter((l) => !after.has(l));
  if (missing.length > 0) {
    // Rare: the line survives in a note that did not change (a duplicate). Look at the whole new tree.
    const all = new Set(
      (await readStatementsAtCommit(cwd, newCommit)).statements.map((s) => formatStatementLine(s.signed)),
    );
    missing = missing.filter((l) => !all.has(l));
  }
  return missing.map((l) => before.get(l) as DroppedStatement);
}

/**
 * Why a push gives an object a second entry in a notes ref, or undefined (attack13 M9/M1/M10, one rule for both
 * refs). git reads two entries for one object as one note: the next `git notes add` on any clone folds them into one
 * concatenated, unreadable note that every later notes push then carries (refused for good), and until then readers
 * disagree on which entry counts, so a second entry re-attributed a landed commit past the landed-note rule.
 */
async function secondEntryRefusal(
  cwd: string,
  ref: string,
  oldCommit: string | undefined,
  newCommit: string,
): Promise<string | undefined> {
  const { seconds } = await notesTreeChanges(cwd, oldCommit, newCommit);
  if (seconds.length === 0) return undefined;
  const shown = seconds
    .slice(0, 3)
    .map((e) => `${shortSha(e.target)} at ${e.path} (it already has one at ${e.other})`)
    .join('; ');
  const name = ref.replace('refs/notes/', '');
  return `this push gives ${seconds.length} object(s) a second entry in ${ref} — ${shown}${seconds.length > 3 ? '; …' : ''}: git reads two entries for one object as one note, and the next \`git notes add\` on any clone would fold them into one unreadable note. Fix: keep one entry per object, at the path the server has it — start from the server's ref (\`git fetch origin +${ref}:${ref}\`), write the note with \`git notes --ref=${name}\` (it keeps the path), then push again.`;
}
