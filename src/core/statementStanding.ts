import { formatStatementLine, type SignedStatement } from './approvalStatement';
import { statementCoverage, stepsBuiltOnElsewhere } from './statementCoverage';
import {
  approvedSpanKey,
  missingAddress,
  NO_ADDRESS_FIX,
  personLabel,
  RangeIndex,
  samePerson,
  ReviewerKeys,
  type CommitPeople,
  type CoverageVia,
  type SelfReview,
  type StatementCheck,
} from './approvalRules';
import type { GateInput } from './gate';
import type { Policy } from './policy';
import {
  countApprovals,
  type CheckedStatement,
  type CountedApproval,
  type StandingRejection,
} from './approvalDecision';
import { shortSha } from './shortSha';
import { withdrawalKey, type Withdrawals } from './rewindWithdrawal';
import { MAX_FAILED_SIGNATURE_CHECKS } from './reviewerKeys';

/**
 * Which signed statements count for which commit (docs/design.md, "Approvals"): the one place the gate, `verify`,
 * `report`, `explain` and the review panel (through the gate) ask. Given the commits of a range (RangeIndex:
 * coverage by tip, base and patch-id), the statements found in notes and the unreadable lines, it says per
 * commit which approvals count, which rejections hold it, which approvals are the reviewer's own commit
 * (two-person rule), which statements do not count and why, and which unreadable lines it depends on.
 *
 * Rejections reach as far as their base..tip, wherever their tip is: a reviewer who requested changes on T2
 * holds every commit base..T2, also when only a part of it (up to H) is pushed or landed — reaching too far
 * only fails closed, and the reviewer lifts it by approving again. The range commits such a rejection reaches
 * from outside the range are computed by git (src/git/spanReach.ts) and given as `rejectionReach`. Approvals
 * count only for what their tip (or a rebase of it, commit by commit) contains: an approval of T2 does not
 * approve its prefix H, which the reviewer never saw alone.
 */
export interface StandingInput {
  range: RangeIndex;
  /**
   * "Listed reviewer, signed by that reviewer's key" (approvalRules.ReviewerKeys.check), and whether a statement
   * could pass that check at all, without cryptography (ReviewerKeys.plausible; absent: any could).
   */
  keys: { check(s: SignedStatement): StatementCheck; plausible?(s: SignedStatement): boolean; unchecked?(): number };
  statements: Array<{ attachedTo: string; signed: SignedStatement }>;
  statementErrors: Array<{ attachedTo: string; error: string }>;
  /** Per rejection whose tip is outside the range (approvedSpanKey), the range commits its base..tip holds. */
  rejectionReach?: Record<string, string[]>;
  /**
   * A history's rebased copies (core/rebasedCopy.ts): per approval (approvedSpanKey) whose tip is outside it,
   * the commits the gate's rule says it covers there. A push's range needs none: RangeIndex sees them itself.
   */
  rebased?: Map<string, Map<string, CoverageVia>>;
  /** Approvals an approved rewind in force withdraws (core/rewindWithdrawal.ts), each with why: they do not count. */
  withdrawn?: Withdrawals;
}

export interface CommitStanding {
  /** Valid approvals that count: covering, not by the commit's author or committer, not voided by a later rejection. */
  approvals: CountedApproval[];
  /** Standing rejections, with the approval each voided, and whether the commit is the rejecter's own. */
  rejections: StandingRejection[];
  /** Approvals by the commit's own author or committer (they do not count). */
  selfApprovals: Array<{ reviewer: CheckedStatement['reviewer']; as: SelfReview }>;
  /** Statements found that do not count for this commit, each with why. */
  ignored: string[];
  /** Unreadable statement lines on this commit or a descendant in the range: they could be rejections. */
  unreadable?: { shown: StandingInput['statementErrors']; more: number };
  /** Why no approval counts: statements were left unchecked (reviewerKeys.ts MAX_FAILED_SIGNATURE_CHECKS). */
  unchecked?: string;
}

/** Statements that do not count are named on the commits they would cover for the first few, then counted. */
const MAX_NAMED_IGNORED = 20;
const MAX_UNREADABLE_SHOWN = 3;

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

export class StatementStanding {
  /** Information for the whole range (how many statements did not count beyond those named). */
  readonly notices: string[] = [];
  private readonly covering = new Map<string, Array<{ statement: CheckedStatement; via: CoverageVia }>>();
  private readonly refusedBy = new Map<string, string[]>();
  private readonly refusedCovering = new Map<string, Array<{ signed: SignedStatement; why: string }>>();
  private readonly notCoveringBy = new Map<string, Array<{ statement: CheckedStatement; why: string }>>();
  private readonly unreadableBy: Map<string, { shown: StandingInput['statementErrors']; more: number }>;
  private readonly keys: StandingInput['keys'];

  constructor(input: StandingInput) {
    this.keys = input.keys;
    const { range } = input;
    const reach = input.rejectionReach ?? {};
    const patchIds = new Set(range.commits.map((c) => c.patchIdFromBase).filter((p): p is string => p !== undefined));
    // Only statements that could cover something here are checked (and reported when they fail).
    const seen = new Set<string>();
    const seenObjects = new Set<SignedStatement>();
    const verified: CheckedStatement[] = [];
    const refused: Array<{ signed: SignedStatement; why: string }> = [];
    let refusedCount = 0;
    for (const { signed } of input.statements) {
      const st = signed.statement;
      if (
        !range.byId.has(st.tip) &&
        !patchIds.has(st.patchId) &&
        !(st.decision === 'reject' && reach[approvedSpanKey(st)]) &&
        !(st.decision === 'approve' && input.rebased?.has(approvedSpanKey(st)))
      )
        continue;
      // Each statement once. One that could pass the key check is compared by its whole line, never by signature
      // alone (a forged statement carrying a copy of a real signature must not shadow the real statement, say a
      // rejection, that follows it): a copy written differently is not checked twice. Junk that names no listed
      // key can be refused without cryptography, and is only compared by identity (shared parses).
      if (seenObjects.has(signed)) continue;
      seenObjects.add(signed);
      if (input.keys.plausible?.(signed) !== false) {
        const key = formatStatementLine(signed);
        if (seen.has(key)) continue;
        seen.add(key);
      } else if (refused.length >= MAX_NAMED_IGNORED) {
        // It cannot pass the check, and only the first refusals are named: counted, never checked. 40,000 junk
        // lines each built a refusal (its reason text, a memo entry) that no one read (perf17: ~10 µs a line).
        refusedCount++;
        continue;
      }
      const v = input.keys.check(signed);
      if (v.ok) verified.push({ signed, reviewer: v.reviewer, fingerprint: v.fingerprint });
      else {
        refusedCount++;
        if (refused.length < MAX_NAMED_IGNORED) refused.push({ signed, why: v.why });
      }
    }

    // Coverage once per valid statement (linear in what it reaches), then looked up per commit.
    for (const v of verified) {
      const st = v.signed.statement;
      const cov = statementCoverage(st, range);
      const copies = st.decision === 'approve' ? input.rebased?.get(approvedSpanKey(st)) : undefined;
      const extra: Iterable<[string, CoverageVia]> =
        st.decision === 'reject' ? (reach[approvedSpanKey(st)] ?? []).map((sha) => [sha, 'tip']) : (copies ?? []);
      // A history's rebased copy is a span like any other: its steps count only where nothing else is built on them.
      const strays = copies ? stepsBuiltOnElsewhere(range, copies.keys()) : undefined;
      for (const [sha, via] of extra) {
        if (cov.covered.has(sha) || strays?.has(sha)) continue;
        cov.covered.set(sha, via);
        cov.not.delete(sha);
      }
      const withdrawn = st.decision === 'approve' ? input.withdrawn?.[withdrawalKey(st)] : undefined;
      for (const [sha, via] of cov.covered)
        if (withdrawn) push(this.refusedBy, sha, withdrawn);
        else push(this.covering, sha, { statement: v, via });
      if (st.decision !== 'approve') continue;
      for (const [sha, why] of cov.not)
        push(this.notCoveringBy, sha, {
          statement: v,
          why: `approval by ${personLabel(v.reviewer)} on ${shortSha(st.tip)} does not cover this commit: ${why}`,
        });
    }
    // Thousands of junk lines must not cost thousands of walks, nor bury the reasons that matter.
    for (const r of refused) {
      for (const sha of statementCoverage(r.signed.statement, range).covered.keys()) {
        push(this.refusedCovering, sha, r);
        push(
          this.refusedBy,
          sha,
          `${r.signed.statement.decision} by ${r.signed.statement.reviewer.email} on ${shortSha(r.signed.statement.tip)} does not count: ${r.why}`,
        );
      }
    }
    if (refusedCount > MAX_NAMED_IGNORED) {
      this.notices.push(
        `${refusedCount} statements on this push's commits do not count (not signed by the key of the reviewer they name); the first ${MAX_NAMED_IGNORED} are named on the commits they would cover.`,
      );
    }
    this.unreadableBy = unreadableAncestry(input.statementErrors, range);
  }

  /**
   * Every statement found that covers the commit, for `explain`: the valid ones (whether they count is
   * forCommit's answer) and those refused by the signature check (the first few), with why.
   */
  statementsOn(sha: string): { valid: CheckedStatement[]; refused: Array<{ signed: SignedStatement; why: string }> } {
    return {
      valid: (this.covering.get(sha) ?? []).map((c) => c.statement),
      refused: this.refusedCovering.get(sha) ?? [],
    };
  }

  /** The standing of one commit of the range. */
  forCommit(c: CommitPeople & { sha: string }): CommitStanding {
    const counted = countApprovals(c, this.covering.get(c.sha) ?? []);
    const unreadable = this.unreadableBy.get(c.sha);
    // A reviewer with another statement covering the commit (it counts, or their rejection holds it) has had
    // their say on it: an approval of theirs that does not reach it adds nothing, and naming it beside "approved
    // by them (counted)" told the author to get it again (newuser16 F7, a merge of main into a reviewed branch).
    const covering = this.covering.get(c.sha) ?? [];
    const spoken = (s: CheckedStatement) =>
      covering.some(
        ({ statement: o }) => o.fingerprint === s.fingerprint || samePerson(o.reviewer.email, s.reviewer.email),
      );
    const notCovering = (this.notCoveringBy.get(c.sha) ?? []).filter((n) => !spoken(n.statement)).map((n) => n.why);
    const ignored = [...(this.refusedBy.get(c.sha) ?? []), ...notCovering];
    // The next step, since this reviewer can never approve this commit: newuser14 S7 was told to ask her again.
    // A committer who is not the author (she rebased it) stops being one when the author rebases it instead.
    for (const { reviewer, as } of counted.selfApprovals)
      ignored.push(
        `approval by ${personLabel(reviewer)} does not count: they ${as} this commit (two-person rule) — ${nextStep(as, c)}`,
      );
    // Asked per commit, not at construction: the reading's checks (gateInput, vouchedTip) may come after it.
    const skipped = this.keys.unchecked?.() ?? 0;
    if (skipped > 0) {
      // Any unchecked statement could be a rejection, of this commit or one reaching it from outside the range
      // (whose reach git is never asked for an unverified statement): none counts, so nothing is dropped.
      const unchecked = uncheckedReason(c.sha, skipped);
      return { ...counted, approvals: [], ignored, unchecked, ...(unreadable ? { unreadable } : {}) };
    }
    return { ...counted, ignored, ...(unreadable ? { unreadable } : {}) };
  }
}

/**
 * The standing of a gate input's statements, as the gate reads it (core/gate.ts) — and as git/vouchedTip.ts reads
 * it for an approved tip whose span the gate passed, since the gate asks nothing of commits that need no review
 * (a reviewed point is a tip with a counting approval and no request for changes, whatever it needed).
 */
export function gateStanding(input: GateInput, policy: Policy): StatementStanding {
  return new StatementStanding({
    range: new RangeIndex(input.commits, input.reviewBase, input.baseReach, input.approvedPatches, input.replayedTrees),
    keys: new ReviewerKeys(policy, input.verify),
    statements: input.statements,
    statementErrors: input.statementErrors,
    ...(input.rejectionReach ? { rejectionReach: input.rejectionReach } : {}),
    ...(input.withdrawn ? { withdrawn: input.withdrawn } : {}),
  });
}

/** Why no approval of `sha` counts once statements went unchecked, and the fix (the read budget's, approvalNotes.ts). */
export function uncheckedReason(sha: string, skipped: number): string {
  const ref = 'refs/notes/countersign';
  return `approvals of ${shortSha(sha)} were not checked: ${ref} here has over ${MAX_FAILED_SIGNATURE_CHECKS} statements failing a listed reviewer's signature check (junk from a fork or a crafted clone), so ${skipped} went unchecked and any could be a rejection — fix: replace this clone's notes with the server's (\`git update-ref -d ${ref} && git fetch origin +${ref}:${ref}\`) or ask the admin to remove the junk`;
}

/** What to do when a reviewer's approval does not count for the commit being theirs (`as`). */
function nextStep(as: SelfReview, c: CommitPeople): string {
  const unnamed = c.headerProblem === undefined ? missingAddress(c) : undefined;
  if (as === 'may have authored or committed' && unnamed !== undefined)
    return `it ${unnamed}, so nobody can be shown not to be its author or committer: no approval counts until it is re-created — fix: ${NO_ADDRESS_FIX}`;
  if (as === 'may have authored or committed')
    return 'its header is unreadable, so nobody can be shown not to be its author or committer: no approval counts until the commit is re-created (see why it needs review)';
  return `ask another reviewer who may approve it${as === 'committed' ? ', or have its author rebase it' : ''}`;
}

/**
 * For each commit of the range, the unreadable statement lines on it or on a descendant in the range (they
 * could be rejections). One walk over the range in all: an ancestor already reached needs no second walk,
 * since its own ancestors were reached with it; it names the errors of the nearest noted commit.
 */
function unreadableAncestry(
  errors: StandingInput['statementErrors'],
  range: RangeIndex,
): Map<string, { shown: StandingInput['statementErrors']; more: number }> {
  const byAnchor = new Map<string, StandingInput['statementErrors']>();
  for (const e of errors) if (range.byId.has(e.attachedTo)) push(byAnchor, e.attachedTo, e);
  const out = new Map<string, { shown: StandingInput['statementErrors']; more: number }>();
  const total = [...byAnchor.values()].reduce((n, l) => n + l.length, 0);
  // Newest first: a commit names its own unreadable lines, else those of its nearest noted descendant.
  for (const c of [...range.commits].reverse()) {
    const own = byAnchor.get(c.sha);
    if (!own) continue;
    const shown = own.slice(0, MAX_UNREADABLE_SHOWN);
    const entry = { shown, more: total - shown.length };
    const walked = out.has(c.sha);
    out.set(c.sha, entry);
    if (walked) continue;
    const stack = [...(range.byId.get(c.sha)?.parents ?? [])];
    while (stack.length > 0) {
      const id = stack.pop() as string;
      const rc = range.byId.get(id);
      if (!rc || out.has(id)) continue;
      out.set(id, entry);
      stack.push(...rc.parents);
    }
  }
  return out;
}
