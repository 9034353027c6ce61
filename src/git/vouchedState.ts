import { REVIEWED_POINT_WINDOW } from '../core/reviewNeed';
import { shortSha } from '../core/shortSha';
import { gateStarts, preGate } from './gateStart';
import { runGit } from './gitRunner';
import { reviewedPoints } from './reviewedPoint';
import { MAX_JUDGED_TIPS, type TipJudge } from './vouchedTip';

/**
 * Where a new protected ref (a tag, a tag moved forward, a new protected branch) at a commit C that a protected
 * branch already holds is judged from (outside tester, session 11, K3). Being on a protected branch says C was
 * judged, not that C was vouched for as a state: an approval of base..T covers an intermediate commit E of its
 * range only as a step toward T (statementCoverage.ts, J4), so a tag at E would release what the reviewers saw
 * only with T built on it — a rejected draft, even. So the tag is judged as a push of C from the nearest state
 * the gate vouched for in C's history (the "reviewed points": tips of approvals whose span the gate passes with
 * every approval known — an approval short of the tip's tier, or held by a request for changes, vouches for
 * nothing (issue 10, vouchedTip.ts) — the same walk and window as the deletion tiers use, reviewedPoint.ts): what
 * lies between must pass as any push does, and an approval whose tip lies beyond C covers none of it. From before
 * the gate: C is an ancestor of every commit that brought the policy file into the policy branch's history
 * (gateStart.ts; not its first-parent chain, which a push shapes: L1): nothing to judge. Everything else that
 * cannot be placed fails closed, naming the commit and the fix. A new ref at a new commit meets protected history
 * at its exits, each judged by this same rule (vouchedExits.ts, L4).
 */
export type VouchedFrom = { points: string[] } | { preGate: true } | { error: string };

export async function vouchedFrom(
  cwd: string,
  o: {
    ref: string;
    head: string;
    /** The policy branch's value (else the first protected tip): where the gate's start is read. */
    policyTip: string;
    judge: TipJudge;
  },
): Promise<VouchedFrom> {
  // From before the gate first (a merge-base per memoized start): a mirrored old release walks nothing.
  const starts = await gateStarts(cwd, o.policyTip);
  if (await preGate(cwd, o.head, starts)) return { preGate: true };
  const points = await reviewedPoints(cwd, o.head, o.judge);
  if (points === 'unjudged') {
    return {
      error: `${o.ref} names ${shortSha(o.head)}, which is on a protected branch, but the ${MAX_JUDGED_TIPS} newest approved commits before it do not have the approvals their own changes need (or a request for changes holds them), and the gate judges no more of them, so it cannot tell what was vouched for there; reviewers approve it as its tiers ask (countersign approve ${o.head} --base <an earlier approved commit>)`,
    };
  }
  if (points === 'unknown') {
    return {
      error: `${o.ref} names ${shortSha(o.head)}, which is on a protected branch but has no approved commit within the ${REVIEWED_POINT_WINDOW.commits} commits before it, so the gate cannot tell what was vouched for there; a reviewer approves it (countersign approve ${o.head} --base <the last approved commit>)`,
    };
  }
  // No approved commit on the chain: judged from where the gate started (a chain that holds it), else in full.
  if (points.length === 0) {
    const under: string[] = [];
    for (const start of starts) {
      const after = await runGit(['merge-base', '--is-ancestor', start, o.head], { cwd, okCodes: [1] });
      if (after.code === 0) under.push(start);
    }
    if (under.length > 0) return { points: under };
  }
  return { points };
}

/**
 * Whether a protected ref's current value vouches, as a judged state, for what a push takes from it: the tree a
 * gitlink to it ships (gitlinkPins.ts, attack23 02) and the lines a new ref's merge of it brings back (gateInput.ts,
 * G5). A value is judged when it got there — except one that was free only for being from before the gate (above:
 * a new protected branch there names history, as a tag does). Parked at the pre-rollout commit P0, `release/0` made
 * P0 "judged", so a 3-line gitlink on main to P0, or a release tag at merge(main, P0), brought back the agent script
 * the rollout removed (attack24 04, 10). So a value from before the gate vouches only as the policy branch's own
 * (the state the gate was installed on: it moves only through the gate) or as a reviewed point (TipJudge.isPoint).
 * Asked only of the values a push's gitlinks or exits name: a merge-base per gate start, once per value.
 */
export function tipVouches(
  cwd: string,
  o: {
    /** The policy branch's value (when known): a state that vouches as it stands. */
    policyTip: string | undefined;
    /** Where a new ref is placed from: the gate's start is read there when the policy branch's value is unknown. */
    placedFrom: string | undefined;
    /** TipJudge.isPoint for the ref being judged. */
    isPoint: (sha: string) => Promise<boolean>;
  },
): (sha: string) => Promise<boolean> {
  const asked = new Map<string, Promise<boolean>>();
  const startsFrom = o.policyTip ?? o.placedFrom;
  const answer = async (sha: string): Promise<boolean> => {
    if (startsFrom === undefined || sha === o.policyTip) return true;
    if (!(await preGate(cwd, sha, await gateStarts(cwd, startsFrom)))) return true;
    return o.isPoint(sha);
  };
  return (sha) => {
    let v = asked.get(sha);
    if (!v) asked.set(sha, (v = answer(sha)));
    return v;
  };
}
