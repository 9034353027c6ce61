import type { GateCommit, UnjudgedGitlink } from '../core/gate';
import { runGit } from './gitRunner';
import { noLazyFetchEnv } from './missingObjects';
import { walkInput } from './walkInput';

/**
 * What the gitlinks (submodule entries) a push sets name. A gitlink is code the protected branch ships: CI's
 * `git submodule update` checks the named commit out. An outside tester (session 5, F4) kept an unreviewed AI
 * commit X on an unprotected branch of the same server and put on main a gitlink to X with `.gitmodules`
 * saying `url = ./`; the commit on main added no AI line of its own and passed. Pushing the gitlink first and
 * X afterwards works as well, so "X is not here" proves nothing either.
 *
 * The rule: a gitlink a pushed commit adds or changes names a state the gate vouches for — a protected ref's
 * current value (`tips`) that is a judged state (`vouches`: not one free only for being pre-gate, attack24 04), a
 * commit this push judges, or a reviewed point a protected ref holds (`point`: the vouched-state rule new tags
 * meet, vouchedState.ts / vouchedTip.ts) — or its commit needs review (core/gitlinkReview.ts). Being reachable from a protected branch is not enough (attack23 02): a gitlink to the
 * commit before main removed an unreviewed pre-rollout agent script brought the script back, which a merge doing
 * the same is refused for (netChange.ts, G5). That covers a commit of an unprotected branch, one the repository
 * does not have (yet), and another repository's commit alike: the gate cannot see who wrote any of them. Two git
 * processes per push that sets gitlinks to anything but those states (and a judgement per approved candidate,
 * bounded by TipJudge); none otherwise.
 */
export async function markUnjudgedGitlinks(
  cwd: string,
  commits: GateCommit[],
  o: {
    /** Protected refs' current values, the ref's own included: what holds the older commits. */
    tips: string[];
    /** Whether such a value vouches as a judged state (vouchedState.ts, tipVouches: not one merely pre-gate). */
    vouches: (sha: string) => Promise<boolean>;
    /** Whether a commit a protected ref holds is a reviewed point (undefined: none is taken, a span's own judgement). */
    point?: (sha: string) => Promise<boolean>;
  },
): Promise<void> {
  const judgedNow = new Set(commits.map((c) => c.sha));
  const targets = new Set<string>();
  for (const c of commits)
    for (const f of c.files) if (f.gitlink !== undefined && !judgedNow.has(f.gitlink)) targets.add(f.gitlink);
  // A protected value parked at a pre-gate commit is no judged state (attack24 04): its target is judged as older.
  for (const t of targets) if (o.tips.includes(t) && (await o.vouches(t))) targets.delete(t);
  if (targets.size === 0) return;
  const list = [...targets];
  // Never fetched: in a partial clone a missing object reads as missing, which fails closed here.
  const check = await runGit(['cat-file', '--batch-check=%(objectname) %(objecttype)'], {
    cwd,
    input: list.join('\n') + '\n',
    env: noLazyFetchEnv(),
  });
  const where = new Map<string, UnjudgedGitlink['where']>(list.map((t) => [t, 'absent']));
  check.stdout.split('\n').forEach((line, i) => {
    if (line === `${list[i]} commit`) where.set(list[i], 'older');
  });
  const present = list.filter((t) => where.get(t) === 'older');
  if (present.length > 0) {
    // A target outside what the protected refs reach is listed by this walk (itself first); a held one is not.
    const walk = await runGit(['rev-list', '--stdin', '--'], {
      cwd,
      env: noLazyFetchEnv(),
      input: walkInput(present, [...new Set(o.tips)]),
    });
    const unheld = new Set(walk.stdout.split('\n'));
    for (const t of present) {
      if (unheld.has(t)) where.set(t, 'unprotected');
      else if (o.point && (await o.point(t))) where.delete(t);
    }
  }
  for (const c of commits) {
    const found: UnjudgedGitlink[] = [];
    for (const f of c.files) {
      const at = f.gitlink === undefined ? undefined : where.get(f.gitlink);
      if (f.gitlink !== undefined && at !== undefined) found.push({ path: f.path, target: f.gitlink, where: at });
    }
    if (found.length > 0) c.unjudgedGitlinks = found;
  }
}
