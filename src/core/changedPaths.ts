import { MAX_COMMIT_NAMES } from './policyPaths';
import { shortSha } from './shortSha';

/**
 * How many changed paths the gate lists in one judgement (attack26 04). A "tree bomb" — one blob, a tree of 100
 * entries naming it, a tree of 100 entries naming that tree, once more — is 1,000,000 paths from four tree objects
 * of a few KB, and `git log --raw --numstat` lists every one: git's tree comparison alone took 9 s and 290 MB, its
 * line counts ~0.45 ms a file (9 minutes), so the push was refused only when the hook's 120 s timeout fired (a
 * verdict that depended on the machine) and a reviewer's panel ran without end. git builds a commit's whole list
 * before printing any of it, so stopping its output early saves nothing: the paths are counted first, level by
 * level of the trees (git/changedPathCount.ts), and nothing is listed past the bound.
 *
 * The same number as core/policyPaths.ts MAX_COMMIT_NAMES, the names of one commit's changed paths the tiers
 * match: a commit within this bound has all its own names matched. Per judgement, not only per commit: a push of
 * many commits each just under it would cost as much. 65,536 paths cost git's line counts ~30 s on a 2-core test
 * machine, a quarter of the hook's 120 s; an honest commit changing more (a vendored tree, an import) is split, or
 * landed by an administrator (docs/server-hook.md, "Sizes the gate reads at most").
 * Counted as git's tree comparison meets them: files, links, submodules and folders alike, each commit against its
 * first parent (the gate's view: `--diff-merges=first-parent`), so never fewer than the files git would list.
 */
export const MAX_JUDGED_PATHS = MAX_COMMIT_NAMES;

/** Where a read stopped at the bound: one commit's own paths passed it, or the range's together did. */
export type PathsOver = { sha: string } | { range: true };

/**
 * Why a protected ref may not take a range whose read stopped at the bound (GateCommit.pathsOver), or undefined.
 * Said by verify, pre-push, pre-receive and the review panel alike (git/gateInput.ts asks, through
 * core/commitBound.ts oversizedCommitsRefusal).
 */
export function changedPathsRefusal(
  commits: ReadonlyArray<{ sha: string; pathsOver?: PathsOver }>,
): string | undefined {
  const over = commits.find((c) => c.pathsOver !== undefined)?.pathsOver;
  if (over === undefined) return undefined;
  const bound = `${PATHS_PAST_BOUND}, more than the gate lists in one judgement`;
  if ('sha' in over)
    return `commit ${shortSha(over.sha)} changes ${bound}, so it cannot be judged; split it into smaller commits, or have an administrator land it (docs/server-hook.md, "Sizes the gate reads at most")`;
  return `the ${commits.length} commits of this push change ${bound}, so they cannot be judged together; push them in parts`;
}

const PATHS_PAST_BOUND = `more than ${MAX_JUDGED_PATHS} paths (files and folders, each commit against its first parent)`;

/**
 * What report and explain say of the commits they read without their files for changing more paths than the bound
 * (git/historyStream.ts `pathsOver`, bounds22): the first named, and how many more.
 */
export function changedPathsUnread(shas: readonly string[]): string {
  const more = shas.length > 1 ? ` (and ${shas.length - 1} more commit${shas.length > 2 ? 's' : ''} like it)` : '';
  return `commit ${shortSha(shas[0])}${more} changes ${PATHS_PAST_BOUND}, more than Countersign reads of one commit, so its files were not read: its added lines are not counted and its need for review is unknown (the gate refuses it on a protected branch)`;
}
