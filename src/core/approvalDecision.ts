import type { SignedStatement } from './approvalStatement';
import { selfReview, type CommitPeople, type CoverageVia, type SelfReview } from './approvalRules';
import { reviewerPeople } from './person';
import type { Reviewer } from './policy';

/**
 * The decision per commit (docs/design.md, "Approvals"), from the statements approvalRules.ts found valid and
 * covering it: per reviewer the latest approval and rejection, the rejection rule, and the two-person rule.
 * Split out of approvalRules.ts (which checks statements and their coverage) so neither is over 400 lines.
 */
export interface CheckedStatement {
  signed: SignedStatement;
  reviewer: Reviewer;
  fingerprint: string;
}

export interface CountedApproval extends CheckedStatement {
  via: CoverageVia;
}

/**
 * The rejection rule, for the gate, `report`, `explain` and the panel alike: a reviewer's latest approval
 * stands unless their latest rejection is at or after it (times in ms; undefined = none).
 */
export function approvalStands(approvedAt: number | undefined, rejectedAt: number | undefined): boolean {
  return approvedAt !== undefined && (rejectedAt === undefined || rejectedAt < approvedAt);
}

/**
 * A request for changes that holds a commit. `own` is set when the reviewer authored or committed the commit:
 * it is then the author withdrawing their own change, and it stands like any rejection (fail closed) until the
 * author's own later statement on it — an approval they record with `approve --force`, which lifts the
 * rejection and is not itself counted (two-person rule).
 */
export interface StandingRejection {
  reject: CheckedStatement;
  voided?: CheckedStatement;
  own?: SelfReview;
}

/**
 * The approvals that count for one commit, from the valid statements covering it: per reviewer the latest
 * approval and the latest rejection; a rejection at or after the approval voids it; a reviewer who authored
 * or committed the commit does not count.
 */
export function countApprovals(
  commit: CommitPeople,
  covering: Array<{ statement: CheckedStatement; via: CoverageVia }>,
): {
  approvals: CountedApproval[];
  rejections: StandingRejection[];
  selfApprovals: Array<{ reviewer: Reviewer; as: SelfReview }>;
} {
  // Per reviewer: the latest approval and the latest rejection covering the commit, however each reaches it
  // (its span, its tip, or a rebase/copy that kept the patch-id). DESIGN, "The gate": an approval counts only with
  // "no later rejection by the same reviewer" — so the later of the two wins. Session 8's H7 fix let a rejection
  // carried by patch-id never void an exact approval, and so a request for changes on a reworded revision was
  // dodged by pushing the approved one (outside tester, session 9, I2). An older rejection of a copy still does
  // not void a newer approval: a reviewer who rejected a duplicate and then approves the original lands it.
  // "Per reviewer" is per person: one email, or one key under several emails, is one person (person.reviewerPeople).
  type Slot = { approve?: CountedApproval; reject?: CheckedStatement; emails: Set<string> };
  const byReviewer = new Map<string, Slot>();
  const personOf = reviewerPeople(covering.map((c) => c.statement.reviewer));
  const later = (a: CheckedStatement | undefined, time: number) => !a || Date.parse(a.signed.statement.time) < time;
  for (const { statement: v, via } of covering) {
    const k = personOf(v.reviewer);
    const slot = byReviewer.get(k) ?? { emails: new Set<string>() };
    slot.emails.add(v.reviewer.email);
    const time = Date.parse(v.signed.statement.time);
    if (v.signed.statement.decision === 'approve') {
      if (later(slot.approve, time)) slot.approve = { ...v, via };
    } else if (later(slot.reject, time)) slot.reject = v;
    byReviewer.set(k, slot);
  }
  const approvals: CountedApproval[] = [];
  const rejections: StandingRejection[] = [];
  const selfApprovals: Array<{ reviewer: Reviewer; as: SelfReview }> = [];
  for (const slot of byReviewer.values()) {
    const { approve } = slot;
    const reject =
      slot.reject &&
      !approvalStands(
        approve && Date.parse(approve.signed.statement.time),
        Date.parse(slot.reject.signed.statement.time),
      )
        ? slot.reject
        : undefined;
    // The person authored or committed it under any of their listed addresses.
    const selfAs = () => [...slot.emails].map((e) => selfReview(e, commit)).find((x) => x !== undefined);
    if (reject) {
      const own = selfAs();
      rejections.push({ reject, ...(approve ? { voided: approve } : {}), ...(own ? { own } : {}) });
      continue;
    }
    if (!approve) continue;
    const self = selfAs();
    if (self) selfApprovals.push({ reviewer: approve.reviewer, as: self });
    else approvals.push(approve);
  }
  return { approvals, rejections, selfApprovals };
}

/** What a commit's tiers ask of its approvals (core/reviewNeed.ts ReviewNeed): how many people, and which roles. */
export interface ApprovalNeed {
  approvals: number;
  roles: readonly string[];
}

/**
 * What `approvers` (one per person, as countApprovals counts them) lack of `need`: how many approvals short, and
 * the roles none of them has; undefined when they meet it. The one rule for a tier's count and roles: the gate's
 * verdict on a commit (gate.ts), and whether a reviewed point's tip meets the deletion tiers, so that it restarts
 * their count (git/reviewedPoint.ts: two reviewers without the tier's role restarted it, so a sliced mass deletion
 * never reached the role).
 */
export function unmetNeed(
  need: ApprovalNeed,
  approvers: ReadonlyArray<{ role?: string }>,
): { short: number; roles: string[] } | undefined {
  const short = Math.max(0, need.approvals - approvers.length);
  const roles = need.roles.filter((role) => !approvers.some((a) => a.role === role));
  return short > 0 || roles.length > 0 ? { short, roles } : undefined;
}
