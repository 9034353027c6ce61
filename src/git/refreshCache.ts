import { inGitReadCache } from './gitRunner';
import { isPartialClone } from './missingObjects';

/**
 * Answers fixed by the object ids they were asked about, kept from one refresh of the review panel to the
 * next (issue 11: a refresh that finds the same refs should re-read nothing). A commit, its tree and blobs
 * never change under an id; only git's view of objects does — a partial clone's promisor remote (refs/replace/*
 * cannot: every git process runs with GIT_NO_REPLACE_OBJECTS, gitRunner.GIT_ENV) — so `objectView` is part of
 * every key. Each caller puts into the key whatever else its answer follows (a notes ref's tip, a remote's branch
 * tips). A few answers of each kind are kept per repository, the least recently used dropped first;
 * an answer that failed, or that the caller says is not worth keeping (a transient error), is asked again.
 * Only within a snapshot (gitRunner.withGitReadCache), whose config listing answers `objectView` without a process.
 */
const KEPT_PER_KIND = 8;
const kept = new Map<string, Map<string, Promise<unknown>>>();

/**
 * What decides how git reads objects by id here: whether this is a partial clone. Listing refs/replace/ as well
 * cost the server's pre-receive a git process per push (its snapshot lists no refs) for nothing git would use.
 */
async function objectView(cwd: string): Promise<string> {
  return (await isPartialClone(cwd)) ? 'partial' : 'full';
}

/**
 * `compute`'s answer, kept under `kind` and the key `parts` give (with the objectView) for later snapshots.
 * Outside a snapshot it is simply computed: `parts` is not asked (its questions would cost processes there).
 */
export async function keptAnswer<T>(
  cwd: string,
  kind: string,
  parts: () => Promise<unknown[]>,
  compute: () => Promise<T>,
  worthKeeping: (answer: T) => boolean = () => true,
): Promise<T> {
  if (!inGitReadCache()) return compute();
  const [given, view] = await Promise.all([parts(), objectView(cwd)]);
  const key = JSON.stringify([...given, view]);
  const slot = `${cwd}\0${kind}`;
  let answers = kept.get(slot);
  if (!answers) kept.set(slot, (answers = new Map()));
  const known = answers.get(key) as Promise<T> | undefined;
  if (known) {
    // Most recently used last: the oldest is the one dropped.
    answers.delete(key);
    answers.set(key, known);
    return known;
  }
  const answer = compute();
  const mine = answers;
  mine.set(key, answer);
  const forget = () => {
    if (mine.get(key) === answer) mine.delete(key);
  };
  answer.then((a) => (worthKeeping(a) ? undefined : forget()), forget);
  while (mine.size > KEPT_PER_KIND) mine.delete(mine.keys().next().value as string);
  return answer;
}

/** Forgets every kept answer (tests that rewrite a repository's objects under the same ids). */
export function forgetKeptAnswers(): void {
  kept.clear();
}
