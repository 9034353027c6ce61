import type { PolicySource } from '../core/gate';
import { isProtected } from '../core/policy';
import { runGit } from '../git/gitRunner';
import { policySourceAt, remoteDefaultBranch } from '../git/policyBranch';
import { remoteBranches } from '../git/remoteBranches';
import { resolveCommit } from '../git/stagedDiff';

/**
 * Where commits on `own` (a branch's upstream, or the same name on the remote) land: `own` itself when the
 * policy protects it (or cannot be read, failing closed), else the policy branch, where a feature branch lands
 * through a pull request (landingTarget, given the change's tip, then takes the protected branch it is based on:
 * basedOnBranch). `explain` judges a commit for this branch, as the review panel's "Your branch" does
 * (src/app/reviewSnapshot.ts developerGate), both through landingTarget; `verify` uses it only without an
 * upstream (verifyDefaultBranch).
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
 * current branch lands (landingBranch of the same name on the remote). It used to be the landing branch in
 * both cases, which is what explain and the panel keep (newuser15 #10).
 */
export function verifyDefaultBranch(
  upstream: string | undefined,
  sameName: string | undefined,
  policy: PolicySource,
  policyBranch: string | undefined,
): string | undefined {
  return upstream ?? landingBranch(sameName, policy, policyBranch);
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
export async function basedOnBranch(
  cwd: string,
  o: { remote: string; head: string; policy: PolicySource; policyBranch: string; policyTip: string },
): Promise<string> {
  const { remote, head, policy, policyBranch, policyTip } = o;
  if (policy.kind !== 'ok') return policyBranch;
  const others = (await remoteBranches(cwd, remote)).filter(
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
  const lands = landingBranch(own, policy, policyBranch);
  if (head === undefined || lands === own) return lands;
  return basedOnBranch(cwd, { remote, head, policy, policyBranch, policyTip: tip });
}
