import { runGit } from './gitRunner';
import { walkInput } from './walkInput';

/** Beyond this many commits new to the tips, the walk stops: it can then not say which commits are held. */
const WALK_LIMIT = 100_000;

/**
 * Which of `commits` the history of `tips` already holds: one `rev-list` of what they bring beyond the tips (on
 * git's stdin, L9). Undefined when that walk passes WALK_LIMIT: each caller fails closed its own way (the push's
 * refs are then judged in full; every rewritten landed note is judged).
 */
export async function commitsHeldBy(
  cwd: string,
  commits: readonly string[],
  tips: readonly string[],
): Promise<Set<string> | undefined> {
  const r = await runGit(['rev-list', `--max-count=${WALK_LIMIT}`, '--stdin', '--'], {
    cwd,
    input: walkInput(commits, tips),
  });
  const fresh = r.stdout.split('\n').filter(Boolean);
  if (fresh.length >= WALK_LIMIT) return undefined;
  const brought = new Set(fresh);
  return new Set(commits.filter((c) => !brought.has(c)));
}
