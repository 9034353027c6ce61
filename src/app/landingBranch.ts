import type { PolicySource } from '../core/gate';
import { isProtected } from '../core/policy';
import { runGit } from '../git/gitRunner';
import { policySourceAt, remoteDefaultBranch } from '../git/policyBranch';
import { remoteBranches } from '../git/remoteBranches';
import { resolveCommit } from '../git/stagedDiff';

/**
 * Where commits on `own` (a branch's upstream, or the same name on the remote) land: `own` itself when the
 * policy protects it (or cannot be read, failing closed), else the policy branch, where a feature branch lands
 * through a pull request — or, given the change's tip, the protected branch it is based on (landsOn, with
 * basedOnBranch). This module is the one place that answers "which protected branch does this change land on":
 * `explain` (src/app/explainGate.ts judgingContext), the review panel's "Your branch" (landingTarget), `review`'s
 * queue (src/app/reviewSnapshot.ts reviewQueue), `verify` without --branch and upstream (verifyDefaultBranch) and
 * approve's default --base (src/app/reviewDecision.ts defaultBase) all ask it.
 */
export function landingBranch(
  own: string | undefined,
  policy: PolicySource,
  policyBranch: string | undefined,
): string | undefined {
  const protectsOwn = own !== undefined && policy.kind === 'ok' && isProtected(policy.policy, own) !== undefined;
  return own && (protectsOwn || policy.kind !== 'ok') ? own : (policyBranch ?? own);
}

/**
 * `verify`'s branch without --branch, as DESIGN's contract says: "a push to branch NAME (default: the current
 * branch's upstream)" — the upstream's branch, protected or not (an unprotected one passes; verify's text then
 * names the landing branch to check, `verify --branch`). Without an upstream on the judged remote, where the
 * change at `head` lands (landsOn, the same name on the remote as `own`), as explain and review judge it: a branch
 * cut from release/1 was judged against the default branch, its range holding release/1's own commits. With no
 * remote (`remote` undefined) or no fetched policy branch, landingBranch alone.
 */
export async function verifyDefaultBranch(
  cwd: string,
  o: {
    upstream: string | undefined;
    sameName: string | undefined;
    policy: PolicySource;
    policyBranch: string | undefined;
    remote: string | undefined;
    policyTip: string | undefined;
    head: string;
    branches: Array<{ branch: string; sha: string }>;
  },
): Promise<string | undefined> {
  if (o.upstream !== undefined) return o.upstream;
  const { remote, policyBranch, policyTip } = o;
  if (!remote || !policyBranch || !policyTip) return landingBranch(o.sameName, o.policy, policyBranch);
  return landsOn(cwd, { ...o, remote, policyBranch, policyTip, own: o.sameName });
}

/**
 * Where the change at `head` on `own` (undefined: a change of its own, as review's queue judges a fetched branch)
 * lands: `own` when landingBranch keeps it (protected, or the policy unreadable), else the protected branch `head`
 * is based on (basedOnBranch). `branches`: `remote`'s fetched branches when the caller has listed them already.
 */
export async function landsOn(cwd: string, o: BasedOnQuery & { own: string | undefined }): Promise<string> {
  const lands = landingBranch(o.own, o.policy, o.policyBranch);
  if (lands !== undefined && lands === o.own) return lands;
  return basedOnBranch(cwd, o);
}

/** The change basedOnBranch places: its tip `head`, and the policy and branches of `remote` as fetched. */
export interface BasedOnQuery {
  remote: string;
  head: string;
  policy: PolicySource;
  policyBranch: string;
  policyTip: string;
  branches?: Array<{ branch: string; sha: string }>;
}

/** How many commits of a change basedOnBranch reads: a larger one is judged against the policy branch. */
const BASED_ON_COMMITS = 1000;

/**
 * The protected branch a change at `head` is based on, where it lands when its own branch is not protected
 * (newuser22 F-review-release): of `remote`'s protected branches as fetched, the one `head` brings the fewest
 * commits onto, the policy branch (`policyBranch` at `policyTip`) on a tie. A hotfix cut from release/1.0 lands
 * there: judged against main, its range (and the approve command's --base) also held release/1.0's own commits,
 * and a reviewer who wrote one of those could not approve it. Only protected branches holding some of the commits
 * `head` brings onto the policy branch are counted (one rev-list and one for-each-ref; a count each), so a feature
 * branch of the policy branch costs two git processes, and none where nothing else is protected.
 */
export async function basedOnBranch(cwd: string, o: BasedOnQuery): Promise<string> {
  const { remote, head, policy, policyBranch, policyTip } = o;
  if (policy.kind !== 'ok') return policyBranch;
  const others = (o.branches ?? (await remoteBranches(cwd, remote))).filter(
    (b) => b.branch !== policyBranch && isProtected(policy.policy, b.branch) !== undefined,
  );
  if (others.length === 0) return policyBranch;
  const listed = await runGit(
    ['rev-list', '--parents', `--max-count=${BASED_ON_COMMITS + 1}`, head, '--not', policyTip],
    { cwd },
  );
  const commits = listed.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' '));
  if (commits.length === 0 || commits.length > BASED_ON_COMMITS) return policyBranch;
  // A branch holding any of these commits holds one whose parents are not among them.
  const inside = new Set(commits.map(([c]) => c));
  const bottoms = commits.filter(([, ...parents]) => parents.every((p) => !inside.has(p))).map(([c]) => c);
  const holding = await runGit(
    [
      'for-each-ref',
      '--format=%(refname)',
      ...bottoms.map((c) => `--contains=${c}`),
      ...others.map((b) => `refs/remotes/${remote}/${b.branch}`),
    ],
    { cwd },
  );
  let best = { branch: policyBranch, count: commits.length };
  for (const ref of holding.stdout.split('\n').filter(Boolean).sort()) {
    const count = await runGit(['rev-list', '--count', `${ref}..${head}`], { cwd });
    const n = Number(count.stdout.trim());
    if (Number.isFinite(n) && n < best.count) best = { branch: ref.slice(`refs/remotes/${remote}/`.length), count: n };
  }
  return best.branch;
}

/**
 * landingBranch as a clone can tell it: the policy read at `remote`'s default branch as fetched (the policy
 * branch on clients). Without a fetched policy branch, `own` (undefined when there is no upstream either).
 */
export async function landingTarget(
  cwd: string,
  remote: string,
  own: string | undefined,
  /** The change's tip: where `own` is not protected, it lands on the protected branch it is based on. */
  head?: string,
): Promise<string | undefined> {
  const policyBranch = await remoteDefaultBranch(cwd, remote);
  if (!policyBranch) return own;
  const tip = await resolveCommit(cwd, `refs/remotes/${remote}/${policyBranch}`);
  if (!tip) return own;
  const policy = await policySourceAt(cwd, tip, `${remote}/${policyBranch}`, policyBranch);
  if (head === undefined) return landingBranch(own, policy, policyBranch);
  return landsOn(cwd, { remote, own, head, policy, policyBranch, policyTip: tip });
}
