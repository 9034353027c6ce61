import type { ApprovalNeed } from '../core/approvalDecision';
import { EMPTY_PATCH_ID } from '../core/approvalStatement';
import { landedCopy } from './landedCopy';
import type { TipJudge } from './vouchedTip';

/** Approvals (the newest first) whose landed copies are looked for per deleting push; older ones are not (fails closed). */
export const MAX_COPY_SEARCHES = 4;

/** What the landed copies of approved changes hold of the unreviewed window: none of it is counted. */
export interface LandedPoints {
  /** The commits of the copies: each covered by approvals meeting the deletion tiers, as the gate judged them. */
  covered: Set<string>;
  /** The statements' bases: what their reviewers approved the change on top of, as an approved tip's point holds. */
  bases: string[];
}

/**
 * The landed copies of approved changes among a protected branch's unreviewed commits, which are reviewed points
 * for what the approvals cover (newuser25 N2: an approved mass deletion the author rebased onto main, as the README
 * says, landed as another commit than the approved tip, so the approval carried by patch-id made no point, and its
 * deletions were counted again by every later deleting push). Two rules, each asked of the module that decides it,
 * none copied: where an approved change landed as a copy is landedCopy.ts's (the gate's own look for a spent
 * approval: the commits since the statement's base changing its files whose change is the statement's patch-id);
 * whether the approvals cover that copy is the gate's, judged over the copy's span as a push onto its parent
 * (TipJudge.coveredSpan: every commit of it carries approvals meeting the deletion tiers, so a copy holding more
 * than was approved, or a commit slipped between its commits, makes none).
 *
 * A copy covers its own commits and, as an approved tip covers its history, what lies under the statement's base;
 * not what landed between that base and the copy (unreviewed deletions the copy was rebased onto keep counting, as
 * they do under a merge of the approved tip). Bounded: the newest MAX_COPY_SEARCHES approvals meeting the tiers
 * whose tips are not among the unreviewed commits (each: landedCopy's few git processes), and the judgements are
 * TipJudge's (MAX_JUDGED_TIPS). Copies of older approvals, or past a bound, are not points: the count only grows.
 * `window`: the unreviewed commits found so far with their parents (git/diffBytes.ts walkCost).
 */
export async function landedPoints(
  cwd: string,
  o: { old: string; judge: TipJudge; need: ApprovalNeed; window: ReadonlyMap<string, readonly string[]> },
): Promise<LandedPoints> {
  const out: LandedPoints = { covered: new Set(), bases: [] };
  const statements = o.judge
    .approvedTips(o.need)
    .filter((st) => st.patchId !== EMPTY_PATCH_ID && !o.window.has(st.tip))
    .slice(0, MAX_COPY_SEARCHES);
  for (const st of statements) {
    const landed = await landedCopy(cwd, st, { from: st.base, to: st.tip }, [o.old], true);
    const copy = landed?.copy;
    if (!copy || landed.inBase || !o.window.has(copy.last) || out.covered.has(copy.last)) continue;
    // The copy's first commit has one parent (landedCopy reads no merges): the branch's value it landed on.
    const onto = o.window.get(copy.first)?.[0];
    if (onto === undefined || o.window.get(copy.first)?.length !== 1) continue;
    const covered = await o.judge.coveredSpan(onto, copy.last, o.need);
    if (covered === 'unknown') break;
    if (covered.length === 0) continue;
    for (const sha of covered) out.covered.add(sha);
    out.bases.push(st.base);
  }
  return out;
}
