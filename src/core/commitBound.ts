import { changedPathsRefusal, type PathsOver } from './changedPaths';
import { shortSha } from './shortSha';

/**
 * How much of a commit or tag object Countersign reads (attack21 02) — the one bound on every object git parses
 * whole whenever a walk or a peel meets it and that a protected or append-only ref then keeps: commits on protected
 * refs, annotated tags (and tags they wrap) on protected tags (attack26 07), commits of the notes refs (attack26 08).
 * A 200 MB tag or notes commit — a few hundred KB on the wire — that landed cost every later push 13–36 s, and
 * neither can be removed by a pusher (a protected tag is not deleted, a notes ref never rewound). Tag messages and
 * notes commits' messages are as short as commits' (a signed tag's signature is a few KB). For commits: a message
 * of 300 MB of one letter is 300 KB on the wire, and the gate read each commit object whole: 1.28 GB for one push.
 * Messages Countersign's hooks write are a few hundred bytes (a subject, a body, the trailers), the largest real
 * commits a few KB (a squash's list of subjects), so 1 MiB is far above anything written by hand and far below what hurts. Readers stream a larger
 * object past without holding it (git/catFileBatch.ts `maxBytes`); the gate refuses it on a protected ref.
 */
export const MAX_COMMIT_BYTES = 1024 * 1024;

/** The clause completing "commit X …" for an object over the bound: its message is not read. */
export function oversizedCommitClause(bytes: number): string {
  return `is ${bytes} bytes, more than the ${MAX_COMMIT_BYTES} bytes the gate reads of a commit`;
}

/** The kinds of object the bound covers apart from a protected ref's commits (whose refusal is below). */
export type BoundedObject = 'tag object' | 'notes commit';

/**
 * Why a push may not leave `what` `sha` of `bytes` (over MAX_COMMIT_BYTES) on `ref`: one sentence naming the object,
 * its size and the bound, then `fix`. Said by the server's notes guard, and for tags by verify, pre-push and
 * pre-receive alike (git/peelTag.ts).
 */
export function oversizedObjectRefusal(
  what: BoundedObject,
  sha: string,
  bytes: number,
  ref: string,
  fix: string,
): string {
  const kept =
    what === 'tag object' ? 'a protected tag is kept for good' : `${ref} is append-only and keeps it for good`;
  return `${what} ${shortSha(sha)} is ${bytes} bytes, more than the ${MAX_COMMIT_BYTES} bytes the gate reads of a commit or tag object; git parses it whole whenever a walk or a peel meets it, and ${kept}, so every later push would pay for it — ${fix}`;
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
