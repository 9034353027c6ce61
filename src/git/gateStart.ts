import { POLICY_FILE } from '../core/policy';
import { runGit } from './gitRunner';
import { walkInput } from './walkInput';

/** More commits than this bringing the policy file in: the start is not told apart, nothing counts as pre-gate. */
export const MAX_POLICY_ADDERS = 16;

/**
 * Where the gate started on the policy branch, as the commits everything "from before the gate" lies under: the
 * best common ancestors of every commit in the policy tip's whole history (all parents, not only first parents)
 * that has the policy file while none of its parents has it (an "adder"). A commit is pre-gate when it is one of
 * these or an ancestor of one, i.e. an ancestor of every adder.
 *
 * Why this and not the first-parent chain (outside tester, session 11, L1): the first-parent chain of the policy
 * branch is whatever the last push made it. K4's detour — an empty root X, then M = merge(X, main) with main's
 * tree — put X first, so M was "the oldest commit adding the policy" and all of main's history, a rejected draft
 * included, became pre-gate. Here M is no adder (its second parent has the policy), and no push can take away
 * an adder the policy branch holds (a commit's parents never change, and the branch is not rewound without the
 * gate judging it). What a push CAN do is add adders (a new root that carries a policy, merged in; a commit
 * that deletes the policy and one that brings it back): each can only shrink "ancestor of every adder", never
 * reach past the first adder, so the answer fails closed — at worst nothing is pre-gate, and tags at old commits
 * are judged from their reviewed points or in full. An honest history that added the policy twice (two branches,
 * or removed and re-added) keeps as pre-gate only what lies under both. Past MAX_POLICY_ADDERS adders, or when
 * git cannot answer: nothing is pre-gate. Derived from history alone, so the server, `verify` and pre-push agree;
 * a start recorded in the server's own state would not be seen by `verify` in CI.
 */
export function gateStarts(cwd: string, tip: string): Promise<string[]> {
  // A commit's history never changes: one walk per policy tip and repository, however many refs a push holds.
  const key = `${cwd}\0${tip}`;
  let found = starts.get(key);
  if (!found) {
    if (starts.size > 64) starts.clear();
    found = readGateStarts(cwd, tip);
    starts.set(key, found);
  }
  return found;
}
const starts = new Map<string, Promise<string[]>>();

/** Whether `commit` is from before the gate: an ancestor of (or one of) `gateStarts`. */
export async function preGate(cwd: string, commit: string, startsOf: readonly string[]): Promise<boolean> {
  for (const start of startsOf) {
    const r = await runGit(['merge-base', '--is-ancestor', commit, start], { cwd, okCodes: [1, 128] });
    if (r.code === 0) return true;
  }
  return false;
}

async function readGateStarts(cwd: string, tip: string): Promise<string[]> {
  // Every commit that changed the policy file against some parent (a merge that is not the same as all of its
  // parents there is listed too): the adders are among them. --full-history: no parent is simplified away.
  const changed = await runGit(['rev-list', '--full-history', tip, '--', POLICY_FILE], { cwd, okCodes: [128] });
  if (changed.code !== 0) return [];
  const candidates = changed.stdout.split('\n').filter(Boolean);
  if (candidates.length === 0) return [];
  // On git's stdin: the commits that touched the policy file are as many as a history holds (L9's class).
  const parents = await runGit(['log', '--no-walk=unsorted', '--format=%H %P', '--stdin', '--'], {
    cwd,
    input: walkInput(candidates),
  });
  const records = parents.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ').filter(Boolean));
  // Which of them, and of their parents, have the policy file: one cat-file for all.
  const asked = [...new Set(records.flat())];
  const has = await withPolicy(cwd, asked);
  const adders = records.filter(([c, ...ps]) => has.has(c) && ps.every((p) => !has.has(p))).map(([c]) => c);
  if (adders.length === 0 || adders.length > MAX_POLICY_ADDERS) return [];
  if (adders.length === 1) return adders;
  const bases = await runGit(['merge-base', '--octopus', '--all', ...adders], { cwd, okCodes: [1] });
  return bases.code === 0 ? bases.stdout.split('\n').filter(Boolean) : [];
}

/** Which of `commits` hold the policy file (any entry at that path). */
async function withPolicy(cwd: string, commits: string[]): Promise<Set<string>> {
  const r = await runGit(['cat-file', '--batch-check=%(objectname)'], {
    cwd,
    input: commits.map((c) => `${c}:${POLICY_FILE}`).join('\n') + '\n',
  });
  const out = new Set<string>();
  r.stdout.split('\n').forEach((line, i) => {
    if (i < commits.length && !line.endsWith(' missing')) out.add(commits[i]);
  });
  return out;
}
