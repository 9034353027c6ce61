import type { ChangedFile } from '../core/gate';
import { runGit } from './gitRunner';
import { emptyTree } from './emptyTree';
import { lossBetween } from './netChange';

/**
 * A non-fast-forward update of a branch (docs/design.md, "The policy": allowForcePushes). What the rewind drops is
 * the change from the branch's current value back to where the new value leaves it: files that exist now
 * and would be gone, lines that would be removed. The gate counts those as deleted for its tiers, so a
 * force-push cannot make reviewed work — or an environment's definition — disappear without a second person.
 */
export interface Rewind {
  /** Commits on the branch now that the update drops. */
  dropped: number;
  /** The undoing diff (current value → the merge-base), as deleted files and lines. */
  files: ChangedFile[];
  /** Where the new value leaves the branch's history (the merge-base, or the empty tree): its net change is from here. */
  point: string;
}

/** The rewind when `next` does not contain `current`, else undefined (a fast-forward). */
export async function rewindOf(cwd: string, current: string, next: string): Promise<Rewind | undefined> {
  if (current === next) return undefined; // nothing moves (the panel judges a branch already at its target)
  const ff = await runGit(['merge-base', '--is-ancestor', current, next], { cwd, okCodes: [1] });
  if (ff.code === 0) return undefined;
  const mb = await runGit(['merge-base', current, next], { cwd, okCodes: [1] });
  // No common history (a rewind to a root of its own): everything on the branch now is dropped.
  const to = mb.code === 0 ? mb.stdout.trim() : await emptyTree(cwd);
  const dropped = Number((await runGit(['rev-list', '--count', current, '--not', next, '--'], { cwd })).stdout.trim());
  const files = await lossBetween(cwd, current, to);
  return { dropped, files, point: to };
}
