import { pathMatcher } from './glob';
import { firstPatternUnder } from './globUnder';
import { linkTarget, MAX_ALIASES, pathAliases, type TreeLinks } from './linkAliases';
import type { Policy } from './policy';

/**
 * Which of a commit's changed paths meet `review.paths` and each tier's paths: the one path -> pattern rule the gate
 * (core/reviewNeed.ts) applies for verify, the pre-push hook, explain and the server's pre-receive alike. A path
 * meets a pattern by its own name or by a name a symbolic link of the commit's tree gives it (core/linkAliases.ts,
 * attack17 Q5): a symlinked Dockerfile's target is the Dockerfile `docker build` reads. A changed path whose names
 * the gate cannot all tell (a link it cannot follow as the file system would, or past a bound) meets every pattern:
 * it may be any name (attack24 07/08/12), so it needs what the strictest tier asks — and nothing more when the
 * policy names no paths. A changed link that leads to a folder in the repository names, by each of its names,
 * every file under that folder, which the gate does not list: it meets each pattern that could match a path under
 * such a name and would not match it under the folder itself (core/globUnder.ts): `k8s -> misc`, added where no
 * `k8s/` was, meets `k8s/**` (deploy tooling reading k8s/ now reads misc/app.yaml), not `*.tf`.
 */

/** Names of all changed paths of one commit: past it, each further path with names is cut (time, not order). */
export const MAX_COMMIT_NAMES = 65_536;
/**
 * Names of all changed paths of one judgement (a push, verify's range): past it, each further path with names is
 * cut (attack29 F3: 7 links to `.` gave every commit of a 2,000-commit push 4,096 names, ~8 ms each, a minute of
 * pre-receive, where 2^20 names cost ~2 s).
 */
export const MAX_JUDGED_NAMES = 1 << 20;
const JUDGED_NAMES_CUT = `the commits judged with it have more than ${MAX_JUDGED_NAMES} names through symbolic links in all (push them in parts)`;

/** A policy list's matcher, with the patterns it holds (a cut name meets the first). */
export type PathMatcher = ((path: string) => string | undefined) & {
  readonly patterns: readonly string[];
  /** The first pattern that could match a path under `folder` and not under `except` (core/globUnder.ts). */
  readonly under: (folder: string, except: string) => string | undefined;
};

/** The policy's path lists as matchers, made once per judgement (evaluateGate) rather than once per commit. */
export interface PolicyMatchers {
  reviewPaths: PathMatcher;
  /** One per entry of `policy.tiers`, in order. */
  tiers: PathMatcher[];
  /** The names through symbolic links the judgement may still compute (MAX_JUDGED_NAMES), for chargedNames. */
  names: NameBudget;
}

/** Names through symbolic links left to compute: charged by chargedNames, shared by the commits of a judgement. */
export interface NameBudget {
  left: number;
}

/**
 * `shared`: matchers by their list's content, for a caller holding many policies (a report over history holds one per
 * distinct policy blob): equal lists share one compiled set (attack29 F2: 300 blobs differing in a description only
 * cost 641 MB).
 */
export function policyMatchers(policy: Policy, shared?: Map<string, PathMatcher>): PolicyMatchers {
  const of = (patterns: readonly string[], ignoreCase?: boolean): PathMatcher => {
    const key = shared && JSON.stringify([ignoreCase === true, patterns]);
    const have = key === undefined ? undefined : shared?.get(key);
    if (have) return have;
    const made = Object.assign(judgedOnce(pathMatcher(patterns, { ignoreCase })), {
      patterns,
      under: (folder: string, except: string) => firstPatternUnder(patterns, folder, { ignoreCase, except }),
    });
    if (key !== undefined) shared?.set(key, made);
    return made;
  };
  return {
    // In any letter case and Unicode form (core/reviewPaths.ts): folding costs nothing when the list is empty.
    reviewPaths: of(policy.review.paths, policy.review.paths.length > 0),
    tiers: policy.tiers.map((t) => of(t.paths, t.ignoreCase)),
    names: { left: MAX_JUDGED_NAMES },
  };
}

/**
 * Distinct names a list's matcher remembers its answer for: a range of 10,000 commits touches the same paths again
 * and again (one judgement per path and policy version, not per commit), and past this many new names are matched
 * afresh, so a push of a million distinct paths holds no more than this.
 */
const JUDGED_NAMES_KEPT = 1 << 15;

/** `match`, answering a name it has answered before from memory (a matcher's answer depends on the name alone). */
function judgedOnce(match: (name: string) => string | undefined): (name: string) => string | undefined {
  const known = new Map<string, string | null>();
  return (name) => {
    const have = known.get(name);
    if (have !== undefined) return have ?? undefined;
    const pattern = match(name);
    if (known.size < JUDGED_NAMES_KEPT) known.set(name, pattern ?? null);
    return pattern;
  };
}

/** A name a changed path is judged by: its own, or one a symlink of the commit's tree gives it. */
export interface ChargedName {
  /** The changed path. */
  path: string;
  /** The name matched against the patterns. */
  name: string;
  /** The symlink through which `path` has this name; absent for its own. */
  via?: string;
  /** Why the gate cannot tell all of `path`'s names: it then meets every pattern. */
  cut?: string;
  /** `path` is a link to this in-repository path, maybe a folder: `name` is judged by the files it names under it. */
  under?: string;
  /** `path` was that link, and this commit removes it (or makes it a file): the names under `name` are gone. */
  removed?: boolean;
}

/**
 * Every changed path by its own name first, then by each name `links` give it, then each name of a changed link
 * for the files under it (of a link `before`, the parent's links, held that this commit removes: the files under
 * it are gone from those names as surely as if they were deleted), then the paths whose names are cut
 * (core/linkAliases.ts): made once per commit. Names are charged against MAX_COMMIT_NAMES and `budget` (the
 * judgement's, PolicyMatchers.names): past either, a path with names is cut after its first.
 */
export function chargedNames(
  paths: readonly string[],
  links: TreeLinks | undefined,
  before?: TreeLinks,
  budget: NameBudget = { left: MAX_JUDGED_NAMES },
): ChargedName[] {
  const names: ChargedName[] = paths.map((path) => ({ path, name: path }));
  if ((!links || links.size === 0) && (!before || before.size === 0)) return names;
  const folders: ChargedName[] = [];
  const cut: ChargedName[] = [];
  const commitLeft = budget.left;
  let left = Math.min(MAX_COMMIT_NAMES, commitLeft);
  for (const path of paths) {
    const limit = Math.min(MAX_ALIASES, left);
    const found = pathAliases(path, links, limit);
    left -= found.aliases.length;
    for (const a of found.aliases) names.push({ path, name: a.path, via: a.via });
    // A changed link that leads into the repository: each of its names, for the files under the folder it may be.
    const to = linkTarget(links, path);
    if (to !== undefined) {
      folders.push({ path, name: path, under: to });
      // A link whose lookup passes this one (`k8s -> m2`, m2 changed) names what it leads to itself (m2/sub);
      // a name through a folder link above this one leads where this one does.
      for (const a of found.aliases)
        folders.push({ path, name: a.path, via: a.via, under: linkTarget(links, a.path) ?? to });
    }
    const was = links?.has(path) ? undefined : linkTarget(before, path);
    if (was !== undefined) {
      const oldLimit = Math.max(0, Math.min(MAX_ALIASES, left));
      const old = pathAliases(path, before, oldLimit);
      left -= old.aliases.length;
      folders.push({ path, name: path, under: was, removed: true });
      for (const a of old.aliases)
        folders.push({ path, name: a.path, via: a.via, under: linkTarget(before, a.path) ?? was, removed: true });
      const oldWhy = !old.capped || oldLimit >= MAX_ALIASES ? old.cut : capWhy(commitLeft);
      if (oldWhy !== undefined) cut.push({ path, name: path, cut: `before this commit, ${oldWhy}` });
    }
    if (found.cut === undefined) continue;
    const why = !found.capped || limit >= MAX_ALIASES ? found.cut : capWhy(commitLeft);
    cut.push({ path, name: path, cut: why });
  }
  budget.left -= Math.min(MAX_COMMIT_NAMES, commitLeft) - left;
  return [...names, ...folders, ...cut];
}

/** Which bound cut a path's names short: the judgement's when it had less left than one commit's bound. */
function capWhy(judgementLeft: number): string {
  return judgementLeft < MAX_COMMIT_NAMES
    ? JUDGED_NAMES_CUT
    : `its commit's paths have more than ${MAX_COMMIT_NAMES} names through symbolic links`;
}

export interface PathHit {
  /** The changed path. */
  path: string;
  /** The pattern it met. */
  pattern: string;
  /** The symlink through which it met it, when not by its own name. */
  via?: string;
  /** Why its names are cut, when it met the pattern as any name may. */
  cut?: string;
  /** The name of the link (`path` itself or through `via`) whose files under it met the pattern. */
  under?: string;
  /** That link is one the commit removes. */
  removed?: boolean;
}

/** The first of `names` that meets `matches` (own names and aliases before cut paths); undefined when none does. */
export function firstPathHit(names: readonly ChargedName[], matches: PathMatcher): PathHit | undefined {
  for (const n of names) {
    if (n.cut !== undefined) {
      if (matches.patterns.length > 0) return { path: n.path, pattern: matches.patterns[0], cut: n.cut };
      continue;
    }
    const via = n.via !== undefined ? { via: n.via } : {};
    if (n.under !== undefined) {
      const pattern = matches.under(n.name, n.under);
      if (pattern !== undefined)
        return { path: n.path, pattern, ...via, under: n.name, ...(n.removed ? { removed: true } : {}) };
      continue;
    }
    const pattern = matches(n.name);
    if (pattern !== undefined) return { path: n.path, pattern, ...via };
  }
  return undefined;
}

/** How a reason names the hit: the path, and the link when it was met through one, or why its names are cut. */
export function describeHit(hit: PathHit): string {
  if (hit.cut !== undefined) return `${hit.path} (${hit.cut}, so it may be any path the policy names)`;
  if (hit.under !== undefined) {
    const name = hit.via === undefined ? 'it' : `${hit.under}, through the symlink ${hit.via},`;
    if (hit.removed) return `${hit.path} (a symbolic link it removes: files under ${name} met ${hit.pattern})`;
    return `${hit.path} (a symbolic link: files under ${name} meet ${hit.pattern})`;
  }
  return hit.via === undefined ? hit.path : `${hit.path} (through the symlink ${hit.via})`;
}
