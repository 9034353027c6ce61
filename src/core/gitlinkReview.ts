import type { GateCommit } from './gate';
import { shortSha } from './shortSha';

/**
 * Why a commit that sets a gitlink to an unjudged commit needs review (src/git/gitlinkPins.ts says which
 * gitlinks those are). The submodule's code ships with the protected branch, but the gate cannot see who wrote
 * it, so — like untracked lines — it is not presumed reviewed: a reviewer approving this commit vouches for it,
 * or the named commit lands on a protected branch first (where it is judged) and the gitlink passes.
 */
export function gitlinkReviewReason(c: Pick<GateCommit, 'unjudgedGitlinks'>): string | undefined {
  const links = c.unjudgedGitlinks ?? [];
  if (links.length === 0) return undefined;
  const shown = links
    .slice(0, 3)
    .map(
      (g) => `${g.path} → ${shortSha(g.target)} (${g.present ? 'on no protected branch' : 'not in this repository'})`,
    )
    .join(', ');
  const more = links.length > 3 ? `, and ${links.length - 3} more` : '';
  return `pins submodule commit(s) the gate has not judged: ${shown}${more} — their code ships with this branch unreviewed; land them on a protected branch first, or have this commit approved`;
}
