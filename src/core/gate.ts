import { invalidPolicyFix } from './policyRecovery';
import { eligibleReviewers, personLabel, unprovablePeople } from './approvalRules';
import { whoMayApprove } from './whoMayApprove';
import { isProtected, POLICY_FILE } from './policy';
import { chargedFiles } from './mergeView';
import { rangeBlast, reviewNeed } from './reviewNeed';
import { untrackedTally } from './untrackedReview';
import { policyMatchers } from './policyPaths';
import { gateStanding } from './statementStanding';
import { shortSha } from './shortSha';
import { protectedRefChangeRefusal } from './protectedRefChange';
import { heldBy } from './changesRequested';
import { unmetNeed } from './approvalDecision';
import { rewindApprovals, rewindLead, rewindNeed, withRewind, withRewindFiles } from './rewindReview';
import type { CommitDecision, GateInput, GateResult } from './gateTypes';

export { personLabel } from './approvalRules';
export type { UnjudgedGitlink } from './gitlinkReview';
export { rangeBlast, reviewNeed, type RangeBlast } from './reviewNeed';
export type {
  Person,
  ChangedFile,
  GateCommit,
  PolicySource,
  GateInput,
  ApprovalRecord,
  ReviewReasonKind,
  CommitDecision,
  GateResult,
} from './gateTypes';
/**
 * The gate (docs/design.md, "The gate"): a pure function from everything git knows about one push to a protected
 * branch to a decision per commit. src/git/gateInput.ts gathers the input; the pre-push hook, `verify` and
 * the pre-receive hook only format the result. Every rule that decides whether code may land is here.
 *
 * Fail closed: an unreadable policy blocks everything; an unreadable provenance note makes its commit need
 * review; an unreadable approval note blocks the commits it might have covered (it could hold a rejection).
 */

/** An unprotected branch passes; problems gathering the input (an unreachable remote) are only worth a notice. */
function unprotected(result: GateResult): GateResult {
  result.notices.push(...result.errors);
  result.errors = [];
  result.ok = true;
  return result;
}

export function evaluateGate(input: GateInput): GateResult {
  const result: GateResult = {
    ok: true,
    branch: input.branch,
    protected: false,
    base: input.base,
    head: input.head,
    commits: [],
    errors: [...(input.errors ?? [])],
    notices: [],
  };
  if (input.policy.kind === 'none') {
    result.notices.push(
      `${input.branch} is not protected: no ${POLICY_FILE} found in ${input.policy.looked.join(' or ') || 'any branch here'}.`,
    );
    return unprotected(result);
  }
  if (input.policy.kind === 'error') {
    // Fail closed: without a readable policy nobody can say the branch is unprotected.
    result.protected = true;
    result.policyError = true;
    result.policyFrom = input.policy.from;
    result.errors.push(`${input.policy.message}\n${input.policy.fix ?? invalidPolicyFix()}`);
    result.ok = false;
    return result;
  }
  const policy = input.policy.policy;
  result.policyFrom = input.policy.from;
  const pattern = isProtected(policy, input.branch);
  if (!pattern) {
    result.notices.push(
      `${input.branch} is not protected by ${input.policy.from} (protectedBranches: ${JSON.stringify(policy.protectedBranches)}).`,
    );
    return unprotected(result);
  }
  result.protected = true;
  result.pattern = pattern;
  const refusal = protectedRefChangeRefusal(input, policy, pattern, input.policy.from);
  if (refusal) {
    result.errors.push(refusal);
    result.ok = false;
    return result;
  }

  const standing = gateStanding(input, policy);
  result.notices.push(...standing.notices);

  let anyBlocked = false;
  // An allowed rewind is one change of its own on the head (rewindReview.ts); its deletions count for the push's tiers.
  const rewind = input.rewind && input.head !== undefined && policy.allowForcePushes ? input.rewind : undefined;
  const head = input.head;
  const carrier = rewind?.carrier === true;
  const blast = rangeBlast(withRewindFiles(input.commits, rewind, head), input.sinceReviewed);
  blast.untracked = untrackedTally(input.commits, input.untrackedSince);
  const charged = chargedFiles(input.commits, result.notices);
  const matchers = policyMatchers(policy);
  for (const c of input.commits) {
    const policyChangedHere = input.policyChangedWithoutCommit === true && c.sha === head;
    const own = () => reviewNeed(policy, c, policyChangedHere, blast, charged.get(c.sha), matchers);
    const ofRewind = rewind && c.sha === head ? rewindNeed(policy, rewind, c, blast, matchers) : undefined;
    const need = ofRewind ? withRewind(carrier ? undefined : own(), ofRewind) : own();
    const rewinds = rewind !== undefined && ofRewind !== undefined && ofRewind.kinds.length > 0;
    if (rewinds) need.reasons.unshift(rewindLead(input.branch, rewind, c.sha));
    const eligible = eligibleReviewers(policy, c);
    const decision: CommitDecision = {
      sha: c.sha,
      subject: c.message.split('\n')[0] ?? '',
      author: c.author,
      needsReview: need.kinds.length > 0,
      reasons: [...need.reasons],
      kinds: need.kinds,
      approvals: [],
      ignored: [],
      requiredApprovals: need.kinds.length > 0 ? need.approvals : 0,
      requiredRoles: need.roles,
      tiers: need.tiers,
      eligibleReviewers: eligible,
      ...unprovablePeople(c),
      ok: true,
    };
    result.commits.push(decision);
    if (!decision.needsReview) continue;

    // Unreadable approval lines on this commit or a descendant in the push could be rejections: fail closed.
    const counted = standing.forCommit(c);
    const unreadable = counted.unreadable;
    if (unreadable) {
      for (const e of unreadable.shown) {
        decision.reasons.push(
          `an approval note it depends on is unreadable: ${e.error} — fix: remove that line with \`git notes --ref=refs/notes/countersign edit ${shortSha(e.attachedTo)}\` and ask the reviewer to approve again`,
        );
      }
      if (unreadable.more > 0)
        decision.reasons.push(
          `…and ${unreadable.more} more unreadable approval line(s) in notes on this push's commits`,
        );
    }
    if (counted.unchecked) decision.reasons.push(counted.unchecked);
    decision.ignored.push(...counted.ignored);
    // Only approvals of the rewind itself count for the head: they cover its own commits too (base O..N holds them).
    if (rewinds) {
      const forRewind = rewindApprovals(counted.approvals, rewind, c.sha);
      counted.approvals = forRewind.counted;
      decision.ignored.push(...forRewind.ignored);
    }
    const held = heldBy(counted.rejections);
    if (held.requested.length > 0) decision.changesRequested = held.requested;
    decision.reasons.push(...held.reasons);
    for (const a of counted.approvals) {
      const st = a.signed.statement;
      decision.approvals.push({
        reviewer: a.reviewer.email,
        name: a.reviewer.name,
        ...(a.reviewer.role ? { role: a.reviewer.role } : {}),
        tip: st.tip,
        time: st.time,
        fingerprint: a.fingerprint,
        via: a.via,
        ...(st.comment ? { comment: st.comment } : {}),
      });
    }

    const count = decision.approvals.length;
    const unmet = unmetNeed(need, decision.approvals);
    decision.ok = !unreadable && !counted.unchecked && !unmet && counted.rejections.length === 0;
    if (!decision.ok) {
      // Held only by its author's own request for changes, the commit needs no reviewer: only the withdrawal.
      const heldByAuthorOnly = !unreadable && !counted.unchecked && !unmet && counted.rejections.every((r) => r.own);
      if (heldByAuthorOnly) continue;
      anyBlocked = true;
      if (unmet && unmet.short > 0) decision.reasons.push(`has ${count} of ${need.approvals} required approval(s)`);
      for (const role of unmet?.roles ?? [])
        decision.reasons.push(
          `needs an approval from a reviewer with role '${role}' (${
            eligible
              .filter((r) => r.role === role)
              .map(personLabel)
              .join(', ') || 'no eligible reviewer has it: update the policy'
          })`,
        );
      decision.reasons.push(whoMayApprove(c, eligible, decision.approvals, need.approvals, decision.changesRequested));
    }
  }

  const blockedIds = result.commits.filter((c) => !c.ok).map((c) => c.sha);
  // An allowed rewind is approved from the branch's value, with --rewind (rewindReview.ts): approve keeps that base.
  if (anyBlocked && input.head)
    result.approveCommand = approveCommandFor(input.head, rewind?.from ?? input.reviewBase, rewind !== undefined);
  result.ok = blockedIds.length === 0 && result.errors.length === 0;
  return result;
}

/** The command that approves `tip` reviewed against `base` (full object names: a short one could name another commit). */
export function approveCommandFor(tip: string, base: string | undefined, rewind = false): string {
  return `countersign approve ${tip}${base ? ` --base ${base}${rewind ? ' --rewind' : ''}` : ''}`;
}
