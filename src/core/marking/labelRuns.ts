import type { LineLabel } from '../attribution/labels';
import { agentClassOf, type AgentClass } from './agentClass';

/**
 * From one label per line to what the editor draws: contiguous runs of AI lines per agent class, so a
 * 100,000-line file with a few AI blocks becomes a few ranges, not 100,000 decorations.
 */
export type LineRun = [startLine: number, endLine: number];

export function decorationRuns(labels: readonly LineLabel[]): Map<AgentClass, LineRun[]> {
  const runs = new Map<AgentClass, LineRun[]>();
  let open: { cls: AgentClass; start: number } | undefined;
  const close = (end: number) => {
    if (!open) return;
    const list = runs.get(open.cls) ?? [];
    list.push([open.start, end]);
    runs.set(open.cls, list);
    open = undefined;
  };
  labels.forEach((label, i) => {
    const cls = label.kind === 'ai' ? agentClassOf(label.agent) : undefined;
    if (open && open.cls !== cls) close(i - 1);
    if (cls && !open) open = { cls, start: i };
  });
  close(labels.length - 1);
  return runs;
}

/** Whether two labels name the same writer (what the hover's "block" means). */
export function sameWriter(a: LineLabel, b: LineLabel): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'ai' && b.kind === 'ai') return a.agent === b.agent && a.model === b.model && a.session === b.session;
  if (a.kind === 'human' && b.kind === 'human')
    return a.wasAi?.agent === b.wasAi?.agent && a.wasAi?.session === b.wasAi?.session;
  return true;
}

/** The contiguous block of lines around `line` written by the same writer: what a hover's action applies to. */
export function sameWriterBlock(labels: readonly LineLabel[], line: number): LineRun {
  let start = line;
  let end = line;
  while (start > 0 && sameWriter(labels[start - 1], labels[line])) start--;
  while (end < labels.length - 1 && sameWriter(labels[end + 1], labels[line])) end++;
  return [start, end];
}
