import { approvedSpanKey, RangeIndex, type CoverageVia, type RangeCommit } from './approvalRules';
import { statementCoverage } from './statementCoverage';
import type { ApprovalStatement } from './approvalStatement';
import type { ReplayedTree } from './approvalReplayCheck';

/**
 * A history's copy of an approved change made by a rebase, a cherry-pick or a squash (found by
 * git/historyRebased.ts): the commits `base..anchor` as a plain chain, with what the gate would have known had
 * they been pushed onto `base`. Whether the approval covers them is the gate's own rule — a RangeIndex over the
 * chain with `base` as review base, and statementCoverage — so `report` and `explain` count a rebased approval
 * exactly when the gate does, never by a second copy of the rule.
 */
export interface RebasedCopy {
  /** Oldest first; the last one is the anchor and carries `patchIdFromBase`; each carries `ownPatchId`. */
  chain: RangeCommit[];
  base: string;
  /** Own patch-ids of the approved commits, oldest first, or null when they are unknown here. */
  approvedPatches: string[] | null;
  /** The approved change replayed onto `base` (approvalReplay.ts; approvalReplayCheck.ts). */
  replayedTree: ReplayedTree;
}

export function rebasedCopyCoverage(st: ApprovalStatement, copy: RebasedCopy): Map<string, CoverageVia> {
  const key = approvedSpanKey(st);
  const range = new RangeIndex(
    copy.chain,
    copy.base,
    {},
    { [key]: copy.approvedPatches },
    { [key]: copy.replayedTree },
  );
  return statementCoverage(st, range).covered;
}
