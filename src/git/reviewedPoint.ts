import type { ApprovalNeed } from '../core/approvalDecision';
import { CountersignError } from '../core/errors';
import { mayLeaveStub } from '../core/fileDeletion';
import type { ChangedFile, GateCommit } from '../core/gate';
import { type DeletionView, REVIEWED_POINT_WINDOW, type SinceReviewed } from '../core/reviewNeed';
import type { Policy } from '../core/policy';
import { MAX_DIFF_BLOB_BYTES } from '../core/textLines';
import { streamCommitFiles } from './commitLog';
import { markStubs, stubEdits } from './stubFiles';
import { walkCost, type WalkedCommit } from './diffBytes';
import { streamNulTokens } from './nulStream';
import { MAX_JUDGED_TIPS, type TipJudge } from './vouchedTip';
import { landedPoints } from './landedPoints';
import { reviewedSides } from './reviewedSides';

/**
 * What a protected branch lost since it was last reviewed, so that a mass deletion split across pushes meets the
 * deletion tiers (outside tester, session 8, H3). The reviewed point is derived, not stored: the newest commits
 * reachable from the branch's value where the gate is enforced, through any parents (K4), that the gate vouches for:
 * the tip of a signed approval whose span the gate passes with every approval known (vouchedTip.ts), whose approvals
 * meet every deletion tier, count and roles (attack23 04: a tip one reviewer approved, where the tier asks two,
 * restarted the count, so a deletion sliced between colleagues' approved features met no tier; and so did a tip two
 * reviewers without the tier's role approved, so the sliced deletion never reached the role). Every
 * place that judges a push (the server, verify in CI, pre-push) reads the same history and approvals, so they
 * agree; there is no server state to lose in `gc`, to move by a rewind or to edit by hand, and the pusher
 * cannot write it (the approvals ref is append-only and statements are signed). The commits that no such point
 * holds are the "unreviewed" ones whose deletions a new push is judged with (core/reviewNeed.ts, rangeBlast).
 */

/**
 * What the policy's deletion tiers count (only then is the walk worth its git processes), and what a point must
 * meet to restart it (`need`): every deletion tier at once, as reviewNeed.ts adds tiers up for a commit meeting
 * them all — the highest count (a tier's own or the policy's) and every role any of them asks.
 */
function countedDeletions(policy: Policy): { files: boolean; lines: boolean; need: ApprovalNeed } {
  const tiers = policy.tiers.filter((t) => t.deletedFiles !== undefined || t.deletedLines !== undefined);
  return {
    files: tiers.some((t) => t.deletedFiles !== undefined),
    lines: tiers.some((t) => t.deletedLines !== undefined),
    need: {
      approvals: Math.max(policy.approvals, ...tiers.map((t) => t.approvals)),
      roles: [...new Set(tiers.flatMap((t) => t.roles))],
    },
  };
}

function deletes(f: ChangedFile): boolean {
  return f.status === 'D' || (f.deleted ?? 0) > 0;
}

function deletesSomething(commits: readonly GateCommit[]): boolean {
  return commits.some((c) => c.files.some(deletes));
}

/** Thrown from a stream's reader to stop git once the answer is known; caught here, never seen outside. */
const DONE = Symbol('done');

/**
 * The unreviewed commits before an update of `branch` from `old`, for the deletion tiers; undefined when there
 * is nothing to add to the push's own judgement (no deletion tier, nothing deleted by the push, or none since).
 */
export interface UnreviewedQuery {
  branch: string;
  old: string;
  commits: readonly GateCommit[];
  rewinds: boolean;
  policy: Policy;
  /** Made only when the walk is needed (it reads the approvals). */
  judge: () => Promise<TipJudge>;
}

export async function sinceReviewed(cwd: string, o: UnreviewedQuery): Promise<SinceReviewed | undefined> {
  const counted = countedDeletions(o.policy);
  if (!(counted.files || counted.lines) || !(o.rewinds || deletesSomething(o.commits))) return undefined;
  // Only a point that could have met the deletion tiers restarts their count (attack23 04): four files deleted, a
  // colleague's feature one reviewer approved (or two without the tier's role), four more, and so on, met no tier.
  const judge = await o.judge();
  const walked = await reviewedPointsMeeting(cwd, o.old, judge, counted.need);
  if (walked === 'unknown') return { branch: o.branch, commits: [], unknown: true };
  if (walked === 'unjudged') return { branch: o.branch, commits: [], unknown: true, unjudged: MAX_JUDGED_TIPS };
  const { points } = walked;
  const point = points[0];
  if (point === o.old) return undefined;
  // What the walk would read, measured first without diffing (K1: bytes; L5: entries): past a budget the count
  // is unknown.
  const at = { branch: o.branch, ...(point ? { point } : {}) };
  let cost = await measured(cwd, sinceRange(o.old, points));
  if (!('commits' in cost)) return { ...at, commits: [], unknown: true, ...cost };
  const sides = await reviewedSides(
    cwd,
    cost.commits.filter((c) => c.parents.length > 1),
    new Set(points),
    judge,
  );
  let commits = await deletionsSince(cwd, cost.commits, counted, sides);
  // The landed copies of approved changes among them hold what the approvals cover (newuser25 N2), looked for only
  // when something there is deleted: measured again without what lies under their statements' bases (only ever
  // less), their own commits left out.
  if (commits !== 'unknown' && commits.some((c) => c.files.length > 0)) {
    const window = new Map(cost.commits.map((c) => [c.sha, c.parents]));
    const copies = await landedPoints(cwd, { old: o.old, judge, need: counted.need, window });
    const again = copies.bases.length > 0 && (await measured(cwd, sinceRange(o.old, [...points, ...copies.bases])));
    if (again && 'commits' in again) {
      const kept = new Set(again.commits.map((c) => c.sha).filter((sha) => !copies.covered.has(sha)));
      cost = { commits: cost.commits.filter((c) => kept.has(c.sha)) };
      commits = commits.filter((c) => kept.has(c.sha));
    }
  }
  if (commits === 'unknown') return { branch: o.branch, commits: [], unknown: true };
  // Named only where they are among the commits counted (a walked-past tip under a point counts for nothing): those
  // judged short of the need, and those whose approvers fall short of it before any judgement (TipJudge.candidate).
  const few = (sha: string) => walked.fewer.has(sha) || (judge.candidate(sha) && !judge.candidate(sha, counted.need));
  const fewer = cost.commits.filter((c) => few(c.sha)).length;
  const roles = fewer > 0 && counted.need.roles.length > 0 ? { roles: counted.need.roles } : {};
  return { branch: o.branch, ...(point ? { point } : {}), commits, ...(fewer > 0 ? { fewer, ...roles } : {}) };
}

/**
 * The vouched-for commits reachable from `old` through any parents (in git's order, the newest first as commit
 * dates go), none found under one already found: each the tip of an approval whose span the gate passes
 * (vouchedTip.ts). Not only the first-parent chain (outside tester, session 10, K4: a merge of an empty root
 * commit and main, first parent the root, took every approved commit off main's first-parent chain, and every
 * later deleting push was judged with all of main's history). Empty when none is reachable; 'unknown' when the
 * walk passes REVIEWED_POINT_WINDOW.commits before finding one; 'unjudged' when the candidates it met cost more
 * judgements than MAX_JUDGED_TIPS before the answer was known. The walk takes every candidate (`judge.candidate`,
 * no git) as a point, then asks the gate about the points it found; a point the gate does not vouch for is
 * walked past in another round (each round refuses at least one, and judgements are bounded, so rounds are).
 */
export async function reviewedPoints(
  cwd: string,
  old: string,
  judge: TipJudge,
): Promise<string[] | 'unknown' | 'unjudged'> {
  const walked = await reviewedPointsMeeting(cwd, old, judge, { approvals: 1, roles: [] });
  return typeof walked === 'string' ? walked : walked.points;
}

/**
 * reviewedPoints, where the approvals counting for a point's tip must also meet `need`, count and roles
 * (TipJudge.meets); a vouched tip short of it is walked past like a refused one, and returned in `fewer`. A tip
 * whose approvers fall short of it (fewer reviewers, or none with a role) is no candidate: walked past without a
 * judgement.
 */
export async function reviewedPointsMeeting(
  cwd: string,
  old: string,
  judge: TipJudge,
  need: ApprovalNeed,
): Promise<{ points: string[]; fewer: Set<string> } | 'unknown' | 'unjudged'> {
  const refused = new Set<string>();
  const fewer = new Set<string>();
  await judge.prepare();
  for (;;) {
    const found = await walkPoints(cwd, old, (sha) => !refused.has(sha) && judge.candidate(sha, need));
    if (found === 'unknown') return found;
    let again = false;
    for (const sha of found) {
      const v = await judge.vouched(sha);
      if (v === 'unknown') return 'unjudged';
      if (v && judge.meets(sha, need)) continue;
      if (v) fewer.add(sha);
      refused.add(sha);
      again = true;
    }
    if (!again) return { points: found, fewer };
  }
}

/**
 * One round of reviewedPoints: the commits `isPoint` takes, none under another. Streamed in git's order, and git
 * is stopped once every commit still to come lies under a point found (`open`: commits queued as parents that no
 * point holds); the walk costs what lies between, a few microseconds per commit (no diffs). Coverage is followed
 * through the parents already seen, so commit dates (which the pusher writes) change only how far the walk goes,
 * never the answer.
 */
async function walkPoints(cwd: string, old: string, isPoint: (sha: string) => boolean): Promise<string[] | 'unknown'> {
  const parentsOf = new Map<string, string[]>();
  const pending = new Set<string>();
  const covered = new Set<string>();
  const points: string[] = [];
  let open = 0;
  const cover = (start: string) => {
    const stack = [start];
    for (let sha = stack.pop(); sha !== undefined; sha = stack.pop()) {
      if (covered.has(sha)) continue;
      covered.add(sha);
      if (pending.has(sha)) open--;
      stack.push(...(parentsOf.get(sha) ?? []));
    }
  };
  let record: string[] = [];
  let walked = 0;
  try {
    // NUL-separated fields: no byte a commit can hold changes the records (issue 10, class 6). No idents: who may
    // approve a tip is read from its commit object, as the gate reads it (TipJudge.prepare).
    await streamNulTokens(
      ['log', `--max-count=${REVIEWED_POINT_WINDOW.commits + 1}`, '-z', '--format=%H%x00%P', old, '--'],
      cwd,
      (token) => {
        record.push(token.replace(/^\n/, ''));
        if (record.length < 2) return;
        const [sha, parentList] = record;
        record = [];
        walked++;
        const parents = parentList.split(' ').filter(Boolean);
        const held = covered.has(sha);
        if (pending.delete(sha) && !held) open--;
        parentsOf.set(sha, parents);
        for (const p of parents) {
          if (parentsOf.has(p) || pending.has(p)) continue;
          pending.add(p);
          if (!covered.has(p)) open++;
        }
        if (!held && isPoint(sha)) {
          points.push(sha);
          covered.add(sha);
        }
        if (covered.has(sha)) for (const p of parents) cover(p);
        if (points.length > 0 && open === 0) throw DONE;
      },
    );
  } catch (e) {
    if (e !== DONE) throw e;
  }
  return points.length === 0 && walked > REVIEWED_POINT_WINDOW.commits ? 'unknown' : points;
}

/** walkCost within the budgets: the commits, or what made the count unknown (past the entries or bytes budget). */
async function measured(
  cwd: string,
  range: string[],
): Promise<{ commits: readonly WalkedCommit[] } | { entries: number } | { bytes: number }> {
  const cost = await walkCost(cwd, range, budget('ENTRIES', REVIEWED_POINT_WINDOW.entries));
  if ('over' in cost) return { entries: cost.entries };
  // A file version over the bound is never diffed (attack22 01): the walk's count is then unknown, as past the budget.
  if (cost.bytes > budget('BYTES', REVIEWED_POINT_WINDOW.bytes) || cost.largest > MAX_DIFF_BLOB_BYTES)
    return { bytes: cost.bytes };
  return { commits: cost.commits };
}

/** The commits of `old` that no point holds, as git's revision arguments, bounded by the window. */
function sinceRange(old: string, points: readonly string[]): string[] {
  return [`--max-count=${REVIEWED_POINT_WINDOW.commits + 1}`, old, ...(points.length > 0 ? ['--not', ...points] : [])];
}

/**
 * REVIEWED_POINT_WINDOW's `bytes` or `entries`, or COUNTERSIGN_SINCE_REVIEWED_BYTES / _ENTRIES where set (the
 * tests' small histories; an administrator who sets one on the server sets it for `verify` in CI too, or the two
 * disagree).
 */
function budget(name: 'BYTES' | 'ENTRIES', fallback: number): number {
  const set = Number(process.env[`COUNTERSIGN_SINCE_REVIEWED_${name}`]);
  return Number.isSafeInteger(set) && set > 0 ? set : fallback;
}

/**
 * The unreviewed commits (`walked`: all of them, the first-parent chain and what merges brought in, as walkCost
 * read them), each with only the files it deletes; 'unknown' past REVIEWED_POINT_WINDOW. Only the commits
 * walkCost found may delete something are diffed (`--numstat`), in one `git log --no-walk --stdin`: a commit
 * that only adds files or changes modes cannot delete a line or a file (L5: 100,000 mode flips re-diffed on
 * every deleting push). Only commits that delete something a tier counts use up the window's `deleting` part,
 * so commits that delete nothing cannot push the point out of view (J2); the others cost a record of their
 * parents each (a merge's side commits are found through them).
 */
async function deletionsSince(
  cwd: string,
  walked: readonly WalkedCommit[],
  counted: { files: boolean; lines: boolean },
  sides: ReadonlyMap<string, ChangedFile[]>,
): Promise<DeletionView[] | 'unknown'> {
  if (walked.length > REVIEWED_POINT_WINDOW.commits) return 'unknown';
  const diffed = walked.filter((c) => c.diff).map((c) => c.sha);
  const deleted = new Map<string, ChangedFile[]>();
  let deleting = 0;
  try {
    if (diffed.length > 0)
      await streamCommitFiles(
        cwd,
        ['--no-walk', '--stdin'],
        (c) => {
          const files = c.files.filter(deletes);
          // A file that may be left a stub is marked once the stream ends (markStubs below); the window counts it
          // now, erring toward a deleting commit (past the window the push fails closed).
          const counts = files.some(
            (f) => (counted.files && (f.status === 'D' || mayLeaveStub(f))) || (counted.lines && (f.deleted ?? 0) > 0),
          );
          if (counts && ++deleting > REVIEWED_POINT_WINDOW.deleting) throw DONE;
          deleted.set(c.sha, files);
        },
        diffed.join('\n') + '\n',
      );
  } catch (e) {
    if (e !== DONE) throw e;
    return 'unknown';
  }
  // Every commit asked for is read, or the count fails: a commit git left out would count as deleting nothing.
  const missing = diffed.find((sha) => !deleted.has(sha));
  if (missing) throw new CountersignError('git', `git log did not list commit ${missing}, asked for by the gate`);
  await markStubs(cwd, stubEdits([...deleted.values()].flat()));
  return walked.map((c) => {
    const side = sides.get(c.sha);
    return { sha: c.sha, parents: c.parents, files: deleted.get(c.sha) ?? [], ...(side ? { reviewedSide: side } : {}) };
  });
}
