import type { ApprovalStatement } from './approvalStatement';
import { shortSha } from './shortSha';

/**
 * What an approved span (statement base..tip) gives replayed onto the review base (git/approvalReplay.ts): the
 * tree; null when it does not apply cleanly; `ApprovedCommitsMissing` when the approved commits are not in this
 * repository (a CI clone after the branch was force-pushed, a server after gc, a clone other than the author's
 * after the author rebased, an approval made in a fork).
 */
export type ReplayedTree = string | null | ApprovedCommitsMissing | NotReplayed | ApprovalLanded;

/**
 * The approved change already landed in the history of the review base or of the branch's tip: the approval covered
 * it then. A commit with its patch-id now applies the same change a second time — after a later commit undid it (a
 * check taken out, put back, taken out again), the replay gives that commit's tree exactly — which is not a rebase
 * of the approved commits but the change made again: it needs a review of its own (attack27 04). Landed as the
 * approved tip itself, or (`copy`, git/landedCopy.ts) as a copy — a cherry-pick, a rebase, a squash, commit by
 * commit — which the pusher chooses (attack28 F1). `unchecked`: whether a copy landed could not be told within the
 * bounds, so the approval counts as spent (a new review, never a second landing). An approval is spent per branch:
 * landing on main does not spend it for release/1, whose history does not hold the copy.
 */
export interface ApprovalLanded {
  landed: true;
  /** Whose history holds the approved change: the review base, or the branch's tip (attack28 01). */
  on: string;
  /** The copy that landed: its first and last commits changing the statement's files (the same for one commit). */
  copy?: { first: string; last: string };
  /** Why whether a copy landed was not told: the approval counts as spent. */
  unchecked?: string;
  /** `copy` is in the statement's base's history (`on`): the base made the change before the review (and undid it). */
  inBase?: true;
}

/**
 * The bounds of looking for a landed copy (git/landedCopy.ts): at most this many commits since the statement's
 * base that change its files, each compared with it as the last of a run of up to MAX_LANDED_RUN of them (the
 * approved commits changing those files when they are here: usually 1). Past the first, the approval counts as
 * spent. The statement's files limit each compared diff up to MAX_LANDED_PATHSPEC of them (a command line); past
 * that, the runs' whole diffs are compared.
 */
export const MAX_LANDED_CANDIDATES = 200;
export const MAX_LANDED_RUN = 16;
export const MAX_LANDED_PATHSPEC = 1000;

/**
 * At most this many replays (each ~5 git processes) per statement and judgement: a push of many commits with the
 * approved patch-id (the approved change and 198 empty commits on top, or siblings each with the hunk in another
 * block) ran one replay each and reached the hook's timeout (attack27 03). One replay per distinct tree, and only
 * for commits that could be carried; past the bound, a commit is refused (NotReplayed), never let through.
 */
export const MAX_REPLAYS_PER_STATEMENT = 16;

/** Not replayed: MAX_REPLAYS_PER_STATEMENT replays were spent on the statement already, so it does not carry here. */
export interface NotReplayed {
  notReplayed: true;
}
export const NOT_REPLAYED: NotReplayed = { notReplayed: true };

function isNotReplayed(r: ReplayedTree | LandedBack | undefined): r is NotReplayed {
  return typeof r === 'object' && r !== null && 'notReplayed' in r;
}

/** Whether the approved commits were missing, so each anchor was replayed back instead (ApprovedCommitsMissing). */
export function approvedCommitsMissing(r: ReplayedTree | undefined): r is ApprovedCommitsMissing {
  return typeof r === 'object' && r !== null && 'missing' in r;
}

/** An anchor's own change replayed back onto the statement's base: the tree, null, or not replayed (the bound). */
export type LandedBack = string | null | NotReplayed;

/**
 * The approved commits are missing, so the approved change cannot be replayed forward; the statement still
 * signs its base and its tip's tree. `landedBack`, per commit carried by patch-id: that commit's own change
 * (review base..commit) replayed back onto the statement's base — the statement's tree exactly when it is the
 * approved change (newuser20 F8) — or null when that does not apply cleanly or the base is not here either.
 */
export interface ApprovedCommitsMissing {
  missing: true;
  landedBack: Record<string, LandedBack>;
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
  if (isNotReplayed(replayed)) return `${approvedAs} ${notReplayedWhy(anchor.sha)}; ${again}`;
  if (typeof replayed === 'object' && 'landed' in replayed) return landedWhy(st, replayed, anchor.sha, words);
  if (approvedCommitsMissing(replayed)) {
    const back = replayed.landedBack[anchor.sha];
    if (back === st.tree) return undefined;
    if (isNotReplayed(back)) return `${approvedAs} ${notReplayedWhy(anchor.sha)}; ${again}`;
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

function landedWhy(
  st: ApprovalStatement,
  landed: ApprovalLanded,
  anchor: string,
  { approvedAs, again }: { approvedAs: string; again: string },
): string {
  const on = shortSha(landed.on);
  const once = `an approval covers it once — ${shortSha(anchor)} makes the same change again (as after a later commit undid it); ${again}`;
  if (landed.unchecked !== undefined)
    return `${approvedAs} whether its change already landed in ${on}'s history could not be told (${landed.unchecked}), so the approval counts as spent: ${once}`;
  if (landed.inBase && landed.copy)
    return `${approvedAs} the approved base ${shortSha(st.base)} already holds ${shortSha(landed.copy.first)}, which makes the approved change: a change the base made (and undid) before the review, not the reviewed change landing; ${again}`;
  if (landed.copy) {
    const { first, last } = landed.copy;
    const as = first === last ? shortSha(last) : `${shortSha(first)}^..${shortSha(last)}`;
    return `${approvedAs} its change already landed as ${as} in ${on}'s history (a copy of ${shortSha(st.tip)}: a cherry-pick, rebase or squash), and ${once}`;
  }
  return `${approvedAs} ${shortSha(st.tip)} is already in ${on}'s history: the approved change landed, and ${once}`;
}

function notReplayedWhy(sha: string): string {
  return `more than ${MAX_REPLAYS_PER_STATEMENT} commits here have the approved patch-id with other trees, and only the first ${MAX_REPLAYS_PER_STATEMENT} are replayed to check them (each replay runs git, and a push must not make the server run it without end), so ${shortSha(sha)} is not checked and not carried`;
}

/**
 * How a reader gets approved commits this repository lacks: the clone that made them (the author's) still has
 * them; a server keeps them unreferenced only until gc, and serves no unreferenced commit to a fetch.
 */
export function fetchApproved(st: Pick<ApprovalStatement, 'tip'>): string {
  return `to have ${shortSha(st.tip)} here, its author (whose clone still has it) pushes it to a branch — git push origin ${st.tip}:refs/heads/approved/${shortSha(st.tip)} — and you git fetch`;
}
