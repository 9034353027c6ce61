import { approvedSpanKey, type CoverageVia, type RangeCommit } from '../core/approvalRules';
import { MAX_REPLAYS_PER_STATEMENT, NOT_REPLAYED } from '../core/approvalReplayCheck';
import { EMPTY_PATCH_ID, type ApprovalStatement } from '../core/approvalStatement';
import { rebasedCopyCoverage, type RebasedCopy } from '../core/rebasedCopy';
import { replayedTreeFor } from './approvalReplay';
import { approvedCommits } from './approvedCommits';
import { runGit } from './gitRunner';
import { stablePatchId, stablePatchIdsOfSpans } from './patchId';

/** The newest single-parent commits of a history looked at for rebased copies (a patch-id each). */
export const REBASED_SCAN_LIMIT = 5000;
/** Approved spans longer than this are not matched in a history (the gate matches any length it is pushed). */
const MAX_APPROVED_CHAIN = 50;

/**
 * Which commits of a history (`report`, `explain`) approvals cover as rebased copies — the approved change
 * carried by patch-id onto another base, as the gate accepted it when it was pushed. The gate judged such a
 * copy against the branch's value before the push; a history does not say what that was, but a copy the gate
 * accepted is a plain chain of as many commits as were approved (or one squashed commit) whose oldest commit's
 * parent was that value. So for each valid approval whose tip is not in the history: history commits whose own
 * patch-id is the approved tip's own change (or the whole approved change: a squash) are candidate anchors;
 * the chain below each, as long as the approved one, gives the base; and core/rebasedCopy.ts asks the gate's
 * own rule (RangeIndex) whether the approval covers it. Nothing runs when no approval's tip is outside the
 * history; otherwise one batched patch-id run over the newest REBASED_SCAN_LIMIT single-parent commits, then
 * a little git per candidate: a replay each (approvalReplay.ts), at most MAX_REPLAYS_PER_STATEMENT per approval,
 * later candidates not covered (attack27 03, as in the gate). Per approved span (approvedSpanKey), the commits
 * covered and how.
 */
export async function historyRebasedCoverage(
  cwd: string,
  commits: Array<{ sha: string; parents: string[] }>,
  inHistory: (sha: string) => boolean,
  valid: ApprovalStatement[],
): Promise<Map<string, Map<string, CoverageVia>>> {
  const out = new Map<string, Map<string, CoverageVia>>();
  const carried = new Map<string, ApprovalStatement>();
  for (const st of valid)
    if (st.decision === 'approve' && st.patchId !== EMPTY_PATCH_ID && !inHistory(st.tip))
      carried.set(approvedSpanKey(st), st);
  if (carried.size === 0) return out;

  const approved = new Map<string, { chain: string[]; linear: boolean; parents: Map<string, string> } | undefined>();
  for (const [key, st] of carried) approved.set(key, await approvedCommits(cwd, st, MAX_APPROVED_CHAIN + 1));
  const byId = new Map(commits.map((c) => [c.sha, c]));
  const spans = new Map<string, string>();
  for (const c of commits) {
    if (spans.size >= REBASED_SCAN_LIMIT) break;
    if (c.parents.length === 1) spans.set(c.sha, c.parents[0]);
  }
  for (const a of approved.values()) for (const [c, p] of a?.parents ?? []) if (!spans.has(c)) spans.set(c, p);
  const own = await stablePatchIdsOfSpans(
    cwd,
    [...spans].map(([tip, base]) => ({ base, tip })),
  );

  for (const [key, st] of carried) {
    const a = approved.get(key);
    const approvedPatches =
      a?.linear && a.chain.length <= MAX_APPROVED_CHAIN ? a.chain.map((c) => own.get(c) ?? '') : null;
    const lastOwn = approvedPatches?.[approvedPatches.length - 1];
    let replays = 0;
    for (const c of commits) {
      const mine = own.get(c.sha);
      if (mine === undefined || !byId.has(c.sha)) continue;
      // A squash (one commit, the whole approved change), or the last of a one-by-one copy of the approved chain.
      const length = mine === st.patchId ? 1 : approvedPatches && mine === lastOwn ? approvedPatches.length : 0;
      if (length === 0) continue;
      const chain = chainBelow(c.sha, length, byId);
      if (!chain) continue;
      const base = byId.get(chain[0])?.parents[0] as string;
      const trees = await treesOf(cwd, chain);
      const range: RangeCommit[] = chain.map((sha, i) => ({
        sha,
        tree: trees[i],
        parents: byId.get(sha)?.parents ?? [],
        ownPatchId: own.get(sha),
      }));
      range[range.length - 1].patchIdFromBase = length === 1 ? mine : await stablePatchId(cwd, base, c.sha);
      const anchor = range[range.length - 1];
      const copy: RebasedCopy = {
        chain: range,
        base,
        approvedPatches,
        replayedTree:
          ++replays > MAX_REPLAYS_PER_STATEMENT
            ? NOT_REPLAYED
            : await replayedTreeFor(cwd, st, base, [anchor], [base], [chain[0]]),
      };
      const covered = out.get(key) ?? new Map<string, CoverageVia>();
      for (const [sha, via] of rebasedCopyCoverage(st, copy)) covered.set(sha, via);
      if (covered.size > 0) out.set(key, covered);
    }
  }
  return out;
}

/** `length` commits ending at `tip`, oldest first, each with one parent, all in the history; else undefined. */
function chainBelow(
  tip: string,
  length: number,
  byId: Map<string, { sha: string; parents: string[] }>,
): string[] | undefined {
  const chain: string[] = [];
  for (let id = tip; chain.length < length;) {
    const c = byId.get(id);
    if (!c || c.parents.length !== 1) return undefined;
    chain.push(id);
    id = c.parents[0];
  }
  return chain.reverse();
}

async function treesOf(cwd: string, shas: string[]): Promise<string[]> {
  const r = await runGit(['rev-parse', ...shas.map((s) => `${s}^{tree}`)], { cwd });
  return r.stdout.split('\n').filter(Boolean);
}
