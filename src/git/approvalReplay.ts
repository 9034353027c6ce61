import * as path from 'path';
import {
  MAX_REPLAYS_PER_STATEMENT,
  NOT_REPLAYED,
  type LandedBack,
  type ReplayedTree,
} from '../core/approvalReplayCheck';
import type { ApprovalStatement } from '../core/approvalStatement';
import { CountersignError } from '../core/errors';
import { emptyTree } from './emptyTree';
import { runGit, sharedInSnapshot } from './gitRunner';
import { baseHolds, landedCopy } from './landedCopy';
import { inReplayScratch } from './replayScratch';

/**
 * What a rebase of an approved change onto `onto` gives: the tree of merging the approved span (base..tip)
 * into `onto` with the statement's base as the merge base — git's own three-way merge (merge-tree, ort), as a
 * rebase or cherry-pick would do it. A patch-id carries an approval only when the pushed commit has exactly
 * this tree: the patch-id ignores line numbers, so the same hunk applied at another place with the same
 * context (a second, identical function body) has the same patch-id but is another change.
 *
 * git 2.39 has no `merge-tree --merge-base`, so the three trees are wrapped in throwaway commits (fixed
 * identity and date, so they are the same objects every time) whose only common ancestor is the base, in a
 * throwaway repository reading this one's objects (replayScratch.ts), where no attributes or merge drivers apply.
 * `conflict`: the merge does not apply cleanly, so the approval does not carry. `missing`: the approved commits
 * are not in this repository (approved from a fork, or pruned), so nothing can be replayed.
 */
export async function replayedTree(
  cwd: string,
  span: { base: string; tip: string },
  onto: string | undefined,
): Promise<string | 'conflict' | 'missing'> {
  const target = onto ?? (await emptyTree(cwd));
  // The answer depends only on the objects named: a push's judgements (a tag at each commit of a chain) share it.
  return sharedInSnapshot(JSON.stringify(['replayedTree', cwd, span.base, span.tip, target]), () =>
    replay(cwd, span, target),
  );
}

async function replay(
  cwd: string,
  span: { base: string; tip: string },
  target: string,
): Promise<string | 'conflict' | 'missing'> {
  const r = await runGit(
    ['rev-parse', '--git-path', 'objects', `${span.base}^{tree}`, `${target}^{tree}`, `${span.tip}^{tree}`],
    { cwd, okCodes: [128] },
  );
  const lines = r.stdout.split('\n').filter(Boolean);
  if (r.code !== 0 || lines.length !== 4) return 'missing';
  const [objects, baseTree, ontoTree, tipTree] = lines;
  if (ontoTree === baseTree) return tipTree;
  const format = tipTree.length === 64 ? 'sha256' : 'sha1';
  // Not in the reader's repository: its attributes and merge drivers must not decide (replayScratch.ts).
  return inReplayScratch(cwd, path.resolve(cwd, objects), format, async (scratch) => {
    const env = { ...scratch.env, ...REPLAY_IDENTITY };
    const commit = async (tree: string, parent?: string) =>
      (
        await runGit(['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-m', 'countersign replay'], {
          cwd: scratch.cwd,
          env,
        })
      ).stdout.trim();
    try {
      const base = await commit(baseTree);
      const [ours, theirs] = await Promise.all([commit(ontoTree, base), commit(tipTree, base)]);
      const merged = await runGit(['merge-tree', '--write-tree', '--no-messages', ours, theirs], {
        cwd: scratch.cwd,
        env,
        okCodes: [1],
      });
      return merged.code === 0 ? merged.stdout.split('\n')[0].trim() : 'conflict';
    } catch (err) {
      // A blob this clone lacks (a partial clone: the scratch repository fetches nothing): nothing can be replayed.
      if (CountersignError.is(err, 'missingObject')) return 'missing';
      throw err;
    }
  });
}

/** Fixed identity and date: the throwaway commits are the same objects every time. */
const REPLAY_IDENTITY = {
  GIT_AUTHOR_NAME: 'countersign',
  GIT_AUTHOR_EMAIL: 'replay@countersign.invalid',
  GIT_AUTHOR_DATE: '@0 +0000',
  GIT_COMMITTER_NAME: 'countersign',
  GIT_COMMITTER_EMAIL: 'replay@countersign.invalid',
  GIT_COMMITTER_DATE: '@0 +0000',
};

/** Whether `commit` is in `onto`'s history (git merge-base --is-ancestor; a commit not here is not). */
async function containsCommit(cwd: string, onto: string, commit: string): Promise<boolean> {
  return (await runGit(['merge-base', '--is-ancestor', commit, onto], { cwd, okCodes: [1, 128] })).code === 0;
}

/**
 * The tree a commit carrying approval `st` by patch-id onto `onto` must have (RangeIndex.replayedTrees): the
 * approved change replayed there; null when it does not apply cleanly. When this repository lacks the approved
 * commits (core/approvalReplayCheck.ts ApprovedCommitsMissing), each of `anchors` — the commits the statement is
 * carried to, each judged as the change onto..anchor, and only those that can be carried so (RangeIndex.replaysBack)
 * — replayed back onto the statement's base instead: the statement signs that base and the approved tree, so the
 * same change is recognised without the approved commits (newuser20 F8: every clone but the author's after the
 * author rebased). For the gate and `report` alike. One replay per distinct anchor tree (onto..anchor depends only
 * on the trees), at most MAX_REPLAYS_PER_STATEMENT of them; anchors past that are NOT_REPLAYED (attack27 03).
 * ApprovalLanded when the approved tip is already in the history of `onto` or of any of `landedOn` (the target
 * branch's tip where the range is judged from a merge base, as CI judges a pull request: attack28 01), or a copy of
 * its change is (landedCopy.ts, asked only where the statement could carry: attack28 F1) — the approval was spent
 * (attack27 04) — or when the statement's base already holds one of `starts`, the oldest commit of each chain it is
 * carried to (landedCopy.ts baseHolds: a change the base made and undid, which no later look since the base sees).
 */
export async function replayedTreeFor(
  cwd: string,
  st: ApprovalStatement,
  onto: string | undefined,
  anchors: ReadonlyArray<{ sha: string; tree: string }>,
  landedOn: readonly string[] = onto === undefined ? [] : [onto],
  starts: readonly string[] = anchors.map((a) => a.sha),
): Promise<ReplayedTree> {
  const replayed = await replayedTree(cwd, st, onto);
  if (replayed !== 'missing')
    for (const at of new Set(landedOn)) if (await containsCommit(cwd, at, st.tip)) return { landed: true, on: at };
  if (replayed === 'conflict') return null;
  // Landed as a copy, or carried to a commit the approved base holds (attack28 F1): asked only where the statement
  // could carry, so a push of nothing it covers pays nothing for it.
  const notIn = onto === undefined ? landedOn : [onto, ...landedOn];
  if (replayed !== 'missing')
    return (
      (await baseHolds(cwd, st, starts, notIn)) ??
      (await landedCopy(cwd, st, { from: st.base, to: st.tip }, landedOn, true)) ??
      replayed
    );
  const from = onto ?? (await emptyTree(cwd));
  const landedBack: Record<string, LandedBack> = {};
  const byTree = new Map<string, LandedBack>();
  for (const { sha, tree } of anchors) {
    let back = byTree.get(tree);
    if (back === undefined) {
      if (byTree.size >= MAX_REPLAYS_PER_STATEMENT) {
        landedBack[sha] = NOT_REPLAYED;
        continue;
      }
      const r = await replayedTree(cwd, { base: from, tip: tree }, st.base);
      back = r === 'conflict' || r === 'missing' ? null : r;
      byTree.set(tree, back);
    }
    landedBack[sha] = back;
  }
  const carries = anchors.find((a) => landedBack[a.sha] === st.tree);
  const spent =
    carries &&
    ((await baseHolds(cwd, st, starts, notIn)) ??
      (await landedCopy(cwd, st, { from, to: carries.sha }, landedOn, false)));
  return spent || { missing: true, landedBack };
}
