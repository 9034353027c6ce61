import type { SignedStatement } from '../core/approvalStatement';
import type { ReviewerKeys } from '../core/approvalRules';
import type { GateCommit } from '../core/gate';
import { REVIEWED_POINT_WINDOW, type SinceReviewed } from '../core/reviewNeed';
import type { Policy } from '../core/policy';
import { samePerson } from '../core/person';
import { readCommitRange } from './commitLog';
import { runGit } from './gitRunner';

/**
 * What a protected branch lost since it was last reviewed, so that a mass deletion split across pushes meets the
 * deletion tiers (outside tester, session 8, H3). The reviewed point is derived, not stored: the newest commit
 * on the branch's first-parent chain (from its value where the gate is enforced) that a listed reviewer, not its
 * author or committer, approved as the tip of a signed statement, with no request for changes on it. Every
 * place that judges a push (the server, verify in CI, pre-push) reads the same history and approvals, so they
 * agree; there is no server state to lose in `gc`, to move by a rewind or to edit by hand, and the pusher
 * cannot write it (the approvals ref is append-only and statements are signed). The commits after that point
 * are the "unreviewed" ones whose deletions a new push is judged with (core/reviewNeed.ts, rangeBlast).
 */

/** Whether the policy has a tier that counts deletions: only then is the walk worth its git processes. */
function countsDeletions(policy: Policy): boolean {
  return policy.tiers.some((t) => t.deletedFiles !== undefined || t.deletedLines !== undefined);
}

function deletesSomething(commits: readonly GateCommit[]): boolean {
  return commits.some((c) => c.files.some((f) => f.status === 'D' || (f.deleted ?? 0) > 0));
}

/**
 * The unreviewed commits before an update of `branch` from `old`, for the deletion tiers; undefined when there
 * is nothing to add to the push's own judgement (no deletion tier, nothing deleted by the push, or none since).
 */
export async function sinceReviewed(
  cwd: string,
  o: {
    branch: string;
    old: string;
    commits: readonly GateCommit[];
    rewinds: boolean;
    policy: Policy;
    statements: readonly SignedStatement[];
    keys: ReviewerKeys;
  },
): Promise<SinceReviewed | undefined> {
  if (!countsDeletions(o.policy) || !(o.rewinds || deletesSomething(o.commits))) return undefined;
  const byTip = new Map<string, SignedStatement[]>();
  for (const s of o.statements) byTip.set(s.statement.tip, [...(byTip.get(s.statement.tip) ?? []), s]);
  // NUL-separated fields: no byte a commit can hold changes the records (issue 10, class 6).
  const log = await runGit(
    [
      'log',
      '--first-parent',
      `--max-count=${REVIEWED_POINT_WINDOW + 1}`,
      '-z',
      '--format=%H%x00%ae%x00%ce',
      o.old,
      '--',
    ],
    { cwd },
  );
  const fields = log.stdout.split('\0').map((f) => f.replace(/^\n/, ''));
  let point: string | undefined;
  let walked = 0;
  for (let i = 0; i + 2 < fields.length && point === undefined; i += 3) {
    const [sha, authorEmail, committerEmail] = fields.slice(i, i + 3);
    walked++;
    const named = byTip.get(sha);
    if (!named) continue;
    // Signatures are checked only here, for statements on the chain; a valid request for changes at or after
    // the approval (by anyone) leaves the commit unreviewed.
    const valid = named.filter((s) => o.keys.check(s).ok);
    const at = (s: SignedStatement) => Date.parse(s.statement.time);
    const lastReject = Math.max(-Infinity, ...valid.filter((s) => s.statement.decision === 'reject').map(at));
    const approved = valid.some(
      (s) =>
        s.statement.decision === 'approve' &&
        at(s) > lastReject &&
        !samePerson(s.statement.reviewer.email, authorEmail) &&
        !samePerson(s.statement.reviewer.email, committerEmail),
    );
    if (approved) point = sha;
  }
  if (point === undefined && walked > REVIEWED_POINT_WINDOW) {
    return { branch: o.branch, commits: [], unknown: true };
  }
  if (point === o.old) return undefined;
  const range = [`--max-count=${REVIEWED_POINT_WINDOW + 1}`, o.old, ...(point ? ['--not', point] : [])];
  const commits = await readCommitRange(cwd, range);
  if (commits.length > REVIEWED_POINT_WINDOW) return { branch: o.branch, commits: [], unknown: true };
  return { branch: o.branch, ...(point ? { point } : {}), commits };
}
