import type { ChangedFile, GateCommit } from './gate';
import { shortSha } from './shortSha';
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
export function chargedFiles(commits: GateCommit[], notices?: string[]): Map<string, ChangedFile[]> {
  const out = new Map<string, ChangedFile[]>();
  // Its sides are not walked (one walk per parent): a merge mergeReadable refuses is charged for its whole diff.
  const walked = mergeSides(commits, (m) => mergeReadable(m.parents));
  const byId = new Map(commits.map((c) => [c.sha, c]));
  for (const m of commits) {
    if (m.parents.length < 2) continue;
    const side = walked.sides.get(m.sha);
    if (!side) {
      out.set(m.sha, m.files);
      continue;
    }
    const changes = new Set<string>();
    for (const id of side)
      for (const f of byId.get(id)?.files ?? []) if (f.oids) changes.add(changeKey(f.path, f.oids));
    const same = new Set(m.sameAsBase ?? []);
    out.set(
      m.sha,
      m.files.filter((f) => !(f.oids && (changes.has(changeKey(f.path, f.oids)) || same.has(f.path)))),
    );
  }
  if (walked.unwalked.length > 0) notices?.push(unwalkedNotice(walked.unwalked));
  return out;
}

/** A file's change as its objects before and after: how a merge's change is matched to its side's. */
export function changeKey(path: string, oids: { old: string; new: string }): string {
  return `${oids.old} ${oids.new} ${path}`;
}

/**
 * The work mergeSides does for all the merges of one range (bounds22): commits taken off its queue, parent links
 * followed, and the changed files of the side commits it hands back (what its callers then read). Walking each
 * side parent's ancestry whole, as it once did, cost a push of 10,000 two-parent merges ~50 million steps (2,000
 * merges: pre-receive 48 s, verify 38 s; 4,000: past the hook's timeout); the walk below takes a few per merge of
 * such a chain. It is still as long as what a merge's sides hold: a history whose 2,000 merges each take in the
 * same 2,000-commit side branch from a first parent without it needs 4 million. Past the bound the remaining
 * merges are not walked and fail closed: charged for their whole first-parent diff (chargedFiles, with a notice),
 * every deletion their own (core/reviewNeed.ts). Merges of real histories take a few to a few thousand steps each.
 */
export const MAX_MERGE_WALK_STEPS = 4_000_000;

/** What mergeSides found: each walked merge's side commits, the merges past the bound, and the steps it took. */
export interface MergeSides {
  sides: Map<string, string[]>;
  unwalked: string[];
  steps: number;
}

/**
 * For each merge of `commits` that `walk` accepts: its side commits, those of the range (`commits`) reachable from
 * a parent other than the first, walking parents inside the range only, and not reachable from the first parent.
 * Each merge's walk takes commits in reverse topological order (children before parents), colouring what it
 * meets as reached from the first parent, from a side, or both; a commit's colour is final when it is taken, and
 * the walk stops when none reached from a side alone is left to take: what lies below is the first parent's.
 * So it reads what the merge's sides hold and what leads back to where they meet the first parent, not the range
 * once per parent. Bounded by MAX_MERGE_WALK_STEPS over all the merges (`maxSteps` for tests).
 */
export function mergeSides(
  commits: ReadonlyArray<Pick<GateCommit, 'sha' | 'parents' | 'files'>>,
  walk: (merge: Pick<GateCommit, 'sha' | 'parents'>) => boolean,
  maxSteps = MAX_MERGE_WALK_STEPS,
): MergeSides {
  const out: MergeSides = { sides: new Map(), unwalked: [], steps: 0 };
  const merges = commits.filter((c) => c.parents.length > 1 && walk(c));
  if (merges.length === 0) return out;
  const order = topologicalOrder(commits);
  const n = order.ids.length;
  const color = new Uint8Array(n);
  const seenBy = new Int32Array(n).fill(-1);
  let budget = maxSteps;
  merges.forEach((m, k) => {
    if (budget <= 0) {
      out.unwalked.push(m.sha);
      return;
    }
    const queue = new MaxHeap();
    let sideOnly = 0;
    const reach = (i: number, bits: number) => {
      if (seenBy[i] !== k) {
        seenBy[i] = k;
        color[i] = bits;
        queue.push(i);
        if (bits === SIDE) sideOnly++;
      } else if ((color[i] | bits) !== color[i]) {
        if (color[i] === SIDE) sideOnly--;
        color[i] |= bits;
      }
    };
    m.parents.forEach((p, j) => {
      const i = order.index.get(p);
      if (i !== undefined) reach(i, j === 0 ? FIRST : SIDE);
    });
    const side: string[] = [];
    while (sideOnly > 0 && budget > 0) {
      const i = queue.pop();
      const bits = color[i];
      budget--;
      if (bits === SIDE) {
        sideOnly--;
        side.push(order.ids[i]);
        budget -= order.files[i];
      }
      for (const q of order.parents[i]) {
        budget--;
        reach(q, bits);
      }
    }
    if (sideOnly > 0) out.unwalked.push(m.sha);
    else out.sides.set(m.sha, side);
  });
  out.steps = maxSteps - budget;
  return out;
}

const FIRST = 1;
const SIDE = 2;

/**
 * The range's commits numbered so that every commit comes after its parents in the range (the gate's `--topo-order
 * --reverse` listing as it is; any other order sorted by a depth-first walk), with each commit's parents in the
 * range (once each) and its number of changed files.
 */
function topologicalOrder(commits: ReadonlyArray<Pick<GateCommit, 'sha' | 'parents' | 'files'>>): {
  ids: string[];
  index: Map<string, number>;
  parents: number[][];
  files: number[];
} {
  const bySha = new Map<string, Pick<GateCommit, 'sha' | 'parents' | 'files'>>();
  for (const c of commits) bySha.set(c.sha, c);
  const ids: string[] = [];
  const index = new Map<string, number>();
  const listed = new Map<string, number>();
  commits.forEach((c, i) => {
    if (!listed.has(c.sha)) listed.set(c.sha, i);
  });
  const sorted = commits.every((c, i) => listed.get(c.sha) !== i || c.parents.every((p) => (listed.get(p) ?? -1) < i));
  if (sorted) {
    for (const c of commits) if (!index.has(c.sha)) index.set(c.sha, ids.push(c.sha) - 1);
  } else {
    // Depth first, parents before the commit: iterative, so a long chain cannot exhaust the stack.
    const entered = new Set<string>();
    for (const c of commits) {
      const stack: Array<{ sha: string; next: number }> = [{ sha: c.sha, next: 0 }];
      while (stack.length > 0) {
        const top = stack[stack.length - 1];
        if (top.next === 0) {
          if (entered.has(top.sha)) {
            stack.pop();
            continue;
          }
          entered.add(top.sha);
        }
        const parents = bySha.get(top.sha)?.parents ?? [];
        if (top.next < parents.length) {
          const p = parents[top.next++];
          if (bySha.has(p) && !entered.has(p)) stack.push({ sha: p, next: 0 });
          continue;
        }
        stack.pop();
        index.set(top.sha, ids.push(top.sha) - 1);
      }
    }
  }
  const parents = ids.map((id) => {
    const own = new Set<number>();
    for (const p of bySha.get(id)?.parents ?? []) {
      const i = index.get(p);
      if (i !== undefined) own.add(i);
    }
    return [...own];
  });
  return { ids, index, parents, files: ids.map((id) => bySha.get(id)?.files.length ?? 0) };
}

/** A binary max-heap of commit numbers: the walk takes the latest (a child before any of its parents) first. */
class MaxHeap {
  private readonly a: number[] = [];
  push(v: number): void {
    const a = this.a;
    let i = a.push(v) - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (a[up] >= v) break;
      a[i] = a[up];
      i = up;
    }
    a[i] = v;
  }
  pop(): number {
    const a = this.a;
    const top = a[0];
    const last = a.pop() as number;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const c = l + 1 < a.length && a[l + 1] > a[l] ? l + 1 : l;
        if (a[c] <= last) break;
        a[i] = a[c];
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

/** The notice for merges past MAX_MERGE_WALK_STEPS: charged for their whole first-parent diff. */
function unwalkedNotice(unwalked: readonly string[]): string {
  const more = unwalked.length > 1 ? ` (and ${unwalked.length - 1} more merge${unwalked.length > 2 ? 's' : ''})` : '';
  return `merge ${shortSha(unwalked[0])}${more} is charged for its whole first-parent diff, as if its sides brought nothing in: telling what they bring would walk this history past the ${MAX_MERGE_WALK_STEPS} steps the gate takes for all its merges (merges that each take in a long side branch again); push it in parts, or have it reviewed as it is`;
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
  let known = readable.get(parents);
  if (known === undefined) {
    known = parents.length <= MAX_MERGE_PARENTS && new Set(parents).size === parents.length;
    readable.set(parents, known);
  }
  return known;
}

/**
 * mergeReadable's answers by parents list: the gate asks it of each merge twice (src/git/mergeOwnLines.ts, then
 * chargedFiles) of the same GateCommit, whose parents are not changed once read.
 */
const readable = new WeakMap<readonly string[], boolean>();

/**
 * The largest file version git's combined diff of a merge with `parents` parents may read (src/git/oversizedDiffs.ts):
 * its counters grow with lines x parents, so the two-parent bound (core/textLines.ts MAX_DIFF_BLOB_BYTES, attack22
 * 01) is shared among them — a 100-parent merge's files up to ~670 KB each. A merge with a larger one is not
 * diffed, and fails closed as one over the bound does.
 */
export function combinedDiffBlobBytes(parents: number): number {
  return Math.floor((2 * MAX_DIFF_BLOB_BYTES) / Math.max(2, parents));
}
