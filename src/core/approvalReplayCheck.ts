import type { ApprovalStatement } from './approvalStatement';
import { shortSha } from './shortSha';

/**
 * What an approved span (statement base..tip) gives replayed onto the review base (git/approvalReplay.ts): the
 * tree; null when it does not apply cleanly; 'missing' when the approved commits are not in this repository
 * (a CI clone after the branch was force-pushed, a server after gc, an approval made in a fork).
 */
export type ReplayedTree = string | null | 'missing';

/**
 * Why a statement carried by patch-id onto `anchor` does not cover it because the anchor's tree is not the
 * approved change replayed onto the review base, or undefined when the tree matches. A patch-id ignores line
 * numbers, so the same hunk with the same context at another place has the approved patch-id. When the approved
 * commits are missing nothing can be replayed, and "no tree to check" must not mean "carries": only a commit
 * with the statement's own tree (the same content re-committed, e.g. reworded) is the approved change.
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
  if (replayed === 'missing') {
    if (anchor.tree === st.tree) return undefined;
    return `${approvedAs} the approved commits are not in this repository (${shortSha(st.tip)} was force-pushed away, pruned, or approved in a fork), so the approved change cannot be replayed onto ${onto} and ${shortSha(anchor.sha)}'s tree is not the approved tree — the same edit in another place has the same patch-id; fetch the approved branch (push it, on a server) so ${shortSha(st.tip)} is here, or ${again}`;
  }
  if (replayed !== anchor.tree)
    return `${approvedAs} this push's change is not the approved change replayed onto ${onto} (the same edit in another place, or other lines changed too); ${again}`;
  return undefined;
}
