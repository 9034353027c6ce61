import type { SignedStatement } from './approvalStatement';
import type { Policy, Reviewer } from './policy';
import { approvedCommitsMissing, fetchApproved, replayMismatch, type ReplayedTree } from './approvalReplayCheck';

/**
 * Whether a signed statement counts for a commit (docs/design.md, "Approvals" and "The gate"), decided once for
 * the gate, `explain`, `report` and the review panel: parse (approvalStatement.ts) → reviewer listed →
 * signature → covers the commit (tip, base, patch-id) → signer is not the commit's author or committer →
 * no later rejection by the same reviewer. And "is this the same person": one normalisation of emails.
 *
 * The cheap checks come first, so junk statements cost microseconds and no git work: a statement whose
 * signature's embedded key is no listed reviewer's key is refused without any cryptography.
 */

// The same-person rule lives in ./person (the policy's duplicate-reviewer check needs it without the crypto).
import { namesNobody, personKey, personLabel, samePerson } from './person';
import { shortSha } from './shortSha';

export { namesNobody, personKey, personLabel, samePerson };
export { ReviewerKeys, type StatementCheck } from './reviewerKeys';

/**
 * Why a reviewer may not approve a commit, completing "the reviewer … this commit": a commit whose header git and
 * Countersign may read differently (core/commitObject.ts headerProblem) has no author or committer anyone can
 * show is not the reviewer (attack19 03: bare `author` lines hid the reviewer's own name from the gate).
 */
export type SelfReview = 'authored' | 'committed' | 'may have authored or committed';

/** What the two-person rule reads of a commit. */
export interface CommitPeople {
  author: { email: string };
  committer: { email: string };
  headerProblem?: string;
}

/**
 * Which of a commit's author and committer name no address (person.namesNobody), as a clause completing "commit X
 * …", or undefined: like a header problem, nobody can then be shown not to be its author (attack29 F8: Bob committed
 * as `Bob <>` and approved it himself), so no approval counts until it is re-created with one (NO_ADDRESS_FIX).
 */
export function missingAddress(commit: CommitPeople): string | undefined {
  const who = (['author', 'committer'] as const).filter((k) => namesNobody(commit[k].email));
  return who.length === 0 ? undefined : `names no email address for its ${who.join(' and ')}`;
}

/** What to do about a commit whose author or committer has no address, for messages that name it. */
export const NO_ADDRESS_FIX =
  'set `git config user.email`, then re-create it with an address: `git commit --amend --reset-author --no-edit` for the last commit, `git rebase -i --exec "git commit --amend --reset-author --no-edit" BASE` for older ones';

/** What the gate's decision on a commit keeps of why nobody may approve it as it is (headerProblem, missingAddress). */
export function unprovablePeople(c: CommitPeople): { headerProblem?: string; noAddress?: string } {
  if (c.headerProblem !== undefined) return { headerProblem: c.headerProblem };
  const noAddress = missingAddress(c);
  return noAddress === undefined ? {} : { noAddress };
}

/** The two-person rule: why `reviewerEmail` may not approve this commit, or undefined when they may. */
export function selfReview(reviewerEmail: string, commit: CommitPeople): SelfReview | undefined {
  if (commit.headerProblem !== undefined || missingAddress(commit) !== undefined)
    return 'may have authored or committed';
  if (samePerson(reviewerEmail, commit.author.email)) return 'authored';
  if (samePerson(reviewerEmail, commit.committer.email)) return 'committed';
  return undefined;
}

/** Reviewers who may approve a commit: listed, and neither its author nor its committer. */
export function eligibleReviewers(policy: Policy, commit: CommitPeople): Reviewer[] {
  return policy.reviewers.filter((r) => selfReview(r.email, commit) === undefined);
}

// ---- coverage ----------------------------------------------------------------------------------------

/** A commit of the range being judged, as coverage needs it. */
export interface RangeCommit {
  sha: string;
  tree: string;
  parents: string[];
  /** Stable patch-id of reviewBase..this commit, when computed (rebased approvals). */
  patchIdFromBase?: string;
  /** Stable patch-id of this commit's own change (parent..commit), when computed (rebased approvals). */
  ownPatchId?: string;
}

/** The key of a statement's approved span in `approvedPatches`. */
export function approvedSpanKey(st: { base: string; tip: string }): string {
  return `${st.base}..${st.tip}`;
}

export type CoverageVia = 'exact' | 'rebased' | 'tip';

/**
 * The commits of one range with the indexes coverage needs, built once per judgement: by id, and by
 * patch-id. Walking ancestors stays inside the range.
 */
export class RangeIndex {
  readonly byId = new Map<string, RangeCommit>();
  private readonly byPatchId = new Map<string, RangeCommit[]>();

  /**
   * @param approvedPatches per approved span (approvedSpanKey), the own patch-ids of its commits oldest first,
   *   or null when they are unknown (objects missing, merges): what a rebased approval must match one by one.
   * @param replayedTrees per approved span (approvedSpanKey), the tree its change gives replayed onto the review
   *   base (git/approvalReplay.ts; approvalReplayCheck.ts): a rebased approval covers only a commit with exactly
   *   that tree, or — the approved commits missing — one whose change replayed back onto the statement's base gives
   *   the statement's tree (having that tree is not enough: attack27 01). Undefined: no tree check.
   */
  constructor(
    readonly commits: RangeCommit[],
    readonly reviewBase: string | undefined,
    readonly baseReach: Record<string, string[] | null>,
    readonly approvedPatches: Record<string, string[] | null> = {},
    readonly replayedTrees?: Record<string, ReplayedTree>,
  ) {
    for (const c of commits) {
      this.byId.set(c.sha, c);
      if (c.patchIdFromBase)
        this.byPatchId.set(c.patchIdFromBase, [...(this.byPatchId.get(c.patchIdFromBase) ?? []), c]);
    }
  }

  private children?: Map<string, string[]>;

  /** The commits of the range that have `sha` as a parent (indexed on first use). */
  childrenOf(sha: string): readonly string[] {
    if (!this.children) {
      this.children = new Map();
      for (const c of this.commits)
        for (const p of new Set(c.parents)) {
          const list = this.children.get(p);
          if (list) list.push(c.sha);
          else this.children.set(p, [c.sha]);
        }
    }
    return this.children.get(sha) ?? [];
  }

  /** Commits of the range reachable from `tip` (itself included), parents inside the range only. */
  ancestors(tip: string, visit: (sha: string) => void): void {
    const seen = new Set<string>();
    const stack = [tip];
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (seen.has(id)) continue;
      const c = this.byId.get(id);
      if (!c) continue;
      seen.add(id);
      visit(id);
      for (const p of c.parents) if (!seen.has(p)) stack.push(p);
    }
  }

  /**
   * The commits of the range from the review base to `tip`, oldest first, when they are a plain chain: each
   * has one parent, the oldest's is the review base (or, with no review base, it is a root). Undefined
   * otherwise (a merge, a span starting elsewhere): such a span cannot be matched commit by commit.
   */
  chainFromBase(tip: string): string[] | undefined {
    const chain: string[] = [];
    for (let id: string | undefined = tip; ;) {
      const c: RangeCommit | undefined = this.byId.get(id);
      if (!c) return undefined;
      chain.push(id);
      if (c.parents.length === 0 && this.reviewBase === undefined) break;
      if (c.parents.length !== 1) return undefined;
      if (c.parents[0] === this.reviewBase) break;
      id = c.parents[0];
    }
    return chain.reverse();
  }

  /**
   * Why a statement carried here by its patch-id (a rebase, a cherry-pick) may not cover the range's commits
   * up to `anchor`, or undefined when it may. The patch-id of the whole span says nothing about the commits
   * inside it: an unreviewed commit adding a file, then one deleting it again, has the span's patch-id of the
   * approved change alone. So the commits must be the approved ones one by one — same count, same order,
   * each with the approved commit's own patch-id — or a single commit whose own change is exactly the
   * approved change (a squash of them).
   */
  rebasedMismatch(st: SignedStatement['statement'], anchor: string): string | undefined {
    const chain = this.chainFromBase(anchor);
    const approvedAs = `it was approved as ${shortSha(st.base)}..${shortSha(st.tip)} and is carried here by patch-id, but`;
    // Read by the author as often as by the reviewer: the next step names who acts, with the exact command (F7:
    // "approve B..M again" read as an instruction to the author, who can never approve their own commit).
    const again = `a reviewer (not its author) signs a new approval: countersign approve ${shortSha(anchor)}${this.reviewBase ? ` --base ${shortSha(this.reviewBase)}` : ''}`;
    if (!chain)
      return `${approvedAs} this push's commits up to ${shortSha(anchor)} are not a plain chain from ${this.reviewBase ? shortSha(this.reviewBase) : 'a root'} (a merge), so they cannot be matched to the approved commits one by one; ${again}`;
    const replayed = this.replayedTrees?.[approvedSpanKey(st)];
    // The statement signs the whole change, not each commit: without the approved commits a chain is unprovable,
    // whatever a replay would say (so none is run for it: replaysBack).
    if (chain.length > 1 && approvedCommitsMissing(replayed))
      return `${approvedAs} the approved commits are not in this repository, so this push's ${chain.length} commits cannot be matched to them one by one (the approval signs the whole change, not each commit); ${fetchApproved(st)}, or ${again}`;
    const target = { sha: anchor, tree: this.byId.get(anchor)?.tree };
    const moved =
      replayed !== undefined && replayMismatch(st, replayed, target, this.reviewBase, { approvedAs, again });
    if (moved) return moved;
    if (chain.length === 1) return undefined;
    const approved = this.approvedPatches[approvedSpanKey(st)];
    if (!approved)
      return `${approvedAs} the approved commits are not in this repository as a plain chain, so this push's ${chain.length} commits cannot be matched to them one by one; ${again}`;
    if (approved.length !== chain.length) {
      return `${approvedAs} this push's ${chain.length} commits do not match the approved commits one by one (${approved.length > chain.length ? `more than ${chain.length}` : approved.length} were approved); ${again}`;
    }
    const differs = chain.findIndex((c, i) => this.byId.get(c)?.ownPatchId !== approved[i]);
    if (differs >= 0)
      return `${approvedAs} this push's ${chain.length} commits do not match the approved commits one by one (commit ${differs + 1}, ${shortSha(chain[differs])}, is not the approved commit ${differs + 1}'s change); ${again}`;
    return undefined;
  }

  /**
   * Whether `anchor`, carried by patch-id while the approved commits are missing, is worth replaying back onto the
   * approved base (git/approvalReplay.ts): only a chain of one commit from the review base can be carried then
   * (rebasedMismatch), so the approved change and 198 empty commits on top cost one replay, not 199 (attack27 03).
   */
  replaysBack(anchor: string): boolean {
    return this.chainFromBase(anchor)?.length === 1;
  }

  /**
   * The commits of the range in base..tip (`inside`) and those the tip reaches that the base already contains
   * (`before`, for the message), or undefined when the base is not in this repository. From `baseReach`
   * here; a whole history answers it from its commit graph instead (report/historyIndex.ts).
   */
  spanOf(base: string, tip: string): { inside: string[]; before: string[] } | undefined {
    const reach = this.baseReach[base];
    if (!reach) return undefined;
    const reached = new Set(reach);
    const inside: string[] = [];
    const before: string[] = [];
    this.ancestors(tip, (c) => (reached.has(c) ? before : inside).push(c));
    return { inside, before };
  }

  /** The range commits a statement could anchor to: its tip, and commits with its (non-empty) patch-id. */
  anchors(st: SignedStatement['statement']): RangeCommit[] {
    const out: RangeCommit[] = [];
    const tip = this.byId.get(st.tip);
    if (tip) out.push(tip);
    for (const c of this.byPatchId.get(st.patchId) ?? []) if (c !== tip) out.push(c);
    return out;
  }
}
