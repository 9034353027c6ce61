import type { ApprovalStatement } from './approvalStatement';
import { shortSha } from './shortSha';

/**
 * What an approved span (statement base..tip) gives replayed onto the review base (git/approvalReplay.ts): the
 * tree; null when it does not apply cleanly; `ApprovedCommitsMissing` when the approved commits are not in this
 * repository (a CI clone after the branch was force-pushed, a server after gc, a clone other than the author's
 * after the author rebased, an approval made in a fork).
 */
export type ReplayedTree = string | null | ApprovedCommitsMissing;

/**
 * The approved commits are missing, so the approved change cannot be replayed forward; the statement still
 * signs its base and its tip's tree. `landedBack`, per commit carried by patch-id: that commit's own change
 * (review base..commit) replayed back onto the statement's base — the statement's tree exactly when it is the
 * approved change (newuser20 F8) — or null when that does not apply cleanly or the base is not here either.
 */
export interface ApprovedCommitsMissing {
  missing: true;
  landedBack: Record<string, string | null>;
}

/**
 * Why a statement carried by patch-id onto `anchor` does not cover it because the anchor's tree is not the
 * approved change replayed onto the review base, or undefined when the tree matches. A patch-id ignores line
 * numbers, so the same hunk with the same context at another place has the approved patch-id. When the approved
 * commits are missing nothing can be replayed forward, and "no tree to check" must not mean "carries": the
 * anchor carries only when its own change replayed back onto the statement's base gives the statement's tree —
 * what the reviewer signed (a reworded commit on the same base replays back to its own tree, so it carries). The
 * same hunk at another place replays back to another tree, and a change with more in it has another patch-id.
 * Having the statement's tree is not enough (attack27 01): a base that already had the line at place 2, approved
 * adding it at place 1, gives the same tree as a main that had it at place 1 plus the line at place 2.
 */
export function replayMismatch(
  st: ApprovalStatement,
  replayed: ReplayedTree,
  anchor: { sha: string; tree: string | undefined },
  reviewBase: string | undefined,
  words: { approvedAs: string; again: string },
): string | undefined {
  const { approvedAs, again } = words;
  const onto = reviewBase ? shortSha(reviewBase) : 'an empty tree';
  if (replayed === null)
    return `${approvedAs} the approved change does not replay cleanly onto ${onto}, so this push's change cannot be the approved one; ${again}`;
  if (typeof replayed === 'object') {
    const back = replayed.landedBack[anchor.sha];
    if (back === st.tree) return undefined;
    const why =
      back === undefined || back === null
        ? `${shortSha(anchor.sha)}'s change does not replay cleanly back onto the approved base ${shortSha(st.base)}${back === null ? ' (or that base is not here either)' : ''}`
        : `${shortSha(anchor.sha)}'s change replayed back onto the approved base ${shortSha(st.base)} does not give the approved tree — the same edit in another place has the same patch-id`;
    return `${approvedAs} the approved commits are not in this repository (${shortSha(st.tip)} was force-pushed away, pruned, rebased by its author, or approved in a fork) and ${why}; ${fetchApproved(st)}, or ${again}`;
  }
  if (replayed !== anchor.tree)
    return `${approvedAs} this push's change is not the approved change replayed onto ${onto} (the same edit in another place, or other lines changed too); ${again}`;
  return undefined;
}

/**
 * How a reader gets approved commits this repository lacks: the clone that made them (the author's) still has
 * them; a server keeps them unreferenced only until gc, and serves no unreferenced commit to a fetch.
 */
export function fetchApproved(st: Pick<ApprovalStatement, 'tip'>): string {
  return `to have ${shortSha(st.tip)} here, its author (whose clone still has it) pushes it to a branch — git push origin ${st.tip}:refs/heads/approved/${shortSha(st.tip)} — and you git fetch`;
}
