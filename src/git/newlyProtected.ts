import { evaluateGate, type GateInput } from '../core/gate';
import { isProtected, POLICY_FILE, type Policy } from '../core/policy';
import { literalGlob, protectingPolicyBranch } from '../core/policyBranchProtection';
import { shortSha } from '../core/shortSha';
import { readPolicyFrom } from './policyRead';

/** The tags after a push, or (a server) a reader of those `wanted` keeps, each with the commit it names. */
export type TagsAfterPush =
  | ReadonlyArray<{ ref: string; commit: string | undefined }>
  | ((wanted: (ref: string) => boolean) => Promise<ReadonlyArray<{ ref: string; commit: string | undefined }>>);

/** Existing branches and tags one policy change may bring under protection, each judged as a new protected ref. */
export const MAX_NEWLY_PROTECTED = 20;

/**
 * Why a change of the policy on the policy branch may not land as it is, if it protects existing branches whose
 * values the gate would refuse as new protected branches (outside tester, session 11, L8). A protected branch's
 * tip counts as a state the gate judged (a tag there is free, a new ref meeting it is not judged past it), which
 * holds for values pushed while the branch was protected, not for a branch that existed before a policy change
 * started protecting its name: a keyless pusher parked an empty child of a rejected draft on `hotfix/2.0`, the
 * team approved a one-glob change protecting `hotfix/*`, and the draft's tree became a trusted protected tip.
 * So the change is judged with each branch it newly protects (the new policy protects it, the current one does
 * not) as a push creating that branch at its value, under the current policy protecting it too (no push chooses
 * the policy that judges it). Tags likewise (attack13 M6: with `protectedTags: ["rel-*"]`, a tag v2.0 parked at
 * a rejected draft became a protected, never judged and undeletable tag when an approved change added `v*`, or
 * when one drops `protectedTags`): each tag the change newly protects is judged as a new protected tag at its
 * commit.
 *
 * The refs are those there will be AFTER the push (`others`, `tags`: the caller's listing with this push's
 * creations and updates applied and its deletions removed). Read before the push, a ref the same push created
 * was judged under the current policy (unprotected) and never here, so one atomic push of the approved change
 * with `E:refs/tags/v2.0` made a protected, never judged tag (attack14 N2); and a push deleting parked refs
 * together with the change still counted them (N4). The other refs of that push are judged under the current
 * policy as usual, which is what they would get pushed just before the change; only what the change newly
 * protects needs the new policy's view. The server lists its branches and tags; pre-push lists the remote's
 * branches and the push's own tags; verify, judging one ref, the remote's branches.
 *
 * A ref at a protected branch's tip (`judgedTips`, before the push) needs no judgement: the gate lets a new
 * protected ref there pass on that alone. The rest are judged once per kind and commit (a verdict names no
 * ref: the policy, the approvals and the commits are the same), so refs parked at one commit cost one
 * judgement. Past MAX_NEWLY_PROTECTED judgements the change is refused (fail closed). Undefined when nothing
 * stands in the way.
 */
export async function newlyProtectedRefusal(
  cwd: string,
  o: {
    /** The policy branch and its proposed value. */
    branch: string;
    head: string;
    policy: Policy;
    /** The branches there will be after the push. */
    others: ReadonlyArray<{ branch: string; sha: string }>;
    /** The tags (full refs) there will be after the push and the commit each names (undefined: none). */
    tags?: TagsAfterPush;
    /** The tips of the branches the current policy protects, before the push. */
    judgedTips: ReadonlyArray<string>;
    /** The gate's input for creating `branch` at `sha` under `policy` (gateInput.gatherGateInput). */
    judgeNew: (branch: string, sha: string, policy: Policy) => Promise<GateInput>;
  },
): Promise<string | undefined> {
  const next = await readPolicyFrom(cwd, [{ rev: o.head, label: `${o.branch} at ${shortSha(o.head)}` }]);
  if (next.kind !== 'ok') return undefined; // an unreadable policy is refused on its own (policyBranch.ts)
  const newlyNamed = (ref: string) => isProtected(next.policy, ref) && !isProtected(o.policy, ref);
  const judged = new Set(o.judgedTips);
  // A server lists its tags only when asked, and only those the change newly protects (serverRefs.ts, attack17 Q1):
  // none while the current policy protects every tag.
  const tags =
    typeof o.tags !== 'function'
      ? o.tags
      : o.policy.protectedTags === undefined
        ? []
        : await o.tags((ref) => Boolean(newlyNamed(ref)));
  const newly = [
    ...o.others
      .filter((b) => b.branch !== o.branch && newlyNamed(b.branch))
      .map((b) => ({ name: b.branch, sha: b.sha as string | undefined, tag: false })),
    ...(tags ?? []).filter((t) => newlyNamed(t.ref)).map((t) => ({ name: t.ref, sha: t.commit, tag: true })),
  ].filter((b) => b.sha === undefined || !judged.has(b.sha));
  if (newly.length === 0) return undefined;
  // One judgement per kind and commit; a ref naming no commit is refused by name.
  const groups = new Map<string, typeof newly>();
  for (const b of newly) {
    const key = b.sha === undefined ? `none ${b.name}` : `${b.tag ? 'tag' : 'branch'} ${b.sha}`;
    groups.set(key, [...(groups.get(key) ?? []), b]);
  }
  if (groups.size > MAX_NEWLY_PROTECTED) {
    const names = newly.slice(0, 10).map((b) => b.name);
    return `this change to ${POLICY_FILE} protects ${newly.length} existing branches and tags at ${groups.size} commits no protected branch ends at (${names.join(', ')}${newly.length > 10 ? ', …' : ''}), more than the gate judges in one push (${MAX_NEWLY_PROTECTED} commits); protect them in parts, or delete the ones not needed in the same push (\`git push --atomic origin <change>:${o.branch} :refs/heads/NAME …\`: refs this push deletes are not counted) or point them at a protected branch's tip`;
  }
  const refused: string[] = [];
  for (const group of groups.values()) {
    const [b] = group;
    const names =
      group.length > 3
        ? `${group
            .slice(0, 3)
            .map((g) => g.name)
            .join(', ')} and ${group.length - 3} more`
        : group.map((g) => g.name).join(', ');
    if (b.sha === undefined) {
      refused.push(`${names} (names no commit the gate can judge)`);
      continue;
    }
    const policy = b.tag ? protectingTag(o.policy, b.name) : protectingPolicyBranch(o.policy, b.name);
    const result = evaluateGate(await o.judgeNew(b.name, b.sha, policy));
    if (result.ok) continue;
    const why = [
      ...result.errors,
      ...result.commits.filter((c) => !c.ok).map((c) => `${shortSha(c.sha)}: ${c.reasons.join('; ')}`),
    ];
    refused.push(`${names} (at ${shortSha(b.sha)}: ${why.slice(0, 3).join(' / ')})`);
  }
  if (refused.length === 0) return undefined;
  return `this change to ${POLICY_FILE} protects branches or tags whose values the gate never judged and would refuse as new protected refs: ${refused.join('; ')}; delete them or point them at a reviewed commit first or in the same push (\`git push --atomic\`), or have their commits approved, then push the change again`;
}

/** `policy` also protecting the tag `ref` (refs/tags/NAME), by its literal name. */
function protectingTag(policy: Policy, ref: string): Policy {
  const tag = literalGlob(ref.slice('refs/tags/'.length));
  return { ...policy, protectedTags: [...(policy.protectedTags ?? []), tag] };
}
