import { statementCovers, type ApprovalStatement } from '../core/approvalStatement';
import { approvedSpanKey, RangeIndex } from '../core/approvalRules';
import type { ReplayedTree } from '../core/approvalReplayCheck';
import type { GateCommit } from '../core/gate';
import { replayedTreeFor } from './approvalReplay';
import { approvedCommits } from './approvedCommits';
import { stablePatchIdsOfSpans } from './patchId';

/**
 * Whether any commit of the range has its patch-id from the review base: statementCovers says `rebased` only through
 * one, and the gate computes them only when some approval's tip is outside the range (gateInput.ts). Without one,
 * nothing is carried by patch-id, and the range is not indexed for it (10,000 commits, twice per judgement).
 */
function anyPatchId(commits: readonly GateCommit[]): boolean {
  return commits.some((c) => c.patchIdFromBase !== undefined);
}

/**
 * Per approval carried by patch-id onto some commit of the range, its change replayed onto the review base
 * (approvalReplay.ts): the tree such a commit must have. Nothing is run when no approval is carried that way.
 * Where the approved commits are missing, only the carried commits that can be carried so (RangeIndex.replaysBack:
 * a chain of one from the review base) are replayed back, once per tree and at most MAX_REPLAYS_PER_STATEMENT.
 * `target`: the branch's tip before the push (verify's --base), where the approved change may have landed already.
 */
export async function replayedApprovals(
  cwd: string,
  commits: GateCommit[],
  reviewBase: string | undefined,
  valid: ApprovalStatement[],
  target?: string,
): Promise<Record<string, ReplayedTree>> {
  const out: Record<string, ReplayedTree> = {};
  // Spent where it landed on the branch's tip as well as on the review base (a merge base: CI's pull requests).
  const landedOn = [reviewBase, target].filter((x): x is string => x !== undefined);
  if (!anyPatchId(commits)) return out;
  const range = new RangeIndex(commits, reviewBase, {});
  for (const st of valid) {
    if (st.decision !== 'approve' || approvedSpanKey(st) in out) continue;
    const carried = range.anchors(st).filter(
      (t) =>
        statementCovers(st, {
          tip: t.sha,
          tree: t.tree,
          base: reviewBase ?? '',
          patchId: t.patchIdFromBase ?? '',
        }) === 'rebased',
    );
    if (carried.length === 0) continue;
    out[approvedSpanKey(st)] = await replayedTreeFor(
      cwd,
      st,
      reviewBase,
      carried.filter((t) => range.replaysBack(t.sha)),
      landedOn,
      [...new Set(carried.map((t) => range.chainFromBase(t.sha)?.[0] ?? t.sha))],
    );
  }
  return out;
}

/**
 * What a rebased approval must be matched against, commit by commit (RangeIndex.rebasedMismatch): for each
 * valid approval that a chain of more than one range commit reaches by patch-id, the own patch-ids of the
 * approved commits (statement base..tip) and of that chain's commits. One `rev-list` per such approved span
 * and one batched patch-id run in all; nothing at all when no approval was carried by patch-id.
 */
export async function rebasedSpanPatches(
  cwd: string,
  commits: GateCommit[],
  reviewBase: string | undefined,
  valid: ApprovalStatement[],
): Promise<Record<string, string[] | null>> {
  const out: Record<string, string[] | null> = {};
  if (!anyPatchId(commits)) return out;
  const range = new RangeIndex(commits, reviewBase, {});
  const own = new Map<string, string>();
  const spans = new Map<string, { st: ApprovalStatement; length: number }>();
  for (const st of valid) {
    if (st.decision !== 'approve') continue;
    for (const t of range.anchors(st)) {
      if (
        statementCovers(st, { tip: t.sha, tree: t.tree, base: reviewBase ?? '', patchId: t.patchIdFromBase ?? '' }) !==
        'rebased'
      )
        continue;
      const chain = range.chainFromBase(t.sha);
      if (!chain || chain.length < 2) continue;
      for (const c of chain) {
        const parent = range.byId.get(c)?.parents[0];
        if (parent) own.set(c, parent);
      }
      const key = approvedSpanKey(st);
      out[key] = null;
      spans.set(key, { st, length: Math.max(chain.length, spans.get(key)?.length ?? 0) });
    }
  }
  for (const { st, length } of spans.values()) {
    // One more than the chain is enough to tell "more were approved" from "as many".
    const approved = await approvedCommits(cwd, st, length + 1);
    if (!approved || (!approved.linear && approved.chain.length <= length)) continue;
    for (const [c, parent] of approved.parents) own.set(c, parent);
    out[approvedSpanKey(st)] = approved.chain;
  }
  if (own.size === 0) return out;
  const ids = await stablePatchIdsOfSpans(
    cwd,
    [...own].map(([tip, base]) => ({ base, tip })),
  );
  for (const c of commits) {
    const id = ids.get(c.sha);
    if (id !== undefined) c.ownPatchId = id;
  }
  for (const [key, chain] of Object.entries(out)) if (chain) out[key] = chain.map((c) => ids.get(c) ?? '');
  return out;
}
