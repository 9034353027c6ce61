import { NEVER_SEEN_REASON, UNOBSERVED_REASON, type LineLabel } from '../attribution/labels';
import { agentDisplayName } from './agentClass';

/**
 * The status bar's "AI 42%": the share of AI-written lines among the lines someone wrote in the uncommitted
 * changes. Untracked lines (written before anything watched) are left out of the share — counting them as
 * human would flatter it, counting them as AI would invent authorship — and reported separately.
 */
export interface LineCounts {
  ai: number;
  /** Human lines that an AI wrote first (included in `human`). */
  aiModified: number;
  human: number;
  untracked: number;
  /** Untracked lines that changed while Countersign saw no writer (labels.UNOBSERVED_REASON); the rest were never seen. */
  unobserved: number;
  byAgent: Record<string, number>;
}

export function emptyCounts(): LineCounts {
  return { ai: 0, aiModified: 0, human: 0, untracked: 0, unobserved: 0, byAgent: {} };
}

/** Adds the labels of the lines `include` accepts (all lines when omitted) to `into`. */
export function countLabels(
  labels: readonly LineLabel[],
  into: LineCounts = emptyCounts(),
  include?: (line: number) => boolean,
): LineCounts {
  labels.forEach((l, i) => {
    if (include && !include(i)) return;
    if (l.kind === 'ai') {
      into.ai++;
      into.byAgent[l.agent] = (into.byAgent[l.agent] ?? 0) + 1;
    } else if (l.kind === 'human') {
      into.human++;
      if (l.wasAi) into.aiModified++;
    } else {
      into.untracked++;
      if (l.why === 'unobserved') into.unobserved++;
    }
  });
  return into;
}

export function addCounts(a: LineCounts, b: LineCounts): LineCounts {
  const byAgent = { ...a.byAgent };
  for (const [k, v] of Object.entries(b.byAgent)) byAgent[k] = (byAgent[k] ?? 0) + v;
  return {
    ai: a.ai + b.ai,
    aiModified: a.aiModified + b.aiModified,
    human: a.human + b.human,
    untracked: a.untracked + b.untracked,
    unobserved: a.unobserved + b.unobserved,
    byAgent,
  };
}

/** Whole percent of AI lines among written lines; undefined when nobody wrote anything yet. */
export function aiPercent(c: LineCounts): number | undefined {
  const written = c.ai + c.human;
  return written === 0 ? undefined : Math.round((100 * c.ai) / written);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Status-bar text and plain-text tooltip for the active file and its repository. */
export function shareSummary(
  file: { name: string; counts: LineCounts } | undefined,
  repo: { name: string; counts: LineCounts } | undefined,
  warnings: readonly string[] = [],
): { text: string; tooltip: string } {
  const main = file ?? repo;
  const pct = main ? aiPercent(main.counts) : undefined;
  const text = pct === undefined ? 'AI –' : `AI ${pct}%`;
  const sections: string[] = [];
  for (const scope of [file, repo]) {
    if (!scope) continue;
    const c = scope.counts;
    const p = aiPercent(c);
    const lines = [`${scope.name}: ${p === undefined ? 'no uncommitted lines written yet' : `${p}% AI`}`];
    lines.push(
      `  ${plural(c.ai, 'AI line')}, ${plural(c.human, 'human line')}${c.aiModified > 0 ? ` (${c.aiModified} AI-written, then edited)` : ''}, ${c.untracked} untracked`,
    );
    if (c.unobserved > 0) lines.push(`  ${plural(c.unobserved, 'untracked line')} ${UNOBSERVED_REASON}`);
    if (c.untracked - c.unobserved > 0)
      lines.push(`  ${plural(c.untracked - c.unobserved, 'untracked line')} ${NEVER_SEEN_REASON}`);
    const agents = Object.entries(c.byAgent).sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]));
    for (const [agent, n] of agents) lines.push(`  ${agentDisplayName(agent)}: ${plural(n, 'line')}`);
    sections.push(lines.join('\n'));
  }
  if (sections.length === 0) sections.push('No file of a git repository is open.');
  if (warnings.length > 0) sections.push(warnings.map((w) => `⚠ ${w}`).join('\n'));
  return { text, tooltip: `Countersign — AI share of uncommitted changes\n\n${sections.join('\n\n')}` };
}
