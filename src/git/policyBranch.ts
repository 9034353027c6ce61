import * as fs from 'fs';
import * as path from 'path';
import type { GateInput, GateResult, PolicySource } from '../core/gate';
import { checkPolicy, parsePolicy, POLICY_FILE, type Policy, type PolicyText } from '../core/policy';
import { formatProblem } from '../core/policyProblems';
import { protectingPolicyBranch } from '../core/policyBranchProtection';
import { closedWhileUnreadableText } from '../core/policyRecovery';
import { writeFileAtomic } from './atomicFile';
import { readPolicyBlob } from './policyBlob';
import { readPolicyFrom } from './policyRead';
import { gitConfig, inGitReadCache, runGit, sharedInSnapshot } from './gitRunner';
import { revParse } from './revision';
import { countersignDir, resolveRepo } from './repository';
import { keptAnswer } from './refreshCache';
import { defaultRemote } from './remotes';
import { shortSha } from '../core/shortSha';
import { newestReadablePolicy, POLICY_HISTORY_CANDIDATES } from './unreadablePolicyScope';

/**
 * The policy branch (docs/design.md, "The policy": no push chooses the policy that judges it). One branch per
 * repository holds the `.countersign.json` that judges every protected ref: on a server the branch
 * `install --server` recorded (`countersign.policyBranch` in the bare repository's config, which pushers cannot
 * change), in CI and on clients the remote's default branch. A policy on any other branch is ignored.
 */
export const POLICY_BRANCH_KEY = 'countersign.policyBranch';

/** The remote's default branch: refs/remotes/R/HEAD, else R/main or R/master as fetched. */
export async function remoteDefaultBranch(cwd: string, remote: string): Promise<string | undefined> {
  return (await remoteDefaultBranchChoice(cwd, remote)).branch;
}

/**
 * The branch a new policy protects when none is named (`init`, `policy init`): the remote's default branch
 * (the policy branch clients judge by), else the current branch when it is main or master (a `git init` on an
 * older git says master), else main. `remote` undefined: the default remote. Also where doctor tells a
 * work tree's new policy to be pushed while no policy branch exists yet.
 */
/**
 * defaultProtectedBranch in words: the one sentence `init --help`, `policy --help` (and docs/usage.md) say, so the
 * three no longer disagree with what it does (newuser19 F5).
 */
export const DEFAULT_PROTECTED_BRANCH_RULE =
  "the remote's default branch, else the current branch when it is main or master, else main";

export async function defaultProtectedBranch(root: string, remote?: string): Promise<string> {
  const r = remote ?? (await defaultRemote(root));
  const def = r ? await remoteDefaultBranch(root, r) : undefined;
  if (def) return def;
  const head = await runGit(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd: root, okCodes: [1, 128] });
  const current = head.stdout.trim();
  return ['main', 'master'].includes(current) ? current : 'main';
}

/**
 * remoteDefaultBranch, and whether it was a guess between two candidates: no R/HEAD, and both R/main and
 * R/master exist. A CI clone made by init + fetch has no R/HEAD, and guessing main there let a pushed branch
 * `main` carry the policy of a project whose default branch is master (outside tester, session 7, G13).
 */
export async function remoteDefaultBranchChoice(
  cwd: string,
  remote: string,
  /** The remote's branches as already listed (remoteBranches.ts): the candidates are looked up there. */
  branches?: Promise<Array<{ branch: string }>>,
): Promise<{ branch: string | undefined; ambiguous: boolean }> {
  // Asked even when R/HEAD is not among the listed branches: a dangling R/HEAD still names the default branch.
  const r = await runGit(['symbolic-ref', '--quiet', `refs/remotes/${remote}/HEAD`], { cwd, okCodes: [1, 128] });
  if (r.code === 0) return { branch: r.stdout.trim().replace(`refs/remotes/${remote}/`, ''), ambiguous: false };
  const listed = branches ? new Set((await branches).map((b) => b.branch)) : undefined;
  const found: string[] = [];
  for (const b of ['main', 'master']) {
    if (listed) {
      if (listed.has(b)) found.push(b);
      continue;
    }
    const has = await runGit(['rev-parse', '--verify', '--quiet', `refs/remotes/${remote}/${b}^{commit}`], {
      cwd,
      okCodes: [1, 128],
    });
    if (has.code === 0) found.push(b);
  }
  return { branch: found[0], ambiguous: found.length > 1 };
}

/**
 * The policy branch as a client can best tell it, for warnings (`policy check`): the default remote's default
 * branch, else local main or master, else the branch checked out; undefined outside a repository.
 */
export async function clientPolicyBranch(cwd: string): Promise<string | undefined> {
  // Outside a repository there is no remote (and no policy branch to warn about).
  const remote = await defaultRemote(cwd).catch(() => undefined);
  const onRemote = remote ? await remoteDefaultBranch(cwd, remote) : undefined;
  if (onRemote) return onRemote;
  for (const b of ['main', 'master']) {
    if ((await runGit(['rev-parse', '--verify', '--quiet', `refs/heads/${b}`], { cwd, okCodes: [1, 128] })).code === 0)
      return b;
  }
  const head = await runGit(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd, okCodes: [1, 128] });
  return head.code === 0 ? head.stdout.trim() || undefined : undefined;
}

/** The server's policy branch: the one install --server recorded, else the branch HEAD names. */
export async function serverPolicyBranch(cwd: string): Promise<{ branch: string; recorded: boolean } | undefined> {
  const recorded = await gitConfig(cwd, POLICY_BRANCH_KEY);
  if (recorded) return { branch: recorded, recorded: true };
  const head = await runGit(['symbolic-ref', '--quiet', 'HEAD'], { cwd, okCodes: [1, 128] });
  const ref = head.code === 0 ? head.stdout.trim() : '';
  return ref.startsWith('refs/heads/') ? { branch: ref.slice('refs/heads/'.length), recorded: false } : undefined;
}

/**
 * The text of `.countersign.json` at `rev` (or its size, when too large to read), undefined when it has none. In a
 * snapshot it is read by the blob's id, as readPolicyFrom reads it: the server's pre-receive read the same policy
 * blob three times under three names (the policy branch's tip by id and by `REV:PATH`, the pushed tip's `REV:PATH`),
 * a git process each, where the snapshot shares the `REV:PATH` lookup and the blob by its id.
 */
export async function policyTextAt(cwd: string, rev: string): Promise<PolicyText | undefined> {
  const name = `${rev}:${POLICY_FILE}`;
  const blob = inGitReadCache() ? await revParse(cwd, name) : name;
  const text = blob === undefined ? 'missing' : await readPolicyBlob(cwd, blob);
  return text === 'missing' ? undefined : text;
}

/**
 * Why a push to the policy branch `branch` is refused for the policy it would leave there at `rev`, or undefined:
 * an invalid one (every problem, with file:line:column and the fix) would stop the gate judging anything; and once
 * a policy is in force (`inForce`), none at all would read as a repository that never adopted Countersign, so that
 * nothing is protected (attack23 03e: one allowed force-push to a branch from before the rollout did that). A
 * push that leaves a broken policy as it was (`old`'s) breaks nothing new: the gate's fail-closed rule speaks.
 */
export async function policyBranchRefusal(
  cwd: string,
  o: { branch: string; rev: string; old: string | undefined; inForce: boolean },
): Promise<string | undefined> {
  const text = await policyTextAt(cwd, o.rev);
  if (text === undefined)
    return o.inForce
      ? `this push would leave the policy branch ${o.branch} without a ${POLICY_FILE} (at ${o.rev}), which would leave every protected branch and tag unprotected; keep ${POLICY_FILE} on ${o.branch} (push a commit that restores it), or, to stop using Countersign, an administrator runs \`countersign uninstall --server\` in the server's repository.`
      : undefined;
  if (o.old !== undefined && (await policyTextAt(cwd, o.old)) === text) return undefined;
  const check = checkPolicy(text, `${POLICY_FILE} in ${o.branch} at ${shortSha(o.rev)}`);
  if (check.policy) return undefined;
  const problems = check.problems.map((p) => formatProblem(p)).join('\n');
  return `this push would put an invalid ${POLICY_FILE} on the policy branch ${o.branch}, which would stop the gate from judging any push; fix it and push again:\n${problems}`;
}

/**
 * What the server's pre-receive (receiveGate.ts) refuses before judging anything — a push that would put an invalid
 * policy on the policy branch, or remove the one in force (policyBranchRefusal) — added to a client's verdict, so
 * `verify` and pre-push agree with the server (pre-push used to pass such a push: newuser10 N3). Asked only when a
 * judged commit changes the policy, so an ordinary push costs no git process more.
 */
export async function refuseInvalidPolicy(
  cwd: string,
  result: GateResult,
  input: Pick<GateInput, 'commits' | 'policyChangedWithoutCommit' | 'policy'>,
  push: { branch: string; policyBranch: string | undefined; head: string | undefined; base: string | undefined },
): Promise<void> {
  if (!result.protected || push.head === undefined || push.branch !== push.policyBranch) return;
  const changed =
    input.policyChangedWithoutCommit || input.commits.some((c) => c.files.some((f) => f.path === POLICY_FILE));
  if (!changed) return;
  const inForce = input.policy.kind === 'ok';
  const refusal = await policyBranchRefusal(cwd, { branch: push.branch, rev: push.head, old: push.base, inForce });
  if (refusal) {
    result.errors.push(refusal);
    result.ok = false;
    // No review makes this push land as it is (newuser12 P14): the block message must not ask for one.
    delete result.approveCommand;
  }
}

/**
 * The policy on the policy branch `branch` at `tip` as the gate sees it (protecting `branch` itself). Parsed
 * once per snapshot (the review panel judges every branch against it), so every judgement shares one policy
 * object; nothing modifies it.
 */
export function policySourceAt(cwd: string, tip: string, label: string, branch: string): Promise<PolicySource> {
  return sharedInSnapshot(JSON.stringify(['policySourceAt', cwd, tip, label, branch]), async () => {
    const read = async () => {
      const source = await readPolicyFrom(cwd, [{ rev: tip, label }]);
      // The policy branch is judged as protected whatever protectedBranches say (policyBranchProtection.ts).
      return source.kind === 'ok' ? { ...source, policy: protectingPolicyBranch(source.policy, branch) } : source;
    };
    // A commit's policy never changes: the next refresh of the panel reuses it (an error is read again).
    if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(tip)) return read();
    return keptAnswer(
      cwd,
      'policySourceAt',
      async () => [tip, label, branch],
      read,
      (s) => s.kind !== 'error',
    );
  });
}

// ------------------------------------------------------------------ the server's memory of its last policy

/**
 * The last policy the server read successfully from its policy branch, kept in the bare repository (not in a
 * ref, so no push can change it). When the policy branch later goes missing or its policy cannot be read,
 * the refs this policy protected stay closed and the others are not held hostage.
 */
export interface RememberedPolicy {
  branch: string;
  commit: string;
  text: string;
  /** Not read by the gate: taken from the policy branch's history by install --server or doctor (seedRememberedPolicy). */
  seeded?: boolean;
}

async function stateFile(cwd: string, name: string): Promise<string> {
  return path.join(countersignDir(await resolveRepo(cwd)), name);
}

export async function lastReadablePolicy(
  cwd: string,
): Promise<{ policy: Policy; remembered: RememberedPolicy } | undefined> {
  try {
    const remembered = JSON.parse(
      fs.readFileSync(await stateFile(cwd, 'last-policy.json'), 'utf8'),
    ) as RememberedPolicy;
    return {
      policy: parsePolicy(
        remembered.text,
        `${POLICY_FILE} last read from ${remembered.branch} at ${shortSha(remembered.commit)}`,
      ),
      remembered,
    };
  } catch {
    return undefined;
  }
}

export async function rememberPolicy(cwd: string, r: RememberedPolicy | undefined): Promise<void> {
  const file = await stateFile(cwd, 'last-policy.json');
  if (r === undefined) {
    fs.rmSync(file, { force: true });
    return;
  }
  try {
    if (fs.readFileSync(file, 'utf8') === JSON.stringify(r)) return;
  } catch {
    // not there yet
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, JSON.stringify(r));
}

/**
 * The ref generation a push's judgement started from (preReceive.sh; the reference-transaction hook counts one per
 * ref transaction in countersign/ref-generation).
 */
export const REF_GENERATION_ENV = 'COUNTERSIGN_REF_GENERATION';

/**
 * rememberPolicy for what the pre-receive gate read of the policy branch, unless refs moved since its judgement began
 * (the generation preReceive.sh passes): then the policy read may be older than one a push committed meanwhile and
 * remembered (its reference-transaction hook, attack28 F5), and writing it would put the older policy back. Skipped,
 * the next push's read remembers. What is left: a transaction committed between this check and the write.
 */
export async function rememberPolicyRead(cwd: string, r: RememberedPolicy | undefined): Promise<void> {
  const began = process.env[REF_GENERATION_ENV];
  if (began !== undefined) {
    let now = '0';
    try {
      now = fs.readFileSync(await stateFile(cwd, 'ref-generation'), 'utf8').trim() || '0';
    } catch {
      // no transaction yet: generation 0
    }
    if (now !== began.trim()) return;
  }
  await rememberPolicy(cwd, r);
}

/**
 * When the policy at the policy branch's `tip` cannot be read and the server remembers no readable policy of that
 * branch (uninstall --server forgets it; an older install never wrote it), remember the newest readable
 * `.countersign.json` in the branch's first-parent history (newuser12 P5; unreadablePolicyScope.ts finds it):
 * without it the gate refuses every branch and tag. Whoever could push while the gate was off could have chosen
 * that policy, but they could as well have left it valid at the tip, which install remembers as it is: the seed
 * trusts the branch exactly as much as installing the gate on it does, is used only while the tip is unreadable,
 * and the only way out is a valid policy on the policy branch, judged under it (so a fix needs its reviewers).
 * install names the commit it seeded from.
 */
export async function seedRememberedPolicy(
  cwd: string,
  branch: string,
  tip: string,
): Promise<{ policy: Policy; remembered: RememberedPolicy } | undefined> {
  const last = await lastReadablePolicy(cwd);
  if (last && last.remembered.branch === branch) return last;
  const found = await newestReadablePolicy(cwd, tip);
  if (!found) return undefined;
  await rememberPolicy(cwd, { branch, commit: found.commit, text: found.text, seeded: true });
  return lastReadablePolicy(cwd);
}

/** What install --server and doctor say when the policy at the policy branch's tip cannot be read. */
export interface UnreadablePolicy {
  tip: string;
  /** Why it cannot be read (every problem, with the fix). */
  problem: string;
  remembered: RememberedPolicy | undefined;
  /** What the gate refuses until it is fixed (closedWhileUnreadableText). */
  refused: string;
}

/** UnreadablePolicy for the policy branch `branch` at `tip` (seeding the server's memory), or undefined when readable or absent. */
export async function unreadablePolicy(
  cwd: string,
  branch: string,
  tip: string,
): Promise<UnreadablePolicy | undefined> {
  const source = await readPolicyFrom(cwd, [{ rev: tip, label: `${branch} at ${shortSha(tip)}` }]);
  if (source.kind !== 'error') return undefined;
  const last = await seedRememberedPolicy(cwd, branch, tip);
  return {
    tip,
    problem: source.message,
    remembered: last?.remembered,
    refused: closedWhileUnreadableText(last?.policy, branch),
  };
}

/**
 * The sentence install --server and doctor give about an UnreadablePolicy; with the pending recovery grant
 * (recoveryGrant), the fix says it was granted, not to grant it again (newuser24 F12).
 */
export function unreadablePolicyText(
  branch: string,
  u: UnreadablePolicy,
  grant?: RecoveryGrant,
): { message: string; fix: string } {
  const memory = u.remembered
    ? `the server remembers the policy at ${shortSha(u.remembered.commit)}${u.remembered.seeded ? ` (the newest readable ${POLICY_FILE} in ${branch}'s history)` : ' (the last one it read or accepted)'}`
    : `there is no readable ${POLICY_FILE} in ${branch}'s history (the last ${POLICY_HISTORY_CANDIDATES} changes) and the server remembers none`;
  return {
    message: `the ${POLICY_FILE} on ${branch} at ${shortSha(u.tip)} cannot be read; ${memory}; refused until it is fixed: ${u.refused}`,
    fix:
      (grant
        ? `recovery granted at ${grant.grantedAt.replace(/\.\d+Z$/, 'Z')}: push the approved fix (a valid ${POLICY_FILE}) to ${branch}`
        : `run \`countersign install --server --recover\` here once, then push a valid ${POLICY_FILE} to ${branch}`) +
      (u.remembered
        ? ' (judged under the remembered policy: it needs its approvals)'
        : ' (nothing judges it: check what is pushed)'),
  };
}

/**
 * The administrator's one-time recovery (`countersign install --server --recover`): it names the policy
 * branch's value at that moment (none when the branch is missing). While the branch still has that value,
 * one push to the policy branch that brings a valid policy is judged under the last readable policy (or,
 * when the server never read one, let through) instead of being refused; once the branch moves, it is spent.
 */
export interface RecoveryGrant {
  branch: string;
  tip: string | null;
  grantedAt: string;
}

export async function grantRecovery(cwd: string, g: RecoveryGrant): Promise<void> {
  const file = await stateFile(cwd, 'recover.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, JSON.stringify(g));
}

export async function recoveryGrant(
  cwd: string,
  branch: string,
  tip: string | undefined,
): Promise<RecoveryGrant | undefined> {
  const file = await stateFile(cwd, 'recover.json');
  let g: RecoveryGrant;
  try {
    g = JSON.parse(fs.readFileSync(file, 'utf8')) as RecoveryGrant;
  } catch {
    return undefined;
  }
  if (g.branch === branch && g.tip === (tip ?? null)) return g;
  fs.rmSync(file, { force: true });
  return undefined;
}
