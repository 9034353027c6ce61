import { RangeIndex, type RangeCommit } from '../approvalRules';
import type { CommitGraph } from './commitGraph';

/**
 * A whole history (what `report` streams, or the commits `explain` needs) as the range the statement rules judge
 * (statementStanding.ts), so report and explain count exactly what the gate counts. Only how base..tip is
 * found differs: from the commit graph, stopping at the base (CommitGraph.range), instead of a list of what
 * each base reaches — a history is far larger than a push. A base outside the graph is answered from what git
 * says it reaches (`outside`; missing: not in this repository, so the statement covers nothing, as in the
 * gate). The repository's empty tree is a root commit's base: it reaches nothing.
 */
export class HistoryIndex extends RangeIndex {
  constructor(
    commits: RangeCommit[],
    private readonly graph: CommitGraph,
    private readonly emptyTree: string,
    private readonly outside: Map<string, Set<string>>,
  ) {
    super(commits, undefined, {});
  }

  override spanOf(base: string, tip: string): { inside: string[]; before: string[] } | undefined {
    if (base === this.emptyTree) return { inside: this.graph.range(tip) ?? [], before: [] };
    if (this.graph.has(base)) return { inside: this.graph.range(tip, base) ?? [], before: [] };
    const reach = this.outside.get(base);
    if (!reach) return undefined;
    return { inside: (this.graph.range(tip) ?? []).filter((c) => !reach.has(c)), before: [] };
  }
}
