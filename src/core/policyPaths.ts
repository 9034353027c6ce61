import { pathMatcher } from './glob';
import { pathAliases, type TreeLinks } from './linkAliases';
import type { Policy } from './policy';

/**
 * Which of a commit's changed paths meet `review.paths` and each tier's paths: the one path -> pattern rule the gate
 * (core/reviewNeed.ts) applies for verify, the pre-push hook, explain and the server's pre-receive alike. A path
 * meets a pattern by its own name or by a name a symbolic link of the commit's tree gives it (core/linkAliases.ts,
 * attack17 Q5): a symlinked Dockerfile's target is the Dockerfile `docker build` reads.
 */

/** The policy's path lists as matchers, made once per judgement (evaluateGate) rather than once per commit. */
export interface PolicyMatchers {
  reviewPaths: (path: string) => string | undefined;
  /** One per entry of `policy.tiers`, in order. */
  tiers: Array<(path: string) => string | undefined>;
}

export function policyMatchers(policy: Policy): PolicyMatchers {
  return {
    reviewPaths: pathMatcher(policy.review.paths),
    tiers: policy.tiers.map((t) => pathMatcher(t.paths, { ignoreCase: t.ignoreCase })),
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
}

/** Every changed path by its own name first, then by each name `links` give it: made once per commit. */
export function chargedNames(paths: readonly string[], links: TreeLinks | undefined): ChargedName[] {
  const names: ChargedName[] = paths.map((path) => ({ path, name: path }));
  if (!links || links.size === 0) return names;
  for (const path of paths) for (const a of pathAliases(path, links)) names.push({ path, name: a.path, via: a.via });
  return names;
}

export interface PathHit {
  /** The changed path. */
  path: string;
  /** The pattern it met. */
  pattern: string;
  /** The symlink through which it met it, when not by its own name. */
  via?: string;
}

/** The first of `names` that meets `matches` (own names come first); undefined when none does. */
export function firstPathHit(
  names: readonly ChargedName[],
  matches: (path: string) => string | undefined,
): PathHit | undefined {
  for (const n of names) {
    const pattern = matches(n.name);
    if (pattern !== undefined) return { path: n.path, pattern, ...(n.via !== undefined ? { via: n.via } : {}) };
  }
  return undefined;
}

/** How a reason names the hit: the path, and the link when it was met through one. */
export function describeHit(hit: PathHit): string {
  return hit.via === undefined ? hit.path : `${hit.path} (through the symlink ${hit.via})`;
}
