import { isProtected, POLICY_FILE, type Policy } from './policy';

/**
 * What to do when the policy on the policy branch cannot be read (the gate then fails closed, the fix included):
 * one wording for verify, pre-push and doctor on a client. It covers both kinds of team, since a client cannot
 * tell them apart for sure: on GitHub or GitLab the gate is a required CI check and there is no server repository
 * to run `install --server --recover` in (newuser10 N18), so an administrator merges the fix past the check; on a
 * self-hosted server with the pre-receive hook, the administrator's one-time grant lets it through.
 */
export function invalidPolicyFix(): string {
  return (
    `fix: correct ${POLICY_FILE} on the policy branch in a commit of its own (a fix needs review like any policy change). ` +
    'While the policy there cannot be read the gate refuses the fix too, so an administrator lets that one commit through: ' +
    'on GitHub or GitLab (the gate is a required CI check), push the fix to a branch the last readable policy did ' +
    'not protect (where the history holds no readable one, the pre-push hook holds every push: `git push --no-verify`) ' +
    'and open a pull or merge request; ' +
    'an administrator merges it past the required check (GitHub: "bypass branch protections" or a ruleset bypass; ' +
    'GitLab: a Maintainer merges it with "Pipelines must succeed" turned off for it). ' +
    "On a self-hosted server with Countersign's pre-receive hook, an administrator runs " +
    "`countersign install --server --recover` in the server's repository, then you push the fix"
  );
}

/**
 * Which refs the server's gate refuses while the policy on its policy branch cannot be read (docs/design.md,
 * "Policy"; newuser12 P5): the policy branch, and what the policy the server remembers protected; when it
 * remembers none, what is protected is unknown, so every branch and tag. Clients remember none: verify and
 * pre-push take the newest readable policy in the policy branch's history (src/git/unreadablePolicyScope.ts, as
 * install --server seeds the server's), so the three agree where it matters.
 */
export function closedWhileUnreadable(remembered: Policy | undefined, ref: string, policyBranch: boolean): boolean {
  return policyBranch || remembered === undefined || isProtected(remembered, ref) !== undefined;
}

/** closedWhileUnreadable in words, for install --server, doctor and the gate's refusal. */
export function closedWhileUnreadableText(remembered: Policy | undefined, branch: string): string {
  if (!remembered) return 'every push to a branch or tag is refused (what is protected is unknown)';
  const tags =
    remembered.protectedTags === undefined
      ? ['every tag']
      : remembered.protectedTags.length
        ? [`tags ${remembered.protectedTags.join(', ')}`]
        : [];
  const all = [...new Set([branch, ...remembered.protectedBranches]), ...tags];
  return `pushes to ${all.length > 1 ? `${all.slice(0, -1).join(', ')}, and ${all[all.length - 1]}` : all[0]}`;
}
