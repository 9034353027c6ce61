import type { SignedStatement } from '../core/approvalStatement';
import type { StatementCheck } from '../core/approvalRules';
import type { Policy } from '../core/policy';
import { approvalsRemote } from './remotes';
import { remoteDefaultBranchChoice } from './policyBranch';
import { policyAt, statementKeys } from './historyStatements';
import { runGit } from './gitRunner';
import { revParse } from './revision';

type Keys = { check(s: SignedStatement): StatementCheck; unchecked?(): number };

/**
 * The statement check for landed history (`report`): a statement counts when a key the policy lists today
 * verifies it, or when the policy branch, as it stood at the statement's base, listed the key for that reviewer —
 * the policy the approved push landed under, as the gate judged it and as `explain` replays it (explainGate.ts,
 * landedPushPolicy: the policy branch at the approved span's base). So an approval that counted when its commit
 * landed keeps counting after a later key rotation (newuser17 F1), while a key the policy branch never listed
 * for that reviewer still verifies nothing. Only a base on the policy branch's first-parent line counts: those
 * are the states a push to it started from, each policy judged by the one before it; a base elsewhere carries a
 * `.countersign.json` no gate judged (a forged one naming the signer's own key).
 *
 * Costs nothing when every statement verifies today; else one `git rev-list --first-parent` and one policy read
 * per distinct base on that line.
 */
export async function landedStatementKeys(
  cwd: string,
  policy: Policy | undefined,
  /** The policy branch's tip (or the revision the policy was read at): whose first-parent line holds bases. */
  policyTip: string | undefined,
  statements: Iterable<{ signed: SignedStatement }>,
): Promise<Keys> {
  const today = statementKeys(policy);
  if (!policy || !policyTip) return today;
  const bases = new Set<string>();
  for (const { signed } of statements) {
    const v = today.check(signed);
    // An unchecked statement (a hostile clone's junk past the check budget) earns no policy read either.
    if (!v.ok && v.reason !== 'unchecked') bases.add(signed.statement.base);
  }
  if (bases.size === 0) return today;
  const line = await runGit(['rev-list', '--first-parent', policyTip, '--'], { cwd, okCodes: [128] });
  const onLine = new Set(line.code === 0 ? line.stdout.split('\n').filter((b) => bases.has(b)) : []);
  const atBase = new Map<string, Keys>();
  for (const base of onLine) {
    const then = await policyAt(cwd, base);
    if (then.policy) atBase.set(base, statementKeys(then.policy, policy)); // one budget for the reading
  }
  if (atBase.size === 0) return today;
  return {
    unchecked: () => today.unchecked?.() ?? 0,
    check(s) {
      const now = today.check(s);
      if (now.ok || now.reason === 'unchecked') return now;
      const then = atBase.get(s.statement.base)?.check(s);
      return then?.ok ? then : now;
    },
  };
}

/**
 * The revision `report` reads its policy at by default: the policy branch (the approvals remote's default branch,
 * which the gate and `explain` judge by) as this clone knows it — never what is checked out, so one RANGE gives
 * one set of figures (newuser17 F1). HEAD only when no policy branch is known here.
 */
export async function reportPolicyRev(cwd: string): Promise<{ rev: string; label: string }> {
  const remote = (await approvalsRemote(cwd)) ?? 'origin';
  const { branch, ambiguous } = await remoteDefaultBranchChoice(cwd, remote);
  const tip = branch && !ambiguous ? await revParse(cwd, `refs/remotes/${remote}/${branch}^{commit}`) : undefined;
  if (branch && tip) return { rev: tip, label: `${remote}/${branch}` };
  return { rev: 'HEAD', label: 'HEAD' };
}
