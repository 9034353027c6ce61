import type { SignedStatement } from '../core/approvalStatement';
import { samePerson } from '../core/approvalRules';
import { type CheckedStatement } from '../core/approvalDecision';
import type { ApprovalRecord, CommitDecision } from '../core/gate';
import { POLICY_FILE, type Policy } from '../core/policy';
import { CommitGraph } from '../core/report/commitGraph';
import type { CommitFacts } from '../core/report/commitFacts';
import type { CommitStanding } from '../core/statementStanding';
import { remoteDefaultBranch } from '../git/policyBranch';
import { readPolicyFrom } from '../git/policyRead';
import { resolveCommit } from '../git/stagedDiff';
import { earlierRevisionsOf } from '../git/earlierRevisions';
import { historyStanding } from '../git/historyStanding';
import { readStatements, statementKeys } from '../git/historyStatements';
import { attachRetiredKeysFor } from '../git/retiredReviewerKeys';
import { parentsAbove } from '../git/spanReach';
import type { JudgingContext } from './explainGate';
import type { ExplainedApproval, Explanation } from './explanation';

/**
 * The approvals part of `explain`'s page: every statement that covers the commit, its signature checked under
 * the policy of the branch it is judged for, and whether it counts by the gate's own rules (and why not).
 */
export async function explainApprovals(
  cwd: string,
  facts: CommitFacts,
  ctx: JudgingContext,
): Promise<ExplainedApprovals> {
  // The policy approvals are judged under: the one the gate judged with (for a commit landed on the policy
  // branch, that branch at the base of the approved push that brought it, else at its first parent: explainGate's
  // landedPushPolicy and withLandedPolicy), else the protected branch as this
  // clone knows it, else the policy branch, which judges every protected ref — a --branch not here was judged
  // by it at the gate while this header said HEAD's (newuser14 S12) — and HEAD's only when there is none.
  const source = ctx.policyAt
    ? await readPolicyFrom(cwd, [ctx.policyAt])
    : ctx.trackingSha
      ? await readPolicyFrom(cwd, [{ rev: ctx.trackingSha, label: ctx.trackingLabel ?? ctx.trackingSha }])
      : await readPolicyFrom(cwd, [await policyBranchOrHead(cwd, ctx)]);
  let policy: Policy | undefined;
  let policyInfo: Explanation['approvals']['policy'];
  if (source.kind === 'ok') {
    policy = source.policy;
    policyInfo = { from: source.from, status: 'ok' };
  } else if (source.kind === 'error') policyInfo = { from: source.from, status: 'error', message: source.message };
  // One clause without brackets: the places looked at carry their own ("at X, the first parent of Y"), and the
  // header around it has its own (newuser16 F20: nested parentheses about the commit that adds the first policy).
  else policyInfo = { from: `no ${POLICY_FILE} in ${source.looked.join(' or ') || 'any branch here'}`, status: 'none' };

  const { statements, errors, unreadable } = await readStatements(cwd);
  // The gate's rules (core/statementStanding.ts) over the commits the statements' tips and the branch reach that
  // the commit's parents do not: which statements cover it, and which of them count. The branch's own history is
  // what `report` reads, and what the gate judged: a commit the branch built on outside an approved span (a merge
  // on a draft, J4) is no step toward that span's tip there, so its approvals do not count (stepsBuiltOnElsewhere).
  if (policy) await attachRetiredKeysFor(policy, statements); // the gate's rule: rejections outlive rotated keys
  const keys = policy ? statementKeys(policy) : undefined;
  const graph = await graphAbove(cwd, facts.parents, [
    ...statements.map((s) => s.signed.statement.tip),
    ...(ctx.trackingSha ? [ctx.trackingSha] : []),
  ]);
  const commits = graph.commits;
  const standing = await historyStanding(
    cwd,
    graph.graph,
    commits,
    statements.map((s) => ({ attachedTo: s.noteCommit, signed: s.signed })),
    unreadable,
    keys ?? statementKeys(undefined),
    facts.parents,
  );
  const commit = {
    sha: facts.sha,
    author: { email: facts.authorEmail },
    committer: { email: facts.committerEmail },
    headerProblem: facts.headerProblem,
  };
  const counted = standing.forCommit(commit);
  const on = standing.statementsOn(facts.sha);
  const noteOf = new Map(statements.map((s) => [s.signed, s.noteCommit]));
  const out: ExplainedApproval[] = [];
  const entry = (
    signed: SignedStatement,
    verification: ExplainedApproval['verification'],
    why: string | undefined,
  ): ExplainedApproval => {
    const st = signed.statement;
    return {
      attachedTo: noteOf.get(signed) ?? st.tip,
      decision: st.decision,
      reviewer: st.reviewer,
      time: st.time,
      tip: st.tip,
      base: st.base,
      ...(st.comment ? { comment: st.comment } : {}),
      verification,
      counts: why === undefined,
      ...(why ? { why } : {}),
    };
  };
  for (const v of on.valid) {
    const verification = keys
      ? { ok: true, reason: 'signature valid', fingerprint: v.fingerprint }
      : {
          ok: false,
          reason: policyInfo.status === 'error' ? 'the policy is unreadable' : 'no policy lists reviewer keys',
        };
    out.push(entry(v.signed, verification, keys ? whyNotCounted(v, counted) : verification.reason));
  }
  for (const r of on.refused) out.push(entry(r.signed, { ok: false, reason: r.why }, r.why));
  out.sort((a, b) => a.time.localeCompare(b.time));
  // What reviewers said about an earlier revision of this commit, which no statement above shows (newuser12 P3).
  const earlier = (
    await earlierRevisionsOf(
      cwd,
      [facts.sha],
      statements.map((s) => s.signed),
      keys ?? statementKeys(undefined),
    ).catch(() => [])
  ).filter((e) => !out.some((o) => samePerson(o.reviewer.email, e.reviewer.email)));
  const section = {
    policy: policyInfo,
    statements: out,
    // Junk past the check budget (reviewerKeys.ts) left statements unchecked: said here, not only in the gate's part.
    errors: counted.unchecked ? [counted.unchecked, ...errors] : errors,
    ...(earlier.length > 0 ? { earlierRevisions: earlier } : {}),
  };
  return {
    section,
    withGateMatches: (decision) =>
      withGateMatches(section, decision, statements, (signed, fingerprint) =>
        entry(signed, { ok: true, reason: 'signature valid', fingerprint }, undefined),
      ),
  };
}

/** The approvals section, and the same completed with what the gate matched once it has judged the commit. */
export interface ExplainedApprovals {
  section: Explanation['approvals'];
  withGateMatches(decision: CommitDecision | undefined): Explanation['approvals'];
}

/**
 * The section with the gate's own matches (newuser8 F10): the approvals the gate counted for the commit — by
 * core/approvalRules.ts' coverage, which also follows a change rebased or cherry-picked by patch-id, beyond the
 * statements whose tips reach the commit that the history read lists — are listed and marked counting, each
 * with how the gate matched it, so the page's two sections cannot disagree about who approved.
 */
function withGateMatches(
  section: Explanation['approvals'],
  decision: CommitDecision | undefined,
  read: Array<{ signed: SignedStatement }>,
  counting: (signed: SignedStatement, fingerprint: string) => ExplainedApproval,
): Explanation['approvals'] {
  if (!decision || decision.approvals.length === 0) return section;
  const statements = [...section.statements];
  const same = (a: { tip: string; time: string }, r: ApprovalRecord) => a.tip === r.tip && a.time === r.time;
  for (const rec of decision.approvals) {
    const i = statements.findIndex(
      (s) => s.decision === 'approve' && same(s, rec) && samePerson(s.reviewer.email, rec.reviewer),
    );
    if (i >= 0) {
      statements[i] = { ...statements[i], via: rec.via };
      continue;
    }
    const found = read.find(
      (s) =>
        s.signed.statement.decision === 'approve' &&
        same(s.signed.statement, rec) &&
        samePerson(s.signed.statement.reviewer.email, rec.reviewer),
    );
    if (found) statements.push({ ...counting(found.signed, rec.fingerprint), via: rec.via });
  }
  statements.sort((a, b) => a.time.localeCompare(b.time));
  // A statement on an earlier revision that the gate counted (the same patch rebased) is listed above now.
  const earlier = section.earlierRevisions?.filter(
    (e) => !statements.some((s) => samePerson(s.reviewer.email, e.reviewer.email)),
  );
  const { earlierRevisions: _listed, ...rest } = section;
  return { ...rest, statements, ...(earlier && earlier.length > 0 ? { earlierRevisions: earlier } : {}) };
}

/** Why a valid statement covering the commit does not count for it, by the gate's counting (undefined: it counts). */
function whyNotCounted(v: CheckedStatement, counted: CommitStanding): string | undefined {
  if (v.signed.statement.decision === 'reject') {
    return counted.rejections.some((r) => r.reject.signed === v.signed)
      ? undefined
      : 'a later approval by the same reviewer lifts it';
  }
  if (counted.approvals.some((a) => a.signed === v.signed)) return undefined;
  if (counted.unchecked) return 'junk left statements here unchecked, so no approval counts (see below)';
  const self = counted.selfApprovals.find((x) => samePerson(x.reviewer.email, v.reviewer.email));
  if (self) return `the reviewer ${self.as} this commit (two-person rule)`;
  if (counted.rejections.some((r) => r.voided?.signed === v.signed))
    return 'a later rejection by the same reviewer voids it';
  return 'a later approval by the same reviewer counts instead';
}

/**
 * The commits the statements' tips reach that `parents` do not, as a graph: one `git rev-list --parents`. A
 * tip reaches the commit inside it iff the commit is its ancestor, and a base outside it is an ancestor of a
 * parent, so it cannot exclude the commit.
 */
async function graphAbove(
  cwd: string,
  parents: string[],
  tips: string[],
): Promise<{ graph: CommitGraph; commits: Array<{ sha: string; parents: string[] }> }> {
  const graph = new CommitGraph();
  const commits: Array<{ sha: string; parents: string[] }> = [];
  for (const [sha, ps] of (await parentsAbove(cwd, tips, parents)).parents) {
    graph.add(sha, ps);
    commits.push({ sha, parents: ps });
  }
  return { graph, commits };
}

async function policyBranchOrHead(cwd: string, ctx: JudgingContext): Promise<{ rev: string; label: string }> {
  const remote = ctx.remote ?? 'origin';
  const branch = await remoteDefaultBranch(cwd, remote);
  const tip = branch ? await resolveCommit(cwd, `refs/remotes/${remote}/${branch}`) : undefined;
  if (branch && tip) return { rev: tip, label: `${remote}/${branch}` };
  const why = ctx.branch
    ? `neither ${remote}/${ctx.branch} nor ${remote}'s default branch is here: git fetch ${remote}`
    : 'no protected branch known: pass --branch';
  return { rev: 'HEAD', label: `HEAD (${why})` };
}
