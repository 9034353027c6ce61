import { CountersignError, errorMessage } from '../core/errors';
import { runGit } from './gitRunner';
import { shortSha } from '../core/shortSha';

/**
 * The value a tag has on the remote now, as the pre-push hook is told it and as the server judges a move from it
 * (a tag moved to a commit that does not contain the one it names is a rewind: session 8, H4). `verify --tag`
 * asks the remote with `ls-remote` (clones keep no remote-tracking copy of tags: `refs/tags/NAME` here is the
 * value being pushed) and fetches the object when this clone lacks it. Undefined: the remote has no such tag.
 * Any failure is "cannot know" (exit 2): judging a move as a new tag would pass what the server refuses.
 */
export async function remoteTagValue(
  cwd: string,
  remote: string,
  tagRef: string,
  timeoutMs: number,
): Promise<string | undefined> {
  const cannotKnow = (why: string) =>
    new CountersignError(
      'config',
      `verify: the current value of the tag ${tagRef.replace(/^refs\/tags\//, '')} on ${remote} is unknown (${why}), and a tag moved from it is judged from it; check the remote is reachable and run verify again`,
    );
  let listed: string;
  try {
    listed = (await runGit(['ls-remote', '--refs', remote, tagRef], { cwd, timeoutMs })).stdout;
  } catch (e) {
    throw cannotKnow(errorMessage(e));
  }
  // Exact name only: ls-remote's pattern also matches tails (`refs/tags/x/v1` for `v1`).
  const value = listed
    .split('\n')
    .map((l) => l.split('\t'))
    .find(([, name]) => name === tagRef)?.[0];
  if (value === undefined) return undefined;
  const here = await runGit(['cat-file', '-e', value], { cwd, okCodes: [1, 128] });
  if (here.code !== 0) {
    try {
      await runGit(['fetch', '--no-tags', '--no-write-fetch-head', '--quiet', remote, tagRef], { cwd, timeoutMs });
    } catch (e) {
      throw cannotKnow(`its object ${shortSha(value)} could not be fetched: ${errorMessage(e)}`);
    }
  }
  return value;
}
