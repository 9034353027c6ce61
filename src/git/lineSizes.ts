import type { GateCommit } from '../core/gate';
import { commitAdded, commitProvenance, sizedLines, untrackedCount } from '../core/untrackedReview';
import { objectSizes } from './binaryFiles';

const NULL_OID = /^0+$/;

/**
 * The lines each commit's added bytes count beyond its newlines, for review.untracked (attack30 F1: a 318 KB one-line
 * module and a 64 KB binary with no newline byte each counted as one line): core/untrackedReview.ts sizedLines of
 * each file, its growth read from the sizes of its blobs before and after, from one `git cat-file --batch-check`
 * for the whole push (the ids are those of the gate's raw diff; the push's paths are bounded by core/changedPaths.ts
 * MAX_JUDGED_PATHS, so at most twice that many ids). Only for a commit with something unobserved to weigh: a
 * single-parent or root commit whose trailer counts untracked lines or leaves some of its diff's unaccounted. One
 * whose every line a hook saw written (a person's image added in the editor, a pasted long line) keeps its count,
 * and a push of such commits starts no process.
 */
export async function attachLineSizes(cwd: string, commits: GateCommit[]): Promise<void> {
  const held = commits.filter((c) => {
    if (c.parents.length > 1) return false;
    const n = untrackedCount(commitProvenance(c), commitAdded(c));
    return n !== undefined && n.untracked > 0;
  });
  const oids = new Set<string>();
  for (const c of held)
    for (const f of c.files)
      if (f.oids && !NULL_OID.test(f.oids.new))
        for (const o of [f.oids.old, f.oids.new]) if (!NULL_OID.test(o)) oids.add(o);
  if (oids.size === 0) return;
  const sizes = await objectSizes(cwd, oids);
  // A gitlink names a commit, not bytes of the tree: its one line is the diff's.
  const size = (oid: string) => (sizes.get(oid)?.type === 'blob' ? (sizes.get(oid)?.size ?? 0) : 0);
  for (const c of held) {
    let extra = 0;
    for (const f of c.files) {
      if (!f.oids || NULL_OID.test(f.oids.new)) continue;
      const added = f.added ?? 0;
      extra += sizedLines(added, size(f.oids.new) - (NULL_OID.test(f.oids.old) ? 0 : size(f.oids.old))) - added;
    }
    if (extra > 0) c.sizedLines = extra;
  }
}
