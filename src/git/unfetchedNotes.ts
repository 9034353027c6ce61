import { REVIEW_NOTES_REF, TRACKING_PREFIX } from './notesConfig';
import { runGit } from './gitRunner';
import { listRemotes } from './remotes';

/**
 * Why a clone's review figures count nothing, or undefined (newuser8 F13). A plain `git clone` fetches no
 * notes, so a reader who runs `report` before `countersign install` sees "0 reviewed" for a history every
 * commit of which was approved. Said only when this clone has no approvals ref *and* no remote is set up to
 * fetch one (install's refspecs into refs/countersign/remotes/): once they are, an absent ref means the remote
 * has no approvals yet, which is no warning. The fix is install + fetch, never a raw `refs/notes/*` fetch,
 * which would overwrite local notes instead of merging them.
 */
export async function unfetchedNotesWarning(cwd: string): Promise<string | undefined> {
  const ref = await runGit(['rev-parse', '--verify', '-q', REVIEW_NOTES_REF], { cwd, okCodes: [1, 128] });
  if (ref.code === 0) return undefined;
  if ((await listRemotes(cwd)).length === 0) return undefined;
  const fetch = await runGit(['config', '--get-regexp', '^remote\\..*\\.fetch$'], { cwd, okCodes: [1] });
  if (fetch.stdout.includes(TRACKING_PREFIX)) return undefined;
  return `this clone has no ${REVIEW_NOTES_REF} (a plain clone fetches no notes), so review coverage counts nothing and AI lines come from trailers alone: run \`countersign install\` (it sets the notes refspecs), then \`git fetch\``;
}
