import { changedPathsRefusal, type PathsOver } from './changedPaths';
import { shortSha } from './shortSha';

/**
 * How much of a commit object Countersign reads (attack21 02). A message of 300 MB of one letter is 300 KB on the
 * wire, and the gate read each commit object whole: 1.28 GB for one push. Messages Countersign's hooks write are
 * a few hundred bytes (a subject, a body, the trailers), the largest real commits a few KB (a squash's list of
 * subjects), so 1 MiB is far above anything written by hand and far below what hurts. Readers stream a larger
 * object past without holding it (git/catFileBatch.ts `maxBytes`); the gate refuses it on a protected ref.
 */
export const MAX_COMMIT_BYTES = 1024 * 1024;

/** The clause completing "commit X …" for an object over the bound: its message is not read. */
export function oversizedCommitClause(bytes: number): string {
  return `is ${bytes} bytes, more than the ${MAX_COMMIT_BYTES} bytes the gate reads of a commit`;
}

/**
 * Why a protected ref may not take these commits, or undefined: the first over the bound (and how many more), in one
 * sentence; else, where reading stopped at the changed paths' bound, core/changedPaths.ts's sentence (too large to
 * read, either way). Said by verify, pre-push and pre-receive alike (git/gateInput.ts is the one place that asks).
 */
export function oversizedCommitsRefusal(
  commits: ReadonlyArray<{ sha: string; oversized?: number; pathsOver?: PathsOver }>,
): string | undefined {
  const over = commits.filter((c) => c.oversized !== undefined);
  if (over.length === 0) return changedPathsRefusal(commits);
  const more = over.length > 1 ? ` (and ${over.length - 1} more commit${over.length > 2 ? 's' : ''} like it)` : '';
  return `commit ${shortSha(over[0].sha)} ${oversizedCommitClause(over[0].oversized as number)}${more}, so its message and trailers cannot be judged; no commit Countersign's hooks write comes near that — make its message shorter (\`git commit --amend\` for the last commit, \`git rebase -i\` for an older one) and push again`;
}
