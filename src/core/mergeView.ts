import type { ChangedFile, GateCommit } from './gate';
import { MAX_DIFF_BLOB_BYTES } from './textLines';

/**
 * The files a commit is charged for by the per-commit rules that read paths and deletions (tiers, review.paths,
 * the policy-change check: core/reviewNeed.ts). An ordinary commit: its diff. A merge: its first-parent diff
 * less what it only brings in (outside tester, session 7, G14: an approved Dockerfile or 600-line deletion was
 * charged again on the merge commit that took it into main, and a branch that had merged main in was charged
 * for main's own approved change). A file of the merge's first-parent diff is brought in, not changed, when
 *  - a side commit of the push made exactly that change (same object before and after: the first parent's
 *    version to the merge's). That commit is in the push, so it is judged on its own — for the same tier, path
 *    or policy change, and it cannot be exempt itself unless an earlier commit made the very same change; or
 *  - the merge leaves the file as the push's review base has it (`sameAsBase`, read by src/git/gateInput.ts):
 *    it then changes nothing the branch does not already hold.
 * Nothing else is exempt. A merge whose side took the file from an old tree with no commit changing it (a side
 * built on an old commit, then a merge keeping the old file) matches neither and is charged as before, as is a
 * merge's own resolution; entries without objects (what gateInput adds for the update's net change, what an
 * allowed rewind drops) are always charged.
 */
export function chargedFiles(commits: GateCommit[]): Map<string, ChangedFile[]> {
  const out = new Map<string, ChangedFile[]>();
  const merges = commits.filter((c) => c.parents.length > 1);
  if (merges.length === 0) return out;
  const byId = new Map(commits.map((c) => [c.sha, c]));
  for (const m of merges) {
    // Its sides are not walked (one walk of the range per parent): it is charged for its whole first-parent diff.
    if (!mergeReadable(m.parents)) {
      out.set(m.sha, m.files);
      continue;
    }
    const first = ancestorsInRange(m.parents[0], byId);
    const changes = new Set<string>();
    for (const p of m.parents.slice(1))
      for (const id of ancestorsInRange(p, byId)) {
        if (first.has(id)) continue;
        for (const f of byId.get(id)?.files ?? []) if (f.oids) changes.add(changeKey(f.path, f.oids));
      }
    const same = new Set(m.sameAsBase ?? []);
    out.set(
      m.sha,
      m.files.filter((f) => !(f.oids && (changes.has(changeKey(f.path, f.oids)) || same.has(f.path)))),
    );
  }
  return out;
}

function changeKey(path: string, oids: { old: string; new: string }): string {
  return `${oids.old} ${oids.new} ${path}`;
}

/** Commits of the range reachable from `tip` (including it), walking parents inside the range only. */
export function ancestorsInRange(tip: string, byId: Map<string, Pick<GateCommit, 'parents'>>): Set<string> {
  const out = new Set<string>();
  const stack = [tip];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (out.has(id) || !byId.has(id)) continue;
    out.add(id);
    stack.push(...(byId.get(id)?.parents ?? []));
  }
  return out;
}

/**
 * The most parents a merge may name for the gate to read it as a merge (attack26 03). git's combined diff keeps
 * a counter per line per parent (combine-diff.c) and diffs each file once per parent, and chargedFiles walks the
 * range once per parent: a 1 MiB commit object names one parent 21,000 times (git accepts duplicates), which took
 * 1.5 GB and 73 s of the server per push. Octopus merges git makes name a few parents (Linux's largest, 66);
 * none names one twice. What each file of a readable merge may weigh shrinks with its parents
 * (combinedDiffBlobBytes), so git's counters stay within what a two-parent diff of the largest file costs.
 */
export const MAX_MERGE_PARENTS = 100;

/**
 * Whether the gate reads a merge's own lines with git's combined diff, and exempts what its sides brought in
 * (chargedFiles): at most MAX_MERGE_PARENTS parents, no parent named twice. Any other merge fails closed: its own
 * lines are all it adds over its first parent (src/git/mergeOwnLines.ts), and it is charged for that whole diff.
 */
export function mergeReadable(parents: readonly string[]): boolean {
  return parents.length <= MAX_MERGE_PARENTS && new Set(parents).size === parents.length;
}

/**
 * The largest file version git's combined diff of a merge with `parents` parents may read (src/git/oversizedDiffs.ts):
 * its counters grow with lines x parents, so the two-parent bound (core/textLines.ts MAX_DIFF_BLOB_BYTES, attack22
 * 01) is shared among them — a 100-parent merge's files up to ~670 KB each. A merge with a larger one is not
 * diffed, and fails closed as one over the bound does.
 */
export function combinedDiffBlobBytes(parents: number): number {
  return Math.floor((2 * MAX_DIFF_BLOB_BYTES) / Math.max(2, parents));
}
