import { EMPTY_PATCH_ID, type SignedStatement } from '../core/approvalStatement';
import type { RangeCommit, StatementCheck } from '../core/approvalRules';
import type { CommitGraph } from '../core/report/commitGraph';
import { HistoryIndex } from '../core/report/historyIndex';
import { StatementStanding } from '../core/statementStanding';
import { emptyTree } from './emptyTree';
import { historyRebasedCoverage } from './historyRebased';
import { runGit } from './gitRunner';
import { reachWithin, spanReach } from './spanReach';

/**
 * Which statements count for the commits of a history (`report`, `explain`), by the gate's own rules
 * (core/statementStanding.ts over a HistoryIndex). Git is asked only for what the graph cannot answer, in a
 * fixed number of processes: the trees of valid statements' tips (a statement names its tip's tree), what bases
 * outside the history reach, and which history commits rejections with a tip outside it hold.
 */
export async function historyStanding(
  cwd: string,
  graph: CommitGraph,
  commits: Array<{ sha: string; parents: string[] }>,
  statements: Array<{ attachedTo: string; signed: SignedStatement }>,
  statementErrors: Array<{ attachedTo: string; error: string }>,
  keys: { check(s: SignedStatement): StatementCheck },
  /** Where the history stops (explain: the commit's parents), so git's walks stop there too. */
  exclude: string[] = [],
): Promise<StatementStanding> {
  // Cheap work first (attack31 F7): an approval whose tip is not in the history and that names no patch-id covers
  // nothing here, so it spends no signature check (nor the reading's check budget, reviewerKeys.ts).
  const mayCover = (st: SignedStatement['statement']) =>
    st.decision === 'reject' || graph.has(st.tip) || st.patchId !== EMPTY_PATCH_ID;
  const valid = statements
    .filter((s) => mayCover(s.signed.statement) && keys.check(s.signed).ok)
    .map((s) => s.signed.statement);
  const empty = await emptyTree(cwd);
  const tips = [...new Set(valid.filter((st) => graph.has(st.tip)).map((st) => st.tip))];
  const trees = new Map<string, string>();
  if (tips.length > 0) {
    const r = await runGit(['cat-file', '--batch-check=%(objectname)'], {
      cwd,
      input: tips.map((t) => `${t}^{tree}`).join('\n') + '\n',
    });
    r.stdout.split('\n').forEach((line, i) => {
      if (i < tips.length && /^[0-9a-f]+$/.test(line)) trees.set(tips[i], line);
    });
  }
  const within = new Set(commits.map((c) => c.sha));
  const outsideBases = [
    ...new Set(
      valid.filter((st) => graph.has(st.tip) && st.base !== empty && !graph.has(st.base)).map((st) => st.base),
    ),
  ];
  const outside =
    outsideBases.length > 0 ? await reachWithin(cwd, outsideBases, within, exclude) : new Map<string, Set<string>>();
  const rejections = valid.filter((st) => st.decision === 'reject' && !graph.has(st.tip));
  const rejectionReach = rejections.length > 0 ? await spanReach(cwd, rejections, within, exclude) : {};
  const rebased = await historyRebasedCoverage(cwd, commits, (sha) => graph.has(sha), valid);
  const range: RangeCommit[] = commits.map((c) => ({ sha: c.sha, parents: c.parents, tree: trees.get(c.sha) ?? '' }));
  return new StatementStanding({
    range: new HistoryIndex(range, graph, empty, outside),
    keys,
    statements,
    statementErrors,
    rejectionReach,
    rebased,
  });
}
