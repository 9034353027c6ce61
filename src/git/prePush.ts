import { errorMessage } from '../core/errors';
import { evaluateGate, type GateResult, type PolicySource } from '../core/gate';
import { isProtected, TAG_PREFIX } from '../core/policy';
import { fetchApprovals } from './approvalsStore';
import { addEarlierRevisionReasons } from './earlierRevisions';
import { whereReviewersFetch } from './reviewerReach';
import { gatherGateInput, type RefUpdate } from './gateInput';
import { nonCommitTagVerdict, peelTag } from './peelTag';
import { refsAfterPush } from './refsAfterPush';
import { runGit, withGitReadCache } from './gitRunner';
import { REVIEW_NOTES_REF, trackingRef } from './notesConfig';
import { knownPolicyBranch } from './knownPolicyBranch';
import { policySourceAt, refuseInvalidPolicy, remoteDefaultBranchChoice } from './policyBranch';
import { unreadablePolicyScope } from './unreadablePolicyScope';
import { branchOf, lsRemote, remoteBranches, type RemoteView } from './remoteBranches';
import type { AcceptedPolicy } from './serverPolicyState';
import { isNullObjectId } from '../core/nullObjectId';

/**
 * The client's pre-push hook (convenience: fast feedback, bypassable; the server's pre-receive, receiveGate.ts,
 * is the enforcement): works out where each pushed branch stands on the remote, gathers the input and
 * evaluates it as `verify` and the server would.
 */

/** Bounded time for reaching the remote from a hook (docs/design.md: hooks never hang). */
export const FETCH_TIMEOUT_MS = 10_000;

/**
 * Whether this clone has commit `oid`. Asked as `rev-parse --verify --quiet OID^{commit}` (which reads the object
 * as `cat-file -e` does) so that the snapshot's ref listing answers it where a ref names the commit (batchedReads.ts).
 */
async function objectExists(cwd: string, oid: string): Promise<boolean> {
  return (await runGit(['rev-parse', '--verify', '--quiet', `${oid}^{commit}`], { cwd, okCodes: [1, 128] })).code === 0;
}

export interface PushedRef {
  localRef: string;
  localSha: string;
  remoteRef: string;
  remoteSha: string;
}

export function parsePrePushLines(stdin: string): PushedRef[] {
  return stdin
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [localRef, localSha, remoteRef, remoteSha] = l.split(/\s+/);
      return { localRef, localSha, remoteRef, remoteSha };
    })
    .filter((r) => r.remoteRef !== undefined && r.remoteSha !== undefined);
}

export interface HookOutcome {
  results: GateResult[];
  /** Problems not tied to one branch (printed first). */
  messages: string[];
  ok: boolean;
  /** The server's pre-receive: refs whose verdicts rely on each other, to be applied together (landTogether.ts). */
  landTogether?: string[];
  /** pre-push: the remote's notes refs as `git ls-remote` listed them (the notes push skips those it has). */
  remoteNotes?: ReadonlyMap<string, string>;
  /** The server's pre-receive: what its verdicts read of the other refs, for the ref update's check (verdictReads.ts). */
  verdictReads?: string;
  /** The server's pre-receive: the policy it leaves on the policy branch, to remember once it lands (serverPolicyState.ts). */
  acceptedPolicy?: AcceptedPolicy;
}

/**
 * pre-push: fetch the remote's approvals (and the commits needed to read its policy) in bounded time, then
 * evaluate every pushed branch against the policy as the remote has it. An unreachable remote blocks a push
 * to a protected branch (judged by what this clone last saw of the remote) and is only a notice otherwise.
 */
export function prePush(
  cwd: string,
  remote: string,
  stdin: string,
  timeoutMs = FETCH_TIMEOUT_MS,
): Promise<HookOutcome> {
  // One snapshot, as `verify` (app/verify.ts): the repository-level questions (refs, the repository's folders,
  // config) come from a listing each (batchedReads.ts), taken when first asked — an unprotected push asks few —
  // not a git process per question; a fetch empties it when it finishes (gitRunner.changesSnapshot), so
  // nothing read after it is stale.
  return withGitReadCache(() => prePushOnce(cwd, remote, stdin, timeoutMs));
}

async function prePushOnce(cwd: string, remote: string, stdin: string, timeoutMs: number): Promise<HookOutcome> {
  // Branches and tags: a protected tag is judged by the commit it names, as the server judges it.
  const pushed = parsePrePushLines(stdin).filter(
    (p) => branchOf(p.remoteRef) !== undefined || p.remoteRef.startsWith(TAG_PREFIX),
  );
  const messages: string[] = [];
  if (pushed.length === 0) return { results: [], messages, ok: true };
  const deadline = Date.now() + timeoutMs;
  const left = () => Math.max(1000, deadline - Date.now());

  const unreachableBecause = (e: unknown) =>
    `could not reach ${remote} within ${Math.round(timeoutMs / 1000)}s to fetch the latest approvals and policy (${errorMessage(e)}); a protected branch cannot be checked, so the push is blocked — retry when the remote is reachable`;
  let unreachable: string | undefined;
  let remoteView: RemoteView | undefined;
  try {
    remoteView = await lsRemote(cwd, remote, left());
    // Commits the remote has that we lack: its policy must be read from them.
    const missing: string[] = [];
    for (const p of pushed) {
      const b = branchOf(p.remoteRef);
      const sha = b ? remoteView.heads.get(b) : undefined;
      if (b && sha && !(await objectExists(cwd, sha))) missing.push(`refs/heads/${b}`);
    }
    const def = remoteView.defaultBranch;
    if (def && remoteView.heads.get(def) && !(await objectExists(cwd, remoteView.heads.get(def) as string)))
      missing.push(`refs/heads/${def}`);
    if (missing.length > 0)
      await runGit(['fetch', '--no-tags', '--no-write-fetch-head', '--quiet', remote, ...missing], {
        cwd,
        timeoutMs: left(),
      });
  } catch (e) {
    unreachable = unreachableBecause(e);
  }
  // The policy branch as the remote lists it, read once for every pushed ref.
  const reached = remoteView ? await reachedPolicy(cwd, remote, remoteView) : undefined;
  // Approvals count only for a protected ref: a push of refs the remote's (readable) policy leaves unprotected
  // fetches none (newuser16 F16: an unprotected push should cost almost nothing). Any doubt fetches.
  if (remoteView && !unreachable && approvalsMatter(reached?.policy, pushed)) {
    try {
      const fetched = await fetchApprovals(cwd, remote, left(), REVIEW_NOTES_REF, remoteView.notes);
      if (fetched.mergeError) messages.push(fetched.mergeError);
    } catch (e) {
      unreachable = unreachableBecause(e);
    }
  }

  const results: GateResult[] = [];
  const scope = unreadablePolicyScope(cwd);
  for (const p of pushed) {
    const tag = p.remoteRef.startsWith(TAG_PREFIX);
    const branch = tag ? p.remoteRef : (branchOf(p.remoteRef) as string);
    const remoteSha = remoteView
      ? (tag ? remoteView.tags : remoteView.heads).get(branch)
      : isNullObjectId(p.remoteSha)
        ? undefined
        : p.remoteSha;
    const update: RefUpdate = {
      branch,
      old: remoteSha,
      new: isNullObjectId(p.localSha) ? undefined : p.localSha,
    };
    const others = remoteView
      ? [...remoteView.heads].map(([b, sha]) => ({ branch: b, sha }))
      : await localRemoteBranches(cwd, remote);
    const seen = reached ?? (await lastSeenPolicy(cwd, remote, others));
    const { def, defSha } = seen;
    const policy = await scope(seen.policy, { tip: defSha, policyBranch: def, ref: branch });
    const peeled = tag && update.new ? await peelTag(cwd, update.new) : undefined;
    const refusedTag =
      peeled && 'error' in peeled ? nonCommitTagVerdict(policy, branch, branch, peeled.error) : undefined;
    if (refusedTag) {
      results.push(refusedTag);
      continue;
    }
    if (peeled && 'commit' in peeled) update.new = peeled.commit;
    const input = await gatherGateInput(cwd, {
      update,
      policy,
      ...(defSha ? { policyTip: defSha } : {}),
      ...(def ? { policyBranch: def } : {}),
      otherBranches: others,
      ...(!tag && branch === def ? { afterPush: await afterThisPush(cwd, pushed, others) } : {}),
      approvalRefs: [REVIEW_NOTES_REF, trackingRef(remote, REVIEW_NOTES_REF)],
    });
    if (unreachable) input.errors = [...(input.errors ?? []), unreachable];
    const result = evaluateGate(input);
    await refuseInvalidPolicy(cwd, result, input, { branch, policyBranch: def, head: update.new, base: update.old });
    await addEarlierRevisionReasons(cwd, result, input);
    await whereReviewersFetch(cwd, result, {
      remote,
      localRef: p.localRef,
      heads: remoteView?.heads,
      policy: policy.kind === 'ok' ? policy.policy : undefined,
    });
    results.push(result);
  }
  return {
    results,
    messages,
    ok: results.every((r) => r.ok),
    ...(remoteView ? { remoteNotes: remoteView.notes } : {}),
  };
}

/** Whether any pushed ref may need approvals: the policy is not readable, or it protects one of them. */
function approvalsMatter(policy: PolicySource | undefined, pushed: PushedRef[]): boolean {
  if (policy?.kind !== 'ok') return true;
  return pushed.some((p) => isProtected(policy.policy, p.remoteRef) !== undefined);
}

/**
 * The remote's branches and this push's own tags once the push is in: a policy change judges the refs it newly
 * protects as they will be, this push's included (newlyProtected.ts, attack14 N2). The remote's other tags are
 * not listed here (their objects need not be in this clone); the server judges those.
 */
async function afterThisPush(
  cwd: string,
  pushed: PushedRef[],
  others: Array<{ branch: string; sha: string }>,
): Promise<ReturnType<typeof refsAfterPush>> {
  const value = (p: PushedRef) => (isNullObjectId(p.localSha) ? undefined : p.localSha);
  const peeled = new Map<string, string | undefined>();
  for (const p of pushed) {
    const v = value(p);
    if (v === undefined || !p.remoteRef.startsWith(TAG_PREFIX) || peeled.has(v)) continue;
    const r = await peelTag(cwd, v);
    peeled.set(v, 'commit' in r ? r.commit : undefined);
  }
  const updates = pushed.map((p) => ({ ref: p.remoteRef, new: value(p) }));
  return refsAfterPush({ heads: others, tags: [] }, updates, (v) => peeled.get(v));
}

/**
 * The policy branch as the remote itself lists it (its HEAD, else main or master there), as in `verify`. A remote
 * that has none of them yet has no policy to protect anything with.
 */
async function reachedPolicy(
  cwd: string,
  remote: string,
  view: RemoteView,
): Promise<{ def?: string; defSha?: string; policy: PolicySource }> {
  const def = view.defaultBranch ?? ['main', 'master'].find((b) => view.heads.has(b));
  const defSha = def ? view.heads.get(def) : undefined;
  if (def && defSha) return { def, defSha, policy: await policySourceAt(cwd, defSha, `${remote}/${def}`, def) };
  return {
    def,
    policy: {
      kind: 'none',
      looked: [def ? `${remote}/${def} (not on the remote yet)` : `${remote}'s default branch (none there)`],
    },
  };
}

/**
 * The remote could not be reached: the policy branch as this clone last fetched it. Where this clone never saw it
 * (never fetched that remote), the policy is unknown and the push fails closed as `verify` does, rather than
 * pass as unprotected in silence (newuser14 S24).
 */
async function lastSeenPolicy(
  cwd: string,
  remote: string,
  others: Array<{ branch: string; sha: string }>,
): Promise<{ def?: string; defSha?: string; policy: PolicySource }> {
  const choice = await remoteDefaultBranchChoice(cwd, remote, Promise.resolve(others));
  const at = (b: string) => `${remote}/${b}`;
  const tip = choice.branch ? others.find((o) => o.branch === choice.branch)?.sha : undefined;
  const known = knownPolicyBranch({
    remote,
    branch: choice.branch,
    ambiguous: choice.ambiguous,
    tip,
    at,
    option: false,
  });
  if ('unknown' in known) return { def: choice.branch, policy: known.unknown };
  return {
    def: known.branch,
    defSha: known.tip,
    policy: await policySourceAt(cwd, known.tip, at(known.branch), known.branch),
  };
}

async function localRemoteBranches(cwd: string, remote: string): Promise<Array<{ branch: string; sha: string }>> {
  try {
    return await remoteBranches(cwd, remote);
  } catch {
    return [];
  }
}
