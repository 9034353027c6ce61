import { pathMatcher } from './glob';
import type { Policy } from './policy';

/**
 * Which files a repository already has that a policy's path tiers catch (newuser15 #11): the default
 * infrastructure tier is broad on purpose (`*.sql` migrations, `*.pp` Puppet, `app.yaml`), so on a project where
 * those names mean something else every change to them would need two approvals without anyone having chosen
 * that. `init`, `policy init` and `policy check` name what matched, so the team narrows the tier before it bites.
 * Matching is the gate's own (glob.ts pathMatcher, the tier's `ignoreCase`); symlink aliases are not followed here.
 */
export interface TierCoverage {
  tier: string;
  approvals: number;
  /** Files matching any of the tier's patterns. */
  files: number;
  /** Per pattern (the first pattern a file meets, as the gate reports it), most files first. */
  patterns: Array<{ pattern: string; files: number; example: string }>;
}

export function tierCoverage(policy: Policy, paths: Iterable<string>): TierCoverage[] {
  const tiers = policy.tiers
    .filter((t) => t.paths.length > 0)
    .map((t) => ({
      tier: t,
      match: pathMatcher(t.paths, { ignoreCase: t.ignoreCase }),
      hits: new Map<string, { files: number; example: string }>(),
      files: 0,
    }));
  for (const path of paths)
    for (const t of tiers) {
      const pattern = t.match(path);
      if (pattern === undefined) continue;
      t.files++;
      const hit = t.hits.get(pattern);
      if (hit) hit.files++;
      else t.hits.set(pattern, { files: 1, example: path });
    }
  return tiers
    .filter((t) => t.files > 0)
    .map((t) => ({
      tier: t.tier.name,
      approvals: t.tier.approvals,
      files: t.files,
      patterns: [...t.hits]
        .map(([pattern, h]) => ({ pattern, ...h }))
        .sort((a, b) => b.files - a.files || (a.pattern < b.pattern ? -1 : 1)),
    }));
}

/** One line per tier for people: the most-matched patterns with an example each. */
export function tierCoverageLines(coverage: readonly TierCoverage[], file: string, shown = 5): string[] {
  return coverage.map((c) => {
    const top = c.patterns
      .slice(0, shown)
      .map((p) => `${p.pattern} (${p.files}${p.files === 1 ? `: ${p.example}` : `, e.g. ${p.example}`})`);
    const more = c.patterns.length > shown ? `, and ${c.patterns.length - shown} more pattern(s)` : '';
    return `the "${c.tier}" tier matches ${c.files} file(s) already here — ${top.join(', ')}${more}: a change to any of them needs ${c.approvals} approval(s); if some are not what the tier is for, narrow its "paths" in ${file}`;
  });
}
