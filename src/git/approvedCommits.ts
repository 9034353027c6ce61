import type { ApprovalStatement } from '../core/approvalStatement';
import { runGit } from './gitRunner';

/**
 * The approved commits of a statement (base..tip), oldest first, as far as `max` of them, and whether they are
 * a plain chain from the base (each commit's only parent the one before it, the first one's the base): what a
 * rebased approval is matched against one by one (RangeIndex.rebasedMismatch). Undefined when this repository
 * lacks them. For the gate (gateInput.ts) and `report` (historyRebased.ts) alike.
 */
export async function approvedCommits(
  cwd: string,
  st: Pick<ApprovalStatement, 'base' | 'tip'>,
  max: number,
): Promise<{ chain: string[]; linear: boolean; parents: Map<string, string> } | undefined> {
  const r = await runGit(['rev-list', '--parents', `--max-count=${max}`, st.tip, '--not', st.base, '--'], {
    cwd,
    okCodes: [128],
  });
  if (r.code !== 0) return undefined;
  const listed = r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' '));
  const linear =
    listed.length > 0 &&
    listed.every((ids, i) => ids.length === 2 && ids[1] === (i + 1 < listed.length ? listed[i + 1][0] : st.base));
  const parents = new Map<string, string>();
  for (const ids of listed) if (ids.length === 2) parents.set(ids[0], ids[1]);
  return { chain: listed.map((ids) => ids[0]).reverse(), linear, parents };
}
