import type { StandingRejection } from './approvalDecision';
import { personLabel } from './approvalRules';
import { shortSha } from './shortSha';

/**
 * What a standing request for changes means, for the readers of a result whose commits it holds
 * (`heldByChangesRequest`) to say once — the gate's text, review, explain — not under each commit. Statements are
 * about changes, so unlike a forge's "changes requested" it does not follow the branch to a revision whose patch
 * differs (newuser12 P3); it does follow the same patch amended or rebased, by patch-id, and said otherwise it was
 * wrong exactly where it held (newuser16 F6). The sentence says what the gate keeps, no more and no less.
 */
export const CHANGES_REQUESTED_RULE =
  'A request for changes holds every commit it was made on (its base..tip) until the reviewer who made it approves them again, or a later tip built on them, whatever others approve; it follows the same change (patch) to an amended or rebased copy, but a revision whose change (patch) differs is a new change that the request does not hold, so ask that reviewer to look at the new revision.';

/** Whether any commit of `commits` is held by someone else's standing request for changes. */
export function heldByChangesRequest(commits: Array<{ changesRequested?: unknown[] }>): boolean {
  return commits.some((c) => (c.changesRequested?.length ?? 0) > 0);
}

/**
 * What the standing requests for changes on one commit say in the gate's decision: a reason each (an author's own
 * request is lifted by their withdrawal, anyone else's by their approval) and, for others' requests, who asked.
 */
export function heldBy(rejections: StandingRejection[]): {
  reasons: string[];
  requested: Array<{ name?: string; email: string; comment?: string }>;
} {
  const reasons: string[] = [];
  const requested: Array<{ name?: string; email: string; comment?: string }> = [];
  for (const { reject, voided, own } of rejections) {
    const st = reject.signed.statement;
    if (!own)
      requested.push({
        ...(reject.reviewer.name ? { name: reject.reviewer.name } : {}),
        email: reject.reviewer.email,
        ...(st.comment ? { comment: st.comment } : {}),
      });
    const comment = st.comment ? `: "${st.comment}"` : '';
    const who = reject.reviewer.name ?? reject.reviewer.email;
    // A standing request for changes holds the commits it is about whatever other approvals say, until that
    // reviewer approves again: saying so saves a reviewer's round trip. The rest of what it means (it does not
    // follow a rewritten revision, newuser12 P3) is CHANGES_REQUESTED_RULE, said once per report by its readers:
    // under each commit it holds, ~350 characters buried the reviewer's comment (newuser15 #7).
    // On their own commit no approval of theirs counts, so the way out is the withdrawal `approve --force` records.
    reasons.push(
      own
        ? `${personLabel(reject.reviewer)} requested changes on ${shortSha(st.tip)}, a commit they ${own}, at ${st.time}${comment} — it holds the commit until ${who} withdraws it: ${who} runs \`countersign approve ${st.tip} --force\` (it lifts the request for changes; it does not count as an approval)`
        : `${personLabel(reject.reviewer)} requested changes on ${shortSha(st.tip)} at ${st.time}${comment}${voided ? ' (after approving; the approval no longer counts)' : ''} — it holds this commit until ${who} approves it again, whatever others approve`,
    );
  }
  return { reasons, requested };
}
