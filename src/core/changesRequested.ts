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
