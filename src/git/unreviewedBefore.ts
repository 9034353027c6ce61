import type { GateCommit, GateInput } from '../core/gate';
import type { Policy } from '../core/policy';
import { REVIEWED_POINT_WINDOW } from '../core/reviewNeed';
import { readAiProvenanceValue } from '../core/trailers';
import { meetsUntracked, untrackedTally, windowCount, windowWrittenWanted } from '../core/untrackedReview';
import type { UntrackedSince } from '../core/untrackedReview';
import type { ProvenanceCounts } from '../core/trailers';
import { streamNulTokens } from './nulStream';
import { runGit, sharedInSnapshot } from './gitRunner';
import { POLICY_FILE } from '../core/policyFile';
import { reviewedPointsMeeting, sinceReviewed, type UnreviewedQuery } from './reviewedPoint';
import { writtenLinesOf } from './untrackedEvidence';
import type { TipJudge } from './vouchedTip';

/**
 * What the gate counts of a protected branch's unreviewed commits before a push (the commits since its last
 * approved commit, src/git/reviewedPoint.ts): what they delete, for the deletion tiers (outside tester, session 8,
 * H3), and their untracked lines, for review.untracked (attack29 F7: 19 unobserved lines per push never met a
 * threshold of 20). Derived from the history and the approvals like the reviewed point, so the server, `verify` in
 * CI and pre-push agree, and nothing is stored that a pusher could write or `gc` lose.
 */
export async function unreviewedBefore(
  cwd: string,
  o: UnreviewedQuery,
): Promise<Pick<GateInput, 'sinceReviewed' | 'untrackedSince'>> {
  let made: Promise<TipJudge> | undefined;
  const judge = () => (made ??= o.judge());
  const deletions = await sinceReviewed(cwd, { ...o, judge });
  const untracked = await untrackedSince(cwd, { ...o, judge });
  return { ...(deletions ? { sinceReviewed: deletions } : {}), ...(untracked ? { untrackedSince: untracked } : {}) };
}

/**
 * The untracked lines of the branch's unreviewed commits before the push, as their AI-Provenance trailers state
 * them; undefined when they cannot change the verdict (the rule is off, no commit of the push has an untracked
 * line, or the push's own lines already meet the threshold) or there are none. The restarting point is the newest
 * approved commit the gate vouches for whose approvals are as many as the policy asks (a review of the untracked
 * rule's kind). Read with the walk for that point and one `git log` of the commits since, printing only each
 * commit's parents and AI-Provenance values (git's reading of its trailers; a commit where Countersign's reading
 * differs, a `---` line or two trailers, needed review when it was pushed, and counts nothing here). Past the
 * window's commits, `unknown` (fails closed: the push's untracked lines need review until the branch's tip is
 * approved). Lines a diff adds beyond an earlier commit's trailer are not counted here: each was counted when its
 * own push was judged. Labelled lines count up to what their commit writes (attack31 F3: a `git mv` of a person's
 * 400-line file pushed once diluted every later push of 19 unobserved lines): core/untrackedReview.ts windowCount,
 * read with one batched `diff-tree` (untrackedEvidence.ts writtenLinesOf, the newest MAX_WRITTEN_COUNTS commits),
 * and only when the lines reach the threshold and the share as stated does not, so only when it decides.
 */
async function untrackedSince(
  cwd: string,
  o: { branch: string; old: string; commits: readonly GateCommit[]; policy: Policy; judge: () => Promise<TipJudge> },
): Promise<UntrackedSince | undefined> {
  const threshold = o.policy.review.untracked;
  if (threshold === false) return undefined;
  const push = untrackedTally(o.commits);
  if (push.commits === 0 || meetsUntracked(threshold, push.untracked, push.total)) return undefined;
  // What follows depends on the branch, its tip and the policy, not on the push: the review panel judges every
  // branch as a merge into the same target, so one snapshot counts it once (was a walk and a log per branch).
  const key = `untrackedSince\0${cwd}\0${o.branch}\0${o.old}\0${JSON.stringify(o.policy)}`;
  const window = await sharedInSnapshot(key, () => countSince(cwd, o));
  if (!window || window.since.unknown) return window?.since;
  const { since, commits } = window;
  const untracked = push.untracked + since.untracked;
  const stated = commits.reduce((n, c) => n + c.counts.ai + c.counts.human + c.counts.untracked, 0);
  if (untracked < threshold.lines || meetsUntracked(threshold, untracked, push.total + stated))
    return { ...since, total: stated };
  const written = await sharedInSnapshot(`${key}\0written`, () =>
    writtenLinesOf(
      cwd,
      commits.filter((c) => windowWrittenWanted(c.parents.length, c.counts)),
    ),
  );
  return { ...since, total: commits.reduce((n, c) => n + windowCount(c.counts, written.get(c.sha)).total, 0) };
}

/** An unreviewed commit of the window, newest first, with a readable trailer. */
type WindowCommit = { sha: string; parents: string[]; counts: ProvenanceCounts };

async function countSince(
  cwd: string,
  o: { branch: string; old: string; policy: Policy; judge: () => Promise<TipJudge> },
): Promise<{ since: UntrackedSince; commits: WindowCommit[] } | undefined> {
  const unknown = { branch: o.branch, untracked: 0, total: 0, count: 0, unknown: true as const };
  const [walked, adopted] = await Promise.all([
    reviewedPointsMeeting(cwd, o.old, await o.judge(), { approvals: o.policy.approvals, roles: [] }),
    policyAdoption(cwd, o.old),
  ]);
  if (typeof walked === 'string') return { since: unknown, commits: [] };
  const points = walked.points;
  if (points[0] === o.old || adopted === o.old) return undefined;
  const at = { branch: o.branch, ...(points[0] ? { point: points[0] } : {}), ...(adopted ? { adopted } : {}) };
  const counted = { untracked: 0, total: 0, count: 0 };
  const commits: WindowCommit[] = [];
  let record: string[] = [];
  // NUL-separated: a message is read by git up to its first NUL, so no byte of it frames a record.
  await streamNulTokens(
    [
      'log',
      `--max-count=${REVIEWED_POINT_WINDOW.commits + 1}`,
      '-z',
      '--format=%H%x00%P%x00%(trailers:key=AI-Provenance,valueonly,separator=%x01)',
      o.old,
      ...(points.length > 0 || adopted ? ['--not', ...points, ...(adopted ? [adopted] : [])] : []),
      '--',
    ],
    cwd,
    (token) => {
      record.push(token.replace(/^\n/, ''));
      if (record.length < 3) return;
      const [sha, parents, trailers] = record;
      const values = trailers.split('\x01').filter((v) => v.trim() !== '');
      record = [];
      counted.count++;
      const read = values.length === 1 ? readAiProvenanceValue(values[0]) : undefined;
      if (!read || !('counts' in read)) return;
      counted.untracked += windowCount(read.counts, undefined).untracked;
      commits.push({ sha, parents: parents.split(' ').filter((p) => p !== ''), counts: read.counts });
    },
  );
  if (counted.count > REVIEWED_POINT_WINDOW.commits) return { since: { ...unknown, ...at }, commits: [] };
  return counted.count === 0 ? undefined : { since: { ...at, ...counted }, commits };
}

/**
 * The commit that brought the policy into force on the branch: the newest on its first-parent chain that adds
 * `.countersign.json` (newuser25 N1: the adoption commit's ~190 policy lines, written by `init`, are `untracked`, and
 * counted in every window, blocked the first one-line push after the README's Quick start). Its lines, and those of
 * the commits it holds, were written before the rule was in force, so the window starts after it, as after an
 * approved commit. Sound because every later commit adding the file on a protected branch changes the policy, which
 * always needs review (core/reviewNeed.ts), so it is an approved point anyway; a merge bringing the file from a side
 * branch adds nothing on the first-parent chain. One pathspec-limited walk, run beside the reviewed-point walk.
 */
async function policyAdoption(cwd: string, old: string): Promise<string | undefined> {
  const r = await runGit(
    ['log', '--first-parent', '--diff-filter=A', '--format=%H', '-1', old, '--', `:(literal)${POLICY_FILE}`],
    { cwd, okCodes: [0, 128] },
  );
  const sha = r.code === 0 ? r.stdout.trim() : '';
  return /^[0-9a-f]{40,64}$/.test(sha) ? sha : undefined;
}
