import type { ChangedFile } from '../core/gate';
import { EMPTY_PATCH_ID, type ApprovalStatement } from '../core/approvalStatement';
import { runGit } from './gitRunner';
import { emptyTree } from './emptyTree';
import { changeBetween } from './netChange';
import { stablePatchId } from './patchId';

/**
 * A non-fast-forward update of a branch or tag (docs/design.md, "The policy": allowForcePushes), from its value O to
 * N. What it does beyond the commits it adds is the change from O back to where N leaves O's history (the rewind
 * point): lines O loses and lines the point has that O lacks, which come back. That change is one nobody has
 * reviewed yet (attack23 1: N's own old approvals passed it), so core/rewindReview.ts judges it whole — its paths
 * for the tiers, review.paths and the policy rule, what it deletes, what it brings back — with approvals given
 * for N from base O only.
 */
export interface Rewind {
  /** Commits on the branch now that the update drops. */
  dropped: number;
  /** The change O → point, both ways: `deleted` what O loses (`D`: files gone), `added` what comes back. */
  files: ChangedFile[];
  /** Where the new value leaves the branch's history (the merge-base, or the empty tree): its net change is from here. */
  point: string;
  /** O: the value the branch (a tag: the commit it names) has now, the base a review of the rewind is from. */
  from: string;
  /** N is already on the branch (a move back to an ancestor): no commit is added, the rewind is all there is. */
  carrier: boolean;
  /** The stable patch-id of O..N, when an approval of N from another base could carry the same change (rewindPatchId). */
  patchId?: string;
}

/** The rewind when `next` does not contain `current`, else undefined (a fast-forward). */
export async function rewindOf(cwd: string, current: string, next: string): Promise<Rewind | undefined> {
  if (current === next) return undefined; // nothing moves (the panel judges a branch already at its target)
  const ff = await runGit(['merge-base', '--is-ancestor', current, next], { cwd, okCodes: [1] });
  if (ff.code === 0) return undefined;
  const mb = await runGit(['merge-base', current, next], { cwd, okCodes: [1] });
  // No common history (a rewind to a root of its own): everything on the branch now is dropped.
  const to = mb.code === 0 ? mb.stdout.trim() : await emptyTree(cwd);
  const dropped = Number((await runGit(['rev-list', '--count', current, '--not', next, '--'], { cwd })).stdout.trim());
  const files = await changeBetween(cwd, current, to, true);
  return { dropped, files, point: to, from: current, carrier: to === next };
}

/**
 * Sets the rewind's patch-id (O..N) when a statement for tip N reviewed from another base than O could carry
 * exactly this change (its patch-id is O..N's): one git process, only then. core/rewindReview.ts compares them.
 */
export async function rewindPatchId(
  cwd: string,
  rewind: Pick<Rewind, 'patchId'> & { from?: string },
  head: string,
  statements: ReadonlyArray<{ statement: ApprovalStatement }>,
): Promise<void> {
  const other = ({ statement: st }: { statement: ApprovalStatement }) =>
    st.tip === head && st.base !== rewind.from && st.patchId !== EMPTY_PATCH_ID;
  if (rewind.from !== undefined && statements.some(other)) rewind.patchId = await stablePatchId(cwd, rewind.from, head);
}
