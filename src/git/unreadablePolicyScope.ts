import type { PolicySource } from '../core/gate';
import { checkPolicy, POLICY_FILE, type Policy } from '../core/policy';
import { closedWhileUnreadable } from '../core/policyRecovery';
import { shortSha } from '../core/shortSha';
import { policyTextAt } from './policyBranch';
import { runGit } from './gitRunner';

/** How many commits that changed the policy are read looking for a readable one: beyond, none is found (closed). */
export const POLICY_HISTORY_CANDIDATES = 100;

/**
 * The newest readable `.countersign.json` in the first-parent history of `tip` (a policy branch whose policy at
 * `tip` cannot be read), and the commit that last carried it: the first parent of the change after it (the commit
 * before the breakage). Bounded: at most 100 policy changes are read.
 */
export async function newestReadablePolicy(
  cwd: string,
  tip: string,
): Promise<{ commit: string; text: string; policy: Policy } | undefined> {
  const log = await runGit(
    ['log', '--first-parent', `-n${POLICY_HISTORY_CANDIDATES}`, '--format=%H', tip, '--', POLICY_FILE],
    {
      cwd,
      okCodes: [128],
    },
  );
  let newer: string | undefined;
  for (const changed of log.stdout.split('\n').filter(Boolean)) {
    const text = await policyTextAt(cwd, changed);
    const policy = typeof text === 'string' ? checkPolicy(text, POLICY_FILE).policy : undefined;
    if (typeof text === 'string' && policy) {
      const commit = newer ? (await runGit(['rev-parse', `${newer}^1`], { cwd })).stdout.trim() : changed;
      return { commit, text, policy };
    }
    newer = changed;
  }
  return undefined;
}

/**
 * While the policy on the policy branch cannot be read, the gate fails closed for the policy branch and for every
 * ref the last readable policy protected; other refs are not held hostage (docs/design.md, "The policy"). The
 * server remembers that policy (serverPolicyState.ts); pre-push and `verify` read it from the policy branch's
 * history, as `install --server` seeds it, so they agree with the server (newuser24 F11: pre-push held a new
 * feature branch, the fix branch a recovery needs, which the server accepted). Returns the policy to judge `ref`
 * by: the unreadable one (closed) unless a last readable policy exists and does not protect `ref`; then that one,
 * under which `ref` is unprotected. One history read per scope, however many refs a push names.
 */
export function unreadablePolicyScope(
  cwd: string,
): (
  source: PolicySource,
  o: { tip: string | undefined; policyBranch: string | undefined; ref: string },
) => Promise<PolicySource> {
  let last: Promise<Awaited<ReturnType<typeof newestReadablePolicy>>> | undefined;
  return async (source, o) => {
    if (source.kind !== 'error' || o.tip === undefined || o.policyBranch === undefined) return source;
    if (o.ref === o.policyBranch) return source;
    last ??= newestReadablePolicy(cwd, o.tip);
    const found = await last;
    if (!found || closedWhileUnreadable(found.policy, o.ref, false)) return source;
    return {
      kind: 'ok',
      policy: found.policy,
      from: `the last readable ${source.from}, at ${shortSha(found.commit)} (the one at its tip cannot be read; what this one protected stays closed)`,
    };
  };
}
