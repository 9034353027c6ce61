import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AddedLineJudge } from '../core/addedStatementLine';
import { ReviewerKeys } from '../core/approvalRules';
import { MAX_NOTE_BYTES } from '../core/noteBounds';
import type { Policy } from '../core/policy';
import { identityEnv } from './fallbackIdentity';
import { runGit } from './gitRunner';
import { intakeTexts } from './noteIntakeRead';
import { notesTreeChanges } from './notesAdditions';
import { REVIEW_NOTES_REF } from './notesConfig';
import { notesRefRefusal } from './notesRefGuard';
import { noteTarget } from './notePath';
import { oidHexLength } from './objectFormat';
import { policySourceAt, remoteDefaultBranch } from './policyBranch';
import { approvalsRemote } from './remotes';

/**
 * What a clone takes into its refs/notes/countersign from a remote other than the one it shares approvals with
 * (attack10 J3). The review panel fetches every remote's notes (a contributor's fork, added to look at a pull
 * request), and a plain `cat_sort_uniq` merge took them all: one junk line in the fork's notes, once merged, made
 * the server refuse every later push of the reviewer's notes — their approvals stayed local. Lines from such a
 * remote are now taken only where the server would take them as additions (core/addedStatementLine.ts, the rule
 * the server's guard applies), judged against the listed keys of the policy on the trusted remote's policy
 * branch; the rest stay in that remote's tracking ref, where the gate does not read them. The trusted remote's
 * own notes (approvalsRemote: origin, else the only remote) are merged as they are: its guard already judged them,
 * and it holds lines today's rule would refuse (a reviewer since removed from the policy keeps what they signed),
 * which a filter would leave out, so our ref would no longer fast-forward from theirs and every push of it would
 * fail. The trusted remote is not the checked-out branch's upstream: that is the fork whenever its pull-request
 * branch is checked out (attack11 K2).
 */

/** Whether `remote`'s notes are filtered: any remote but the trusted one, whichever branch is checked out. */
export async function isForeignNotesRemote(cwd: string, remote: string): Promise<boolean> {
  return remote !== (await approvalsRemote(cwd).catch(() => undefined));
}

/**
 * The policy on the trusted remote's policy branch (never a fork's: its policy may list the fork owner's key),
 * whose listed keys vouch; undefined when no policy can be read.
 */
async function trustedPolicy(cwd: string): Promise<Policy | undefined> {
  const remote = await approvalsRemote(cwd).catch(() => undefined);
  if (!remote) return undefined;
  const branch = (await remoteDefaultBranch(cwd, remote)) ?? 'main';
  const r = await runGit(['rev-parse', '--verify', '-q', `refs/remotes/${remote}/${branch}^{commit}`], {
    cwd,
    okCodes: [1, 128],
  });
  if (r.code !== 0) return undefined;
  const source = await policySourceAt(cwd, r.stdout.trim(), `${remote}/${branch}`, branch);
  return source.kind === 'ok' ? source.policy : undefined;
}

const linesOf = (text: string) =>
  text
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '');

/**
 * What to make of another remote's notes commit `from`: our notes plus the lines of `from` the server would take
 * (`commit`: `local` itself when there are none; `left`: lines left out), or `refused` when the server's own guard
 * (notesRefGuard.ts) would not take that commit as an update of ours. `from` itself is never adopted, by
 * fast-forward or by merge (attack12 L3): its tree may lack a statement we hold (a removed note) or hold it padded
 * — nothing "added", nothing left out — and our ref would then carry that into every later push, which the server
 * refuses for good. So the result's tree is always ours plus judged lines, and its only parent is ours: `from` as a
 * second parent would gain nothing (the next intake compares trees, not history) and our next push would send the
 * fork's notes history, objects and all, to the trusted server.
 */
export async function filteredIntake(
  cwd: string,
  local: string | undefined,
  from: string,
): Promise<{ commit: string | undefined; left: number; refused?: string }> {
  const { changed } = await notesTreeChanges(cwd, local, from);
  if (changed.length === 0) return { commit: local, left: 0 };
  const { texts, refused: unread } = await intakeTexts(cwd, REVIEW_NOTES_REF, changed, MAX_NOTE_BYTES);
  if (unread) return { commit: local, left: changed.length, refused: unread };
  const policy = await trustedPolicy(cwd);
  const judge = new AddedLineJudge(policy ? new ReviewerKeys(policy, undefined, { retired: false }) : undefined);
  let left = 0;
  const merged = new Map<string, string[]>();
  for (const c of changed) {
    const ours = linesOf(c.oldBlob ? (texts.get(c.oldBlob) ?? '') : '');
    const had = new Set(ours.map((l) => l.trim()));
    const taken = new Set<string>();
    const theirs = texts.get(c.newBlob);
    if (theirs === undefined) {
      left++; // larger than a note may hold: never read
      continue;
    }
    for (const line of linesOf(theirs)) {
      const t = line.trim();
      if (had.has(t) || taken.has(t)) continue;
      if (judge.judge(c.target, t) === undefined) taken.add(t);
      else left++;
    }
    if (taken.size > 0) merged.set(c.target, [...new Set([...ours, ...taken])]);
  }
  if (merged.size === 0) return { commit: local, left };
  const sorted = new Map(
    [...merged].map(([t, lines]) => [
      t,
      lines.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))).join('\n') + '\n',
    ]),
  );
  const commit = await commitWith(cwd, local, from, sorted, 'approvals');
  // The server's whole rule on the would-be update (size bounds, canonical form, no copies, nothing dropped), so a
  // clone never holds what its server would refuse.
  const refused = await notesRefRefusal(cwd, { ref: REVIEW_NOTES_REF, old: local, new: commit }, policy);
  return refused ? { commit: local, left, refused } : { commit, left };
}

/**
 * A notes commit on top of `local` (its only parent) whose notes on `notes`' objects are those texts (for approvals,
 * lines sorted as cat_sort_uniq writes them); every other note is ours.
 */
export async function commitWith(
  cwd: string,
  local: string | undefined,
  from: string,
  notes: Map<string, string>,
  what: 'approvals' | 'provenance notes',
): Promise<string> {
  // Each note keeps the path it has in our tree (else theirs): two paths for one object would be two notes.
  const paths = new Map<string, string>();
  const hexLength = await oidHexLength(cwd);
  for (const tree of local ? [from, local] : [from]) {
    const ls = await runGit(['ls-tree', '-r', '-z', '--full-tree', tree], { cwd });
    for (const entry of ls.stdout.split('\0')) {
      const m = /^\d+ blob [0-9a-f]+\t(.+)$/.exec(entry);
      const target = m ? noteTarget(m[1], hexLength) : undefined;
      if (m && target && notes.has(target)) paths.set(target, m[1]);
    }
  }
  const entries: string[] = [];
  for (const [target, text] of notes) {
    const blob = (await runGit(['hash-object', '-w', '--stdin'], { cwd, input: text })).stdout.trim();
    entries.push(`100644 ${blob}\t${paths.get(target) ?? target}\n`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'countersign-intake-'));
  const env = { GIT_INDEX_FILE: path.join(dir, 'index') };
  try {
    await runGit(local ? ['read-tree', local] : ['read-tree', '--empty'], { cwd, env });
    await runGit(['update-index', '--add', '--index-info'], { cwd, env, input: entries.join('') });
    const tree = (await runGit(['write-tree'], { cwd, env })).stdout.trim();
    const msg = `countersign: ${what} taken in from another remote, without what its server would refuse`;
    const who = await identityEnv(cwd);
    return (
      await runGit(['commit-tree', tree, ...(local ? ['-p', local] : []), '-m', msg], { cwd, env: who })
    ).stdout.trim();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
