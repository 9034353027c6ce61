import * as fs from 'fs';
import * as path from 'path';
import { errorMessage } from '../core/errors';
import type { BranchGate, DeveloperGate, Me, RepoSnapshot } from '../core/panel/viewModel';
import { isProtected, POLICY_FILE } from '../core/policy';
import { BranchReadAhead } from '../git/branchReadAhead';
import { MAX_COMMITS } from '../git/gateInput';
import { gitConfig, runGit, startSnapshotListings, withGitReadCache } from '../git/gitRunner';
import { hookTakeover } from '../git/hookTakeover';
import { keptAnswer } from '../git/refreshCache';
import { fetchNotes } from '../git/notesSync';
import { policySourceAt, remoteDefaultBranch } from '../git/policyBranch';
import { remoteBranches } from '../git/remoteBranches';
import { basedOnBranch, landingTarget } from './landingBranch';
import { verifyRange } from './verify';
import { defaultRemote, listRemotes } from '../git/remotes';

/**
 * Everything the review panel and the gate's status bar item show for one repository, gathered with the
 * gate code `verify` runs (verifyRange): the current branch judged against its protected target, and every
 * fetched remote branch that is not merged into the remote's default branch judged as if it were pushed
 * there. Local only: nothing is fetched here (fetchForReview does that, when the person asks).
 */
export interface SnapshotOptions {
  /** Remote branches judged per remote, most recently committed first (each costs a few git calls). */
  maxBranches?: number;
}

/** Remote branches judged at once: enough to overlap git's process start-up, few enough not to swamp a laptop. */
const CONCURRENCY = 4;

export async function readMe(cwd: string): Promise<Me> {
  const [email, name, signingKey] = await Promise.all([
    gitConfig(cwd, 'user.email'),
    gitConfig(cwd, 'user.name'),
    gitConfig(cwd, 'user.signingkey'),
  ]);
  return { ...(email ? { email } : {}), ...(name ? { name } : {}), ...(signingKey ? { signingKey } : {}) };
}

/** The current branch and its upstream (remote, branch there), as git's own config says. */
async function currentBranch(
  cwd: string,
): Promise<{ branch: string | null; upstream?: { remote: string; branch: string } }> {
  const head = await runGit(['symbolic-ref', '--quiet', 'HEAD'], { cwd, okCodes: [1, 128] });
  if (head.code !== 0) return { branch: null };
  const ref = head.stdout.trim();
  const up = await runGit(['for-each-ref', '--format=%(upstream:remotename)%00%(upstream:remoteref)', ref], { cwd });
  const [remote, remoteRef] = up.stdout.trim().split('\0');
  const branch = ref.replace(/^refs\/heads\//, '');
  if (remote && remoteRef?.startsWith('refs/heads/'))
    return { branch, upstream: { remote, branch: remoteRef.slice('refs/heads/'.length) } };
  return { branch };
}

/**
 * The current branch's gate: where it lands (landingTarget, explain's choice): its upstream when the policy on
 * the remote's default branch protects it, else that default branch, where a feature branch lands through a
 * pull request.
 */
export async function developerGate(cwd: string, remotes: string[]): Promise<DeveloperGate | undefined> {
  const [{ branch, upstream }, head] = await Promise.all([
    currentBranch(cwd),
    runGit(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { cwd, okCodes: [1, 128] }),
  ]);
  if (head.code !== 0) return undefined; // no commits yet
  const tracked = upstream && remotes.includes(upstream.remote) ? upstream : undefined;
  const remote = tracked?.remote ?? (await defaultRemote(cwd));
  if (!remote) return undefined;
  const target = await landingTarget(cwd, remote, tracked?.branch, head.stdout.trim());
  if (!target) return undefined;
  const r = await verifyRange(cwd, { remote, branch: target, fetch: false });
  return { branch, remote, target, result: r.result, input: r.input };
}

/** Fetched branches of `remote` with commits its default branch lacks, newest first. */
async function unmergedBranches(
  cwd: string,
  remote: string,
  target: string,
  max: number,
): Promise<Array<{ branch: string; sha: string }>> {
  const prefix = `refs/remotes/${remote}/`;
  // Fixed by the remote's branch tips (the order is their commits' dates): a refresh that finds the same
  // tips reuses the answer (refreshCache.ts). Within a snapshot the tips come from its ref listing.
  const candidates = await keptAnswer(
    cwd,
    'unmergedBranches',
    async () => [
      prefix,
      target,
      max,
      (await runGit(['for-each-ref', '--format=%(objectname) %(refname)', prefix], { cwd })).stdout,
    ],
    () => listUnmerged(cwd, prefix, target, max),
  );
  return candidates.map((b) => ({ ...b }));
}

async function listUnmerged(
  cwd: string,
  prefix: string,
  target: string,
  max: number,
): Promise<Array<{ branch: string; sha: string }>> {
  const r = await runGit(
    [
      'for-each-ref',
      '--sort=-committerdate',
      `--no-merged=${prefix}${target}`,
      '--format=%(refname)%00%(objectname)',
      prefix,
    ],
    { cwd },
  );
  const out: Array<{ branch: string; sha: string }> = [];
  for (const line of r.stdout.split('\n')) {
    const [ref, sha] = line.split('\0');
    if (!ref || !sha) continue;
    const branch = ref.slice(prefix.length);
    if (branch === 'HEAD' || branch === target) continue;
    out.push({ branch, sha });
    if (out.length >= max) break;
  }
  return out;
}

/** The reviewer's queue for one remote: each unmerged branch judged as a push to the default branch. */
export async function reviewQueue(
  cwd: string,
  remote: string,
  opts: SnapshotOptions = {},
): Promise<{ branches: BranchGate[]; notices: string[] }> {
  const notices: string[] = [];
  const target = await remoteDefaultBranch(cwd, remote);
  if (!target) {
    return {
      branches: [],
      notices: [
        `${remote} has no default branch here yet: run git fetch ${remote} (and git remote set-head ${remote} --auto).`,
      ],
    };
  }
  const candidates = await unmergedBranches(cwd, remote, target, opts.maxBranches ?? 30);
  // Each branch is judged as a merge into the target, i.e. head --not the target's tip (verifyRange's base):
  // the commits, notes and policy entries of all of them are read at once, not branch by branch.
  const targetTip = (await remoteBranches(cwd, remote)).find((b) => b.branch === target)?.sha;
  const readAhead =
    targetTip && candidates.length > 0
      ? await BranchReadAhead.readCached(
          cwd,
          candidates.map((b) => b.sha),
          targetTip,
          MAX_COMMITS,
        )
      : undefined;
  // Each branch lands on the protected branch it is based on (a hotfix of release/1.0 there), as the author's own
  // view says (landingTarget); the read-ahead is for the default branch.
  const policy = targetTip ? await policySourceAt(cwd, targetTip, `${remote}/${target}`, target) : undefined;
  const judge = async (b: { branch: string; sha: string }): Promise<BranchGate | 'unprotected' | undefined> => {
    const to =
      policy && targetTip
        ? await basedOnBranch(cwd, { remote, head: b.sha, policy, policyBranch: target, policyTip: targetTip })
        : target;
    const r = await verifyRange(cwd, {
      remote,
      branch: to,
      head: b.sha,
      fetch: false,
      ...(readAhead && to === target ? { readAhead } : {}),
    });
    // The target is not protected: nothing on this remote needs review (the developer view says why).
    if (!r.result.protected && !r.result.policyError) return 'unprotected';
    // A protected branch of its own is judged when something is pushed to it, not as a change to review.
    if (r.input.policy.kind === 'ok' && isProtected(r.input.policy.policy, b.branch)) return undefined;
    return { remote, branch: b.branch, target: to, head: b.sha, result: r.result, input: r.input };
  };
  const branches: BranchGate[] = [];
  if (candidates.length === 0) return { branches, notices };
  // The first tells whether the target is protected at all; the rest run a few at a time (git spawns wait on I/O).
  const first = await judge(candidates[0]);
  if (first === 'unprotected') return { branches, notices };
  if (first) branches.push(first);
  const rest = candidates.slice(1);
  for (let i = 0; i < rest.length; i += CONCURRENCY) {
    for (const g of await Promise.all(rest.slice(i, i + CONCURRENCY).map(judge)))
      if (g && g !== 'unprotected') branches.push(g);
  }
  return { branches, notices };
}

/** Local git reads only, so the repository-level questions every branch's judgement asks are asked once. */
export function repoSnapshot(root: string, opts: SnapshotOptions = {}): Promise<RepoSnapshot> {
  return withGitReadCache(() => takeSnapshot(root, opts));
}

async function takeSnapshot(root: string, opts: SnapshotOptions): Promise<RepoSnapshot> {
  const snapshot: RepoSnapshot = {
    root,
    name: path.basename(root),
    me: {},
    remotes: [],
    branches: [],
    notices: [],
    errors: [],
    policyInWorkTree: fs.existsSync(path.join(root, POLICY_FILE)),
  };
  // The listings most questions below are answered from start together; the first questions, independent of
  // each other, are asked together too (the first error in this order is the one shown).
  startSnapshotListings(root);
  try {
    const [me, remotes, takeover] = await Promise.allSettled([readMe(root), listRemotes(root), hookTakeover(root)]);
    for (const r of [me, remotes, takeover]) if (r.status === 'rejected') throw r.reason;
    snapshot.me = (me as PromiseFulfilledResult<Me>).value;
    snapshot.remotes = (remotes as PromiseFulfilledResult<string[]>).value;
    const found = (takeover as PromiseFulfilledResult<Awaited<ReturnType<typeof hookTakeover>>>).value;
    if (found) snapshot.hooksWarning = found.message;
  } catch (e) {
    snapshot.errors.push(errorMessage(e));
    return snapshot;
  }
  if (snapshot.remotes.length === 0) return snapshot;
  // The developer's gate and each remote's queue read independently: asked together, their git processes
  // overlap (each waits on its own), and the answers are put together in a fixed order.
  const settled = <T>(p: Promise<T>) =>
    p.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
  const [dev, ...queues] = await Promise.all([
    settled(developerGate(root, snapshot.remotes)),
    ...snapshot.remotes.map((remote) => settled(reviewQueue(root, remote, opts))),
  ]);
  if ('error' in dev) snapshot.errors.push(`the current branch's gate: ${errorMessage(dev.error)}`);
  else if (dev.value) snapshot.developer = dev.value;
  queues.forEach((q, i) => {
    if ('error' in q) {
      snapshot.errors.push(`commits awaiting review on ${snapshot.remotes[i]}: ${errorMessage(q.error)}`);
      return;
    }
    snapshot.branches.push(...q.value.branches);
    snapshot.notices.push(...q.value.notices);
  });
  return snapshot;
}

/**
 * What a reviewer's "Refresh" fetches: the remote's branches (pruned) and its notes — provenance
 * (refs/notes/ai) and approvals (refs/notes/countersign), merged without clobbering local ones — in
 * bounded time.
 */
export async function fetchForReview(cwd: string, remote: string, timeoutMs: number): Promise<void> {
  await runGit(['fetch', '--prune', '--quiet', remote], { cwd, timeoutMs });
  await fetchNotes(cwd, remote, timeoutMs);
}
