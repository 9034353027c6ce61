import { evaluateGate, type GateInput } from '../core/gate';
import { isProtected, POLICY_FILE, type Policy } from '../core/policy';
import { literalGlob, protectingPolicyBranch } from '../core/policyBranchProtection';
import { shortSha } from '../core/shortSha';
import { readPolicyFrom } from './policyRead';

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
 * the policy that judges it). The policy branch's view of the other branches is the caller's (`otherBranches`:
 * the server's own refs; the remote's for verify and pre-push), so the three agree. Tags likewise (attack13 M6:
 * with `protectedTags: ["rel-*"]`, a tag v2.0 parked at a rejected draft became a protected, never judged and
 * undeletable tag when an approved change added `v*`, or when one drops `protectedTags`): each existing tag the
 * change newly protects is judged as a new protected tag at its commit. Only the server passes its tags
 * (`tags`); verify and pre-push do not list the remote's, so there the server alone refuses. Past
 * MAX_NEWLY_PROTECTED refs in all, the change is refused (fail closed). Undefined when nothing stands in the way.
 */
export async function newlyProtectedRefusal(
  cwd: string,
  o: {
    /** The policy branch and its proposed value. */
    branch: string;
    head: string;
    policy: Policy;
    others: ReadonlyArray<{ branch: string; sha: string }>;
    /** Existing tags (full refs) and the commit each names (undefined: none, or a tag of a tag). */
    tags?: ReadonlyArray<{ ref: string; commit: string | undefined }>;
    /** The gate's input for creating `branch` at `sha` under `policy` (gateInput.gatherGateInput). */
    judgeNew: (branch: string, sha: string, policy: Policy) => Promise<GateInput>;
  },
): Promise<string | undefined> {
  const next = await readPolicyFrom(cwd, [{ rev: o.head, label: `${o.branch} at ${shortSha(o.head)}` }]);
  if (next.kind !== 'ok') return undefined; // an unreadable policy is refused on its own (policyBranch.ts)
  const newlyNamed = (ref: string) => isProtected(next.policy, ref) && !isProtected(o.policy, ref);
  const newly = [
    ...o.others
      .filter((b) => b.branch !== o.branch && newlyNamed(b.branch))
      .map((b) => ({
        name: b.branch,
        sha: b.sha as string | undefined,
        policy: protectingPolicyBranch(o.policy, b.branch),
      })),
    ...(o.tags ?? [])
      .filter((t) => newlyNamed(t.ref))
      .map((t) => ({ name: t.ref, sha: t.commit, policy: protectingTag(o.policy, t.ref) })),
  ];
  if (newly.length === 0) return undefined;
  if (newly.length > MAX_NEWLY_PROTECTED) {
    const names = newly.slice(0, 10).map((b) => b.name);
    return `this change to ${POLICY_FILE} protects ${newly.length} existing branches and tags (${names.join(', ')}${newly.length > 10 ? ', …' : ''}), more than the gate judges in one push (${MAX_NEWLY_PROTECTED}); protect them in parts, or delete the ones not needed first`;
  }
  const refused: string[] = [];
  for (const b of newly) {
    if (b.sha === undefined) {
      refused.push(`${b.name} (names no commit the gate can judge)`);
      continue;
    }
    const result = evaluateGate(await o.judgeNew(b.name, b.sha, b.policy));
    if (result.ok) continue;
    const why = [
      ...result.errors,
      ...result.commits.filter((c) => !c.ok).map((c) => `${shortSha(c.sha)}: ${c.reasons.join('; ')}`),
    ];
    refused.push(`${b.name} (at ${shortSha(b.sha)}: ${why.slice(0, 3).join(' / ')})`);
  }
  if (refused.length === 0) return undefined;
  return `this change to ${POLICY_FILE} protects existing branches or tags whose values the gate never judged and would refuse as new protected refs: ${refused.join('; ')}; delete them or point them at a reviewed commit first (or have their commits approved), then push the change again`;
}

/** `policy` also protecting the tag `ref` (refs/tags/NAME), by its literal name. */
function protectingTag(policy: Policy, ref: string): Policy {
  const tag = literalGlob(ref.slice('refs/tags/'.length));
  return { ...policy, protectedTags: [...(policy.protectedTags ?? []), tag] };
}
