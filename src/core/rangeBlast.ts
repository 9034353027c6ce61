import type { ChangedFile, GateCommit } from './gateTypes';
import { changeKey, mergeSides } from './mergeView';
import type { UntrackedTally } from './untrackedReview';

/**
 * The push's blast radius as a whole, so that a mass deletion split into small commits is still a mass
 * deletion. Files: distinct paths deleted by any commit of the range — a file deleted in one commit and
 * re-added in another still counts, since "delete and recreate" is the danger. Lines: the lines each commit
 * deletes, summed. A merge's first-parent diff repeats the changes of the commits it brings in, so a merge
 * counts only the lines it deletes beyond those of its side commits in the range (an evil merge still counts).
 */
export interface RangeBlast {
  files: number;
  lines: number;
  /** Commits that delete something of their own: the ones a range-wide tier applies to. */
  contributors: Set<string>;
  /** The same counts over the unreviewed commits before the push and the push (src/git/reviewedPoint.ts). */
  since?: Omit<SinceReviewed, 'commits'> & { files: number; lines: number; count: number };
  /** The untracked lines of the push, and of the unreviewed commits before it, added up (core/untrackedReview.ts). */
  untracked?: UntrackedTally;
}

/**
 * How far the walk for the reviewed point goes (src/git/reviewedPoint.ts). Only commits that delete something a
 * tier counts use up the window: commits that delete nothing (an empty, honestly attested commit needs no review)
 * cannot push the point out of view (outside tester, session 10, J2: 1,001 of them in one push did, and every
 * later one-line deletion met the mass-deletion tier). `commits` bounds the walk's time whatever the commits
 * hold: ten maximal pushes (gateInput.MAX_COMMITS each). `bytes` bounds it by what its diffs read (outside tester,
 * session 10, K1: honest commits appending a line to a file of 1 MiB lines cost ~60 ms each to diff, so a few
 * pushes of them made every later deleting push slow, then time out): about 2 s of diffing on a loaded machine.
 * `entries` bounds it by the changed paths it reads, whether or not a blob is read for them (outside tester,
 * session 11, L5: commits flipping the executable bit of 100,000 small files cost ~2 s each to read again):
 * a few seconds on a loaded machine.
 * Beyond any bound the count is unknown (fails closed) until reviewers approve the branch's tip as the tier asks.
 */
export const REVIEWED_POINT_WINDOW = {
  deleting: 10_000,
  commits: 100_000,
  bytes: 1024 ** 3,
  entries: 500_000,
} as const;

/**
 * What the deletion tiers read of a commit: its parents (for a merge's side commits) and the files it deletes.
 * `reviewedSide`, on a merge among a branch's unreviewed commits whose other parent is a reviewed point: the changes
 * of that point's approved span (src/git/reviewedSides.ts); the merge does not own a change it makes exactly so.
 */
export type DeletionView = Pick<GateCommit, 'sha' | 'parents' | 'files'> & { reviewedSide?: readonly ChangedFile[] };

/**
 * The commits a protected branch holds since its last approved commit (`point`; absent: none, counted from its
 * root), which a push that deletes something is judged with, so that a mass deletion split across pushes still
 * meets the tier (outside tester, session 8, H3). `unknown`: no approved commit within the window looked at.
 */
export interface SinceReviewed {
  branch: string;
  point?: string;
  commits: DeletionView[];
  unknown?: true;
  /** With `unknown`: the bytes of file versions the count would have diffed, past REVIEWED_POINT_WINDOW.bytes. */
  bytes?: number;
  /** With `unknown`: this many approved tips were judged (src/git/vouchedTip.ts) and none was vouched for. */
  unjudged?: number;
  /** With `unknown`: the changed entries (paths) it stopped reading at, REVIEWED_POINT_WINDOW.entries. */
  entries?: number;
  /** Approved tips among `commits` whose approvals do not meet the deletion tiers: no point (attack23 04). */
  fewer?: number;
  /** With `fewer`: the roles the deletion tiers ask, where they ask any (so the count is not all they lacked). */
  roles?: readonly string[];
}

export function rangeBlast(commits: DeletionView[], before?: SinceReviewed): RangeBlast {
  const own = pushBlast(commits);
  if (!before || own.contributors.size === 0) return own;
  // One count over both: a file deleted before and recreated by the push is still "delete and recreate".
  const all = pushBlast([...before.commits, ...commits]);
  const { commits: counted, ...about } = before;
  return { ...own, since: { ...about, files: all.files, lines: all.lines, count: counted.length } };
}

function pushBlast(commits: DeletionView[]): RangeBlast {
  const byId = new Map(commits.map((c) => [c.sha, c]));
  // Only a merge that deletes something has side deletions to tell from its own; one past the walk's bound has
  // none told apart (fails closed: all its deletions are its own).
  const walked = mergeSides(commits, (m) => deletesAny(byId.get(m.sha)?.files ?? []));
  const deletedPaths = new Set<string>();
  const contributors = new Set<string>();
  let lines = 0;
  for (const commit of commits) {
    // A change a merge brings unchanged from a reviewed side whose commits lie under a point (not in the range):
    // not the merge's, neither as files nor lines (newuser25 N2), as core/mergeView.ts matches a side's change.
    const c = fromReviewedSide(commit);
    const deletes = c.files.filter((f) => f.status === 'D').map((f) => f.path);
    for (const p of deletes) deletedPaths.add(p);
    let own = 0;
    let ownFiles = deletes.length;
    const side = c.parents.length > 1 ? (walked.sides.get(c.sha) ?? []) : undefined;
    if (side) {
      const sideLines = new Map<string, number>();
      const sideDeleted = new Set<string>();
      for (const id of side) {
        for (const f of byId.get(id)?.files ?? []) {
          sideLines.set(f.path, (sideLines.get(f.path) ?? 0) + (f.deleted ?? 0));
          if (f.status === 'D') sideDeleted.add(f.path);
        }
      }
      for (const f of c.files) own += Math.max(0, (f.deleted ?? 0) - (sideLines.get(f.path) ?? 0));
      ownFiles = deletes.filter((p) => !sideDeleted.has(p)).length;
    } else {
      own = c.files.reduce((n, f) => n + (f.deleted ?? 0), 0);
    }
    lines += own;
    if (own > 0 || ownFiles > 0) contributors.add(c.sha);
  }
  return { files: deletedPaths.size, lines, contributors };
}

function fromReviewedSide(c: DeletionView): DeletionView {
  if (!c.reviewedSide || c.reviewedSide.length === 0) return c;
  const brought = new Set(c.reviewedSide.flatMap((f) => (f.oids ? [changeKey(f.path, f.oids)] : [])));
  return { ...c, files: c.files.filter((f) => !(f.oids && brought.has(changeKey(f.path, f.oids)))) };
}

function deletesAny(files: DeletionView['files']): boolean {
  return files.some((f) => f.status === 'D' || (f.deleted ?? 0) > 0);
}
