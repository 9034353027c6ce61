import { TAG_PREFIX, type Policy } from './policy';
import type { GateInput } from './gate';

/**
 * Why a change of a protected branch or tag is refused outright, before any of its commits is judged, or
 * undefined (docs/design.md, "The policy"). `pattern` is the one that protects the ref; `from` names the policy.
 * - Deleting it: what it names would be gone without a trace; an administrator deletes on the server.
 * - Moving a protected tag that exists (attack17 Q3): a keyless `git push -f origin v1.0.0` moved the published
 *   release tag forward to main's tip, and every pipeline deploying by tag shipped code never released under that
 *   name. A protected tag is immutable, as forges' protected tags are, unless the policy sets `allowTagMoves`
 *   (gateInput.ts then judges a forward move like a new tag, and a move back as a rewind, below).
 * - A non-fast-forward (a branch rewound, a tag moved back): what it drops would vanish unreviewed, unless the
 *   policy sets `allowForcePushes` (then judged, with what it drops counted as deleted).
 */
export function protectedRefChangeRefusal(
  input: GateInput,
  policy: Policy,
  pattern: string,
  from: string,
): string | undefined {
  const tag = input.branch.startsWith(TAG_PREFIX);
  const what = tag ? `tag ${input.branch.slice(TAG_PREFIX.length)}` : `branch ${input.branch}`;
  if (input.head === undefined)
    return `deleting the protected ${what} is not allowed (it matches "${pattern}" in ${from}); an administrator can delete it on the server.`;
  if (input.tagMove && !policy.allowTagMoves)
    return `moving the protected ${what} is not allowed (it matches "${pattern}" in ${from}): a published tag names one release for good, and pipelines and installs pinned to it would get other code (allowTagMoves is not set); push a new tag for the new commit instead, or an administrator moves it on the server.`;
  if (input.rewind && !policy.allowForcePushes) {
    const refused = `a non-fast-forward update of the protected ${what} is not allowed: it would drop ${input.rewind.dropped} commit(s) already on it (allowForcePushes is not set in ${from})`;
    // A head already on the branch adds nothing: most often a clone that is only behind (newuser24 F13), where
    // reverting is the wrong advice.
    if (input.rewind.carrier && !tag)
      return `${refused}; the head is already on ${input.branch}, so there is nothing of yours to push: if your branch is only behind, \`git pull\` brings those commits in; to take them out, push a commit that reverts them.`;
    return `${refused}; push a commit that reverts what you want gone instead, which is judged like any other change.`;
  }
  return undefined;
}
