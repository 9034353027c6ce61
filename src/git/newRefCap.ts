import { runGit } from './gitRunner';
import { isNullObjectId } from '../core/nullObjectId';

/** The server's git config key bounding how many refs one push may create (`git config countersign.maxNewRefs N`). */
export const MAX_NEW_REFS_KEY = 'countersign.maxNewRefs';
export const MAX_NEW_REFS_DEFAULT = 1000;

/**
 * Why a push creating this many refs is refused, or undefined (attack17 Q1). Anyone may create tags and branches
 * at landed commits, and each ref the server holds costs every later push a little (serverRefs.ts reads only what
 * the push needs, but git's own ref handling grows with them): a keyless pusher's 250,000 tags once ran every push
 * into the hook's timeout, and only an administrator could delete them. One push creates at most
 * MAX_NEW_REFS_DEFAULT refs, or what the server's administrator sets (0: no bound); a burst of pushes stays
 * visible in the server's log, an import of a big history is an administrator's job.
 */
export async function newRefCapRefusal(
  cwd: string,
  updates: ReadonlyArray<{ old: string; ref: string }>,
): Promise<string | undefined> {
  const created = updates.filter((u) => isNullObjectId(u.old)).length;
  if (created === 0) return undefined;
  const r = await runGit(['config', '--get', MAX_NEW_REFS_KEY], { cwd, okCodes: [1] });
  const set = r.code === 0 ? r.stdout.trim() : '';
  // An unreadable value keeps the default: a typo in the server's config must not lift the bound.
  const cap = /^\d+$/.test(set) ? Number(set) : MAX_NEW_REFS_DEFAULT;
  if (cap === 0 || created <= cap) return undefined;
  return `this push creates ${created} refs, more than this server accepts in one push (${cap}, git config ${MAX_NEW_REFS_KEY}): every ref the server holds costs each later push a little, so mass creation is bounded; push them in parts, or an administrator raises the bound in the server's repository (\`git config ${MAX_NEW_REFS_KEY} N\`; 0 lifts it)`;
}
