import type { GateCommit } from './gate';
import { shortSha } from './shortSha';

export interface UnjudgedGitlink {
  path: string;
  target: string;
  /**
   * Where the commit it names is: not in this repository, on no protected ref, or an older commit of a protected
   * ref that is neither its current value nor a reviewed point (attack23 02).
   */
  where: 'absent' | 'unprotected' | 'older';
}

const WHERE: Record<UnjudgedGitlink['where'], string> = {
  absent: 'not in this repository',
  unprotected: 'on no protected branch',
  older: "an older commit of a protected branch, neither a protected branch's tip nor a reviewed point",
};

/**
 * Why a commit that sets a gitlink to a commit the gate does not vouch for needs review (src/git/gitlinkPins.ts
 * says which gitlinks those are). The submodule's code ships with the protected branch, but the gate cannot see
 * who wrote it, so — like untracked lines — it is not presumed reviewed: a reviewer approving this commit vouches
 * for it, or the gitlink names a protected branch's tip or a reviewed point and passes. An older commit of a
 * protected branch is no state anyone vouches for now (attack23 02: it can hold code the branch has removed).
 */
export function gitlinkReviewReason(c: Pick<GateCommit, 'unjudgedGitlinks'>): string | undefined {
  const links = c.unjudgedGitlinks ?? [];
  if (links.length === 0) return undefined;
  const shown = links
    .slice(0, 3)
    .map((g) => `${g.path} → ${shortSha(g.target)} (${WHERE[g.where]})`)
    .join(', ');
  const more = links.length > 3 ? `, and ${links.length - 3} more` : '';
  return `pins submodule commit(s) the gate does not vouch for: ${shown}${more} — their code ships with this branch unreviewed; pin a protected branch's tip or a reviewed point, or have this commit approved`;
}
