import * as fs from 'fs';
import type { PolicySource } from '../core/gate';
import { checkPolicy, POLICY_FILE, type Policy } from '../core/policy';
import { closedWhileUnreadableText } from '../core/policyRecovery';
import { shortSha } from '../core/shortSha';
import {
  lastReadablePolicy,
  policySourceAt,
  policyTextAt,
  rememberPolicy,
  rememberPolicyRead,
  type RememberedPolicy,
} from './policyBranch';

/**
 * The policy a server's pre-receive judges a push by (receiveGate.ts): the state of its policy branch before the
 * push, read once per push.
 */
/** What the policy branch says, as the gate must treat it (docs/design.md, "The policy"). */
export type PolicyState =
  | { kind: 'ok'; source: PolicySource & { kind: 'ok' } }
  /** The policy branch has no .countersign.json: nothing is protected (a repository not using Countersign yet). */
  | { kind: 'none'; source: PolicySource }
  /**
   * Missing or unreadable: closed for the policy branch and whatever the last readable policy protected; with
   * none remembered, for every branch and tag (closedWhileUnreadable).
   */
  | {
      kind: 'closed';
      message: string;
      fix: string;
      protects: Policy | undefined;
      last: Policy | undefined;
      missing?: { lastCommit: string };
    }
  /** The policy branch has never existed here and no policy was ever read: only creating it is allowed. */
  | { kind: 'bootstrap'; message: string };

export async function policyState(
  cwd: string,
  branch: string | undefined,
  recorded: boolean,
  tip: string | undefined,
): Promise<PolicyState> {
  const last = await lastReadablePolicy(cwd);
  const configure =
    "run `countersign install --server --policy-branch NAME` in the server's repository, naming the branch that holds the team's .countersign.json";
  if (branch === undefined) {
    return {
      kind: 'closed',
      message: 'this server has no policy branch (HEAD names no branch and none was recorded)',
      fix: `fix: ${configure}`,
      protects: last?.policy,
      last: last?.policy,
    };
  }
  const named = `the policy branch '${branch}' (${recorded ? 'recorded by `countersign install --server`' : 'the branch HEAD names'})`;
  if (tip === undefined) {
    const message = `${named} does not exist on this server, so there is no ${POLICY_FILE} to judge pushes by`;
    const fix = `fix: push '${branch}' with the team's ${POLICY_FILE} first, or ${configure}`;
    if (last)
      return {
        kind: 'closed',
        message,
        fix,
        protects: last.policy,
        last: last.policy,
        missing: { lastCommit: last.remembered.commit },
      };
    return { kind: 'bootstrap', message: `${message}; pushes to other refs are refused until it does — ${fix}` };
  }
  const source = await policySourceAt(cwd, tip, branch, branch);
  if (source.kind === 'ok') {
    await rememberPolicyRead(cwd, { branch, commit: tip, text: (await policyTextAt(cwd, tip)) as string });
    return { kind: 'ok', source };
  }
  if (source.kind === 'none') {
    await rememberPolicyRead(cwd, undefined);
    return { kind: 'none', source };
  }
  const at = `the ${POLICY_FILE} on ${named} at ${shortSha(tip)} cannot be read`;
  const refused = closedWhileUnreadableText(last?.policy, branch);
  if (!last)
    return {
      kind: 'closed',
      message: `${at}, and this server knows no earlier readable policy, so which refs are protected is unknown: ${refused} until a valid ${POLICY_FILE} is on '${branch}':\n${source.message}`,
      fix: `fix: an administrator runs \`countersign install --server\` in the server's repository (it remembers the newest readable ${POLICY_FILE} in ${branch}'s history, if any: what that policy did not protect reopens, and it judges the fix), then \`countersign install --server --recover\`, then the corrected ${POLICY_FILE} is pushed to '${branch}'`,
      protects: undefined,
      last: undefined,
    };
  return {
    kind: 'closed',
    message: `${at}, so the gate refuses ${refused} (what the policy last read at ${shortSha(last.remembered.commit)} protected):\n${source.message}`,
    fix: `fix: an administrator runs \`countersign install --server --recover\` in the server's repository, then the corrected ${POLICY_FILE} is pushed to '${branch}' (judged under the last readable policy)`,
    protects: last.policy,
    last: last.policy,
  };
}

/**
 * Where preReceive.sh has the gate hand over the policy a passed push puts on the policy branch (acceptedPolicy): the
 * file gets `<new commit> <ref>`, the file with `.json` appended the record; the reference-transaction hook promotes
 * the record to last-policy.json at its "committed" step, only in a transaction that moved that ref to that commit.
 */
export const ACCEPTED_POLICY_ENV = 'COUNTERSIGN_ACCEPTED_POLICY';

/** The policy a push the gate passed leaves on the policy branch, to be remembered once git has moved the ref. */
export interface AcceptedPolicy {
  ref: string;
  remembered: RememberedPolicy;
}

/**
 * After the gate passed a push that moves the policy branch `branch` to `tip` (receiveGate.ts): the policy there, to
 * be remembered as the last readable one the moment the ref moves (newuser22 F-stale-policy). Remembered only on a
 * later read, an accepted change (v2 protecting release/*) was forgotten when the policy became unreadable before the
 * next push: the gate fell back to v1, opened release/*, and judged `--recover` under v1's reviewers. Only the tip the
 * gate accepted as a whole, never a policy some commit inside the push carried, nor one read from the branch's
 * history: whoever may push chooses those, the reviewed tip they do not (an unreadable tip is not remembered:
 * policyBranchRefusal let it through only as it already was). Undefined when the server remembers that text already
 * (every push to the policy branch that leaves its policy as it was: nothing for the hooks to do).
 * Not written here (attack28 F5): the gate passing a push is not git moving the ref. An `--atomic` push whose ref
 * transaction git then refused (refs/heads/zz and refs/heads/zz/y together) left the server remembering a policy its
 * policy branch never held, naming a commit discarded with the push's quarantine.
 */
export async function acceptedPolicy(cwd: string, branch: string, tip: string): Promise<AcceptedPolicy | undefined> {
  const text = await policyTextAt(cwd, tip);
  if (typeof text !== 'string' || !checkPolicy(text, POLICY_FILE).policy) return undefined;
  const last = await lastReadablePolicy(cwd);
  if (last?.remembered.branch === branch && last.remembered.text === text && !last.remembered.seeded) return undefined;
  return { ref: `refs/heads/${branch}`, remembered: { branch, commit: tip, text } };
}

/**
 * Hands `accepted` to the reference-transaction hook through the file preReceive.sh names (ACCEPTED_POLICY_ENV). With
 * none named (a pre-receive older than its gate, which install --server never leaves), remembered at once, as before.
 */
export async function recordAcceptedPolicy(
  cwd: string,
  accepted: AcceptedPolicy | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  if (!accepted) return;
  const file = env[ACCEPTED_POLICY_ENV];
  if (!file) {
    await rememberPolicy(cwd, accepted.remembered);
    return;
  }
  fs.writeFileSync(`${file}.json`, JSON.stringify(accepted.remembered));
  fs.writeFileSync(file, `${accepted.remembered.commit} ${accepted.ref}\n`);
}
