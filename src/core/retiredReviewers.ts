import type { Policy, Reviewer } from './policy';
import { personKey, samePerson } from './person';
import { keyIdentity } from './sshKeyIdentity';

/**
 * Keys a reviewer held on earlier revisions of the policy but no longer holds (rotated, or the reviewer was
 * dropped). Why they matter: a request for changes is signed once, with the key listed then. Were it checked only
 * against today's keys, rotating or dropping a key would silently lift every rejection it ever signed, and a
 * rejected change could land with another reviewer's approval (attack17, "dropped rejections"). So a rejection
 * also counts when a retired key of the reviewer it names verifies it — never an approval: a retired key may have
 * been rotated because it leaked, and a leaked key can then only hold changes back, never let one through.
 *
 * The list belongs to one policy object (read from one revision of the policy branch) and is attached to it once
 * read (git/retiredReviewerKeys.ts), so every ReviewerKeys built on that policy — the gate's, TipJudge's,
 * explain's — sees the same keys without each caller passing them along.
 */
const retired = new WeakMap<Policy, readonly Reviewer[]>();

export function retiredReviewersOf(policy: Policy): readonly Reviewer[] | undefined {
  return retired.get(policy);
}

export function setRetiredReviewers(policy: Policy, list: readonly Reviewer[]): void {
  retired.set(policy, list);
}

/**
 * The reviewer entries of `earlier` policies (newest first) whose key is not a key `current` lists for the same
 * person: each retired key once, with the newest entry that listed it.
 */
export function retiredFrom(current: Policy, earlier: readonly Policy[]): Reviewer[] {
  const seen = new Set<string>();
  const out: Reviewer[] = [];
  for (const p of earlier) {
    for (const r of p.reviewers) {
      const id = keyIdentity(r.key);
      if (!id) continue;
      const stillHeld = current.reviewers.some((c) => samePerson(c.email, r.email) && keyIdentity(c.key) === id);
      const key = `${id} ${personKey(r.email)}`;
      if (stillHeld || seen.has(key)) continue;
      seen.add(key);
      out.push(r);
    }
  }
  return out;
}
