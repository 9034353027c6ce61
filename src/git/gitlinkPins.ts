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
 * The rule: a gitlink a pushed commit adds or changes names a judged commit — one reachable from `judged` (the
 * pushed head, whose new commits this push judges, and the protected branches, whose commits were judged when
 * they landed) — or its commit needs review (core/gitlinkReview.ts). That covers a commit of an unprotected
 * branch, one the repository does not have (yet), and another repository's commit alike: the gate cannot see
 * who wrote any of them. Two git processes per push that sets gitlinks; none otherwise.
 */
export async function markUnjudgedGitlinks(cwd: string, commits: GateCommit[], judged: string[]): Promise<void> {
  const targets = new Set<string>();
  for (const c of commits) for (const f of c.files) if (f.gitlink !== undefined) targets.add(f.gitlink);
  if (targets.size === 0) return;
  const list = [...targets];
  // Never fetched: in a partial clone a missing object reads as missing, which fails closed here.
  const check = await runGit(['cat-file', '--batch-check=%(objectname) %(objecttype)'], {
    cwd,
    input: list.join('\n') + '\n',
    env: noLazyFetchEnv(),
  });
  const present = new Set<string>();
  check.stdout.split('\n').forEach((line, i) => {
    if (line === `${list[i]} commit`) present.add(list[i]);
  });
  // A target outside what `judged` reaches is listed by this walk (itself first); a judged one is not.
  const unjudged = new Set<string>();
  if (present.size > 0) {
    const tips = [...new Set(judged)];
    const walk = await runGit(['rev-list', '--stdin', '--'], {
      cwd,
      env: noLazyFetchEnv(),
      input: walkInput([...present], tips),
    });
    for (const id of walk.stdout.split('\n')) if (present.has(id)) unjudged.add(id);
  }
  for (const c of commits) {
    const found: UnjudgedGitlink[] = [];
    for (const f of c.files) {
      if (f.gitlink === undefined) continue;
      if (!present.has(f.gitlink)) found.push({ path: f.path, target: f.gitlink, present: false });
      else if (unjudged.has(f.gitlink)) found.push({ path: f.path, target: f.gitlink, present: true });
    }
    if (found.length > 0) c.unjudgedGitlinks = found;
  }
}
