import { MAX_COMMIT_BYTES } from '../core/commitBound';
import { parseCommitObject } from '../core/commitObject';
import type { GateCommit, GateInput } from '../core/gate';
import type { Policy } from '../core/policy';
import { REVIEWED_POINT_WINDOW } from '../core/reviewNeed';
import { commitProvenance, meetsUntracked, untrackedCount, untrackedTally } from '../core/untrackedReview';
import type { UntrackedSince } from '../core/untrackedReview';
import { ObjectReader } from './catFileBatch';
import { runGit } from './gitRunner';
import { reviewedPointsMeeting, sinceReviewed } from './reviewedPoint';
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
  o: {
    branch: string;
    old: string;
    commits: readonly GateCommit[];
    rewinds: boolean;
    policy: Policy;
    judge: () => Promise<TipJudge>;
  },
): Promise<Pick<GateInput, 'sinceReviewed' | 'untrackedSince'>> {
  let made: Promise<TipJudge> | undefined;
  const judge = () => (made ??= o.judge());
  const deletions = await sinceReviewed(cwd, { ...o, judge });
  const untracked = await untrackedSince(cwd, { ...o, judge });
  return { ...(deletions ? { sinceReviewed: deletions } : {}), ...(untracked ? { untrackedSince: untracked } : {}) };
}

/**
 * The commit objects the walk reads, in bytes, before the count is unknown: about a second of reading and parsing
 * on a loaded machine; 100,000 commits of 1 KiB messages. A commit is at most core/commitBound.ts's bound, but a
 * keyless pusher can land many of that size that need no review (a message of one letter repeated compresses to
 * nothing on the wire), and every later push with an untracked line would read them all again.
 */
export const UNTRACKED_SINCE_BYTES = 128 * 1024 ** 2;

/**
 * The untracked lines of the branch's unreviewed commits before the push, as their AI-Provenance trailers state
 * them; undefined when they cannot change the verdict (the rule is off, no commit of the push has an untracked
 * line, or the push's own lines already meet the threshold) or there are none. The restarting point is the newest
 * approved commit the gate vouches for whose approvals are as many as the policy asks (a review of the untracked
 * rule's kind). Read: one `git rev-list` of the commits since, one `git cat-file --batch-check` of their sizes and
 * one `git cat-file --batch` of the objects (their messages). Past the window's commits or UNTRACKED_SINCE_BYTES,
 * `unknown` (fails closed: the push's untracked lines need review until the branch's tip is approved). Lines a diff
 * adds beyond an earlier commit's trailer are not counted here: each was counted when its own push was judged, and
 * counting them again would mean diffing the whole window on every push.
 */
async function untrackedSince(
  cwd: string,
  o: { branch: string; old: string; commits: readonly GateCommit[]; policy: Policy; judge: () => Promise<TipJudge> },
): Promise<UntrackedSince | undefined> {
  const threshold = o.policy.review.untracked;
  if (threshold === false) return undefined;
  const push = untrackedTally(o.commits);
  if (push.commits === 0 || meetsUntracked(threshold, push.untracked, push.total)) return undefined;
  const unknown = { branch: o.branch, untracked: 0, total: 0, count: 0, unknown: true as const };
  const walked = await reviewedPointsMeeting(cwd, o.old, await o.judge(), { approvals: o.policy.approvals, roles: [] });
  if (typeof walked === 'string') return unknown;
  const points = walked.points;
  if (points[0] === o.old) return undefined;
  const at = { branch: o.branch, ...(points[0] ? { point: points[0] } : {}) };
  const listed = await runGit(
    [
      'rev-list',
      `--max-count=${REVIEWED_POINT_WINDOW.commits + 1}`,
      o.old,
      ...(points.length ? ['--not', ...points] : []),
      '--',
    ],
    { cwd },
  );
  const shas = listed.stdout.split('\n').filter(Boolean);
  if (shas.length > REVIEWED_POINT_WINDOW.commits) return { ...unknown, ...at };
  if (shas.length === 0) return undefined;
  const sizes = await runGit(['cat-file', '--batch-check=%(objectsize)'], { cwd, input: shas.join('\n') + '\n' });
  const bytes = sizes.stdout.split('\n').reduce((n, l) => n + (Number(l) || 0), 0);
  if (bytes > UNTRACKED_SINCE_BYTES) return { ...unknown, ...at };
  const counted = { untracked: 0, total: 0, unread: false };
  const reader = new ObjectReader(
    cwd,
    (_sha, content, type) => {
      if (!content || type !== 'commit') {
        counted.unread = true; // over the bound or missing: its lines cannot be shown to be few
        return;
      }
      const { message, headerProblem } = parseCommitObject(content);
      const n = untrackedCount(commitProvenance({ message, ...(headerProblem ? { headerProblem } : {}) }));
      counted.untracked += n?.untracked ?? 0;
      counted.total += n?.total ?? 0;
    },
    { buffered: true, borrowed: true, maxBytes: MAX_COMMIT_BYTES },
  );
  for (const sha of shas) reader.read(sha);
  await reader.close();
  if (counted.unread) return { ...unknown, ...at };
  return { ...at, untracked: counted.untracked, total: counted.total, count: shas.length };
}
