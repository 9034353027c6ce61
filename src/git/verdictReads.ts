import * as fs from 'fs';
import { isProtected, TAG_PREFIX, type Policy } from '../core/policy';
import { foldRefName } from '../core/refNameCase';
import type { JudgedCommand } from './landTogether';
import { GUARDED_NOTES_REFS, guardedNotesRefAbove } from './notesRefGuard';

/**
 * What a push's verdicts read of the other refs, for the server's reference-transaction hook (attack23 03). The
 * hook refused a judged push when any ref transaction had happened since its judgement began (one global
 * generation, attack17 Q8/Q9), so a keyless pusher looping "create, delete" of an unprotected branch kept every
 * approved push to main refused for as long as the loop ran. Now each transaction's refs are logged with their
 * generation (src/git/shell/referenceTransaction.sh) and a judged push is refused only when a ref its verdict read
 * changed. Each push's gate says two things, written to the file preReceive.sh names (VERDICT_READS_ENV):
 *
 * - `plain <ref> <key>…` for each ref it changes that no other push's verdict reads except by its name: a branch
 *   or tag its policy leaves unprotected, not the policy branch, or a notes ref the gate never reads (unreadNotesRef),
 *   moved by a push whose verdicts did not read the refs as they will be (a policy change).
 *   Everything else a transaction changes (protected refs, the policy branch, refs/notes/countersign and
 *   refs/notes/ai and their case twins, other namespaces, symbolic refs, any ref of a transaction no gate
 *   classified) is logged as read by every verdict.
 * - `watch <key>` for each name its own refs could collide with (refNameKeys), or `all` when its verdicts read every
 *   branch and tag (a policy change judged with the refs as they will be, attack14 N2/N4; no policy in force).
 *
 * A plain ref refuses a judged push only when one of its keys is watched: the names the gate refuses to let two refs
 * share (confusingRefName.shadowingRefName: a branch and a tag of one name, case twins, a tag `remote/<branch>`).
 * The file ends with `end`: a file without it (a gate that died writing it, an older pre-receive) reads as `all`.
 */
export const VERDICT_READS_ENV = 'COUNTERSIGN_VERDICT_READS';

const HEADS = 'refs/heads/';
const NOTES = 'refs/notes/';

/**
 * A notes ref no verdict reads (attack24 11): the gate reads only the two guarded ones (approvals, provenance;
 * notesRefGuard.ts), and no git command of the gate shows notes. Any other notes ref needs no key and may be
 * deleted, so logged as read by every verdict a keyless loop creating and deleting refs/notes/junk refused every
 * overlapping push, as attack23 03's branch loop had. Not plain: a case twin of a guarded ref (one file with it on
 * a case-insensitive file system) or a ref below one (refs/notes/ai/x, which git keeps from coexisting with it).
 */
function unreadNotesRef(ref: string): boolean {
  if (!ref.startsWith(NOTES)) return false;
  const lower = foldRefName(ref);
  return !GUARDED_NOTES_REFS.some((g) => lower === g) && guardedNotesRefAbove(ref) === undefined;
}

/**
 * The names two refs collide by (shadowingRefName's rules, folded to one comparison): a branch's or tag's short
 * name in lower case (a branch and a tag of one name; case twins, one file on a case-insensitive clone), and a
 * tag's part after its first `/` (git reads tag `origin/main` before refs/remotes/origin/main). Other refs by their
 * name after `refs/` (refs/main stands in for branch main). Folded as every case rule folds (core/refNameCase.ts).
 */
export function refNameKeys(ref: string): string[] {
  const tag = ref.startsWith(TAG_PREFIX);
  const name = tag
    ? ref.slice(TAG_PREFIX.length)
    : ref.startsWith(HEADS)
      ? ref.slice(HEADS.length)
      : ref.replace(/^refs\//, '');
  const lower = foldRefName(name);
  const slash = lower.indexOf('/');
  return tag && slash > 0 ? [lower, lower.slice(slash + 1)] : [lower];
}

/** The file's text for one push that passed the gate (see above). */
export function verdictReads(o: {
  commands: readonly JudgedCommand[];
  /** The policy the push was judged under; undefined when none is in force (every ref is read then). */
  policy: Policy | undefined;
  /** The policy branch's full name. */
  policyRef: string | undefined;
  /** A verdict read the refs as they will be after the push (a policy change). */
  readsAll: boolean;
}): string {
  const lines: string[] = [];
  if (o.readsAll || !o.policy) lines.push('all');
  const watched = new Set<string>();
  for (const c of o.commands) {
    for (const k of [...refNameKeys(c.ref), ...refNameKeys(c.target)]) watched.add(k);
    const branchOrTag = c.ref.startsWith(HEADS) || c.ref.startsWith(TAG_PREFIX);
    const plain =
      o.policy !== undefined &&
      !o.readsAll &&
      c.ref === c.target &&
      (unreadNotesRef(c.ref) || (branchOrTag && c.ref !== o.policyRef && isProtected(o.policy, c.ref) === undefined));
    if (plain) lines.push(`plain ${c.ref} ${refNameKeys(c.ref).join(' ')}`);
  }
  for (const k of watched) lines.push(`watch ${k}`);
  lines.push('end');
  return lines.map((l) => `${l}\n`).join('');
}

/** Hands the text to preReceive.sh (no file named: an older pre-receive, whose hook reads every ref as read). */
export function recordVerdictReads(text: string | undefined, env: Readonly<Record<string, string | undefined>>): void {
  const file = env[VERDICT_READS_ENV];
  if (file && text !== undefined) fs.writeFileSync(file, text);
}
