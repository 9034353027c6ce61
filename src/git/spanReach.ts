import { approvedSpanKey } from '../core/approvalRules';
import { runGit } from './gitRunner';
import { walkInput } from './walkInput';

/**
 * For statements' spans base..tip whose tip lies outside a range (a rejection of T2 when only its prefix H is
 * pushed, or has landed): which commits of `within` each span contains. One `git cat-file --batch-check` and one
 * `git rev-list --parents` over everything the tips reach that `exclude` does not (the range's own boundary, so
 * the walk stops where the range does); each span is then walked in memory — the tip's ancestors in that graph,
 * less the base's (a base outside the graph reaches nothing inside it, since the graph stops only at `exclude`).
 * A tip that is not in this repository reaches nothing that can be known; a base that is not here excludes
 * nothing (fails closed: the span reaches everything its tip does).
 */
export async function spanReach(
  cwd: string,
  spans: Array<{ base: string; tip: string }>,
  within: Set<string>,
  exclude: string[],
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  if (within.size === 0) return out;
  const g = await walk(
    cwd,
    spans.map((s) => s.tip),
    exclude,
  );
  for (const s of spans) {
    if (!g.present.has(s.tip)) continue;
    const fromBase = g.ancestors(s.base);
    const reached = [...g.ancestors(s.tip)].filter((c) => within.has(c) && !fromBase.has(c));
    if (reached.length > 0) out[approvedSpanKey(s)] = reached;
  }
  return out;
}

/** For each of `commits` in this repository, the commits of `within` it reaches (itself included); absent: not here. Same one walk. */
export async function reachWithin(
  cwd: string,
  commits: string[],
  within: Set<string>,
  exclude: string[] = [],
): Promise<Map<string, Set<string>>> {
  const g = await walk(cwd, commits, exclude);
  const out = new Map<string, Set<string>>();
  for (const c of commits) if (g.present.has(c)) out.set(c, new Set([...g.ancestors(c)].filter((x) => within.has(x))));
  return out;
}

/**
 * The commits `starts` reach that `exclude` does not, each with its parents, in `git rev-list` order (one
 * `cat-file --batch-check`, one `rev-list --parents`); `present`: which starts are commits in this repository
 * (the others reach nothing that can be known). Shared with `explain`'s graph of statements' tips.
 */
export async function parentsAbove(
  cwd: string,
  starts: string[],
  exclude: string[],
): Promise<{ present: Set<string>; parents: Map<string, string[]> }> {
  const tips = [...new Set(starts)];
  const parents = new Map<string, string[]>();
  if (tips.length === 0) return { present: new Set(), parents };
  const check = await runGit(['cat-file', '--batch-check=%(objectname) %(objecttype)'], {
    cwd,
    input: tips.join('\n') + '\n',
  });
  const present = new Set(
    check.stdout
      .split('\n')
      .filter((l) => l.endsWith(' commit'))
      .map((l) => l.split(' ')[0]),
  );
  const walkFrom = tips.filter((t) => present.has(t));
  if (walkFrom.length === 0) return { present, parents };
  const r = await runGit(['rev-list', '--parents', '--stdin'], {
    cwd,
    input: walkInput(walkFrom, exclude),
  });
  for (const line of r.stdout.split('\n')) {
    if (!line) continue;
    const [c, ...ps] = line.split(' ');
    parents.set(c, ps);
  }
  return { present, parents };
}

async function walk(
  cwd: string,
  starts: string[],
  exclude: string[],
): Promise<{ present: Set<string>; ancestors: (start: string) => Set<string> }> {
  const { present, parents } = await parentsAbove(cwd, starts, exclude);
  const ancestors = (start: string): Set<string> => {
    const seen = new Set<string>();
    const stack = [start];
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (seen.has(id) || !parents.has(id)) continue;
      seen.add(id);
      stack.push(...(parents.get(id) ?? []));
    }
    return seen;
  };
  return { present, ancestors };
}
