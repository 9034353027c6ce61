import type { CommitGraph } from './commitGraph';
import { approvalStands, personKey } from '../approvalRules';

/**
 * Which commits an approval covers, for `report` and `explain` (docs/design.md, "Approvals": approving tip T
 * covers every commit from the statement's base to T). The statement shape is the structural part of the
 * approvals team's `ApprovalStatement` that coverage needs.
 *
 * A commit counts as reviewed when some reviewer approved a range containing it and did not later reject a
 * range containing it (approvalRules.approvalStands, the gate's rule). A statement covers what its fields name,
 * wherever its note line sits, as for the gate. Signatures are not checked here: the report says which basis
 * it used. Approvals carried over a rebase by patch-id are the gate's business (`verify`).
 */
export interface CoverageStatement {
  decision: 'approve' | 'reject';
  reviewer: { email: string; name?: string };
  tip: string;
  base: string;
  time: string;
}

export interface StatementOnCommit {
  /** The commit whose refs/notes/countersign note holds the statement. */
  noteCommit: string;
  statement: CoverageStatement;
}

const EMPTY_TREES = new Set(['4b825dc642cb6eb9a060e54bf8d69288fbee4904', '6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321']);

/** `base` values that mean "no base: everything reachable from the tip" (zeros, or the empty tree approve writes for a root). */
export function isNoBase(base: string): boolean {
  return base === '' || /^0+$/.test(base) || EMPTY_TREES.has(base);
}

export interface CoverageResult {
  /** commit → reviewers (emails) whose approval stands for it. */
  reviewedBy: Map<string, string[]>;
  /** Statements whose tip is not in the graph, or whose base is outside it (the caller may resolve them). */
  unresolved: StatementOnCommit[];
  /** Statements ignored as not valid-looking, with the reason. */
  ignored: Array<{ noteCommit: string; reason: string }>;
}

/**
 * `resolveRange` answers ranges the graph cannot (a base outside the streamed history); when it is absent
 * or answers undefined, such statements are reported as unresolved and cover nothing.
 */
export function computeCoverage(
  graph: CommitGraph,
  statements: StatementOnCommit[],
  resolved: Map<StatementOnCommit, string[]> = new Map(),
): CoverageResult {
  const ignored: CoverageResult['ignored'] = [];
  const unresolved: StatementOnCommit[] = [];
  // commit → reviewer → latest decision time per kind
  const decisions = new Map<string, Map<string, { approve?: number; reject?: number }>>();
  for (const s of statements) {
    const st = s.statement;
    const time = Date.parse(st.time);
    if (!Number.isFinite(time)) {
      ignored.push({ noteCommit: s.noteCommit, reason: `statement time ${JSON.stringify(st.time)} is not an ISO 8601 date` });
      continue;
    }
    let commits = resolved.get(s);
    if (!commits) {
      if (!isNoBase(st.base) && !graph.has(st.base)) { unresolved.push(s); continue; }
      commits = graph.range(st.tip, isNoBase(st.base) ? undefined : st.base);
      if (!commits) { unresolved.push(s); continue; }
    }
    const who = personKey(st.reviewer.email);
    for (const c of commits) {
      let byReviewer = decisions.get(c);
      if (!byReviewer) decisions.set(c, byReviewer = new Map());
      const d = byReviewer.get(who) ?? {};
      if (st.decision === 'approve') d.approve = Math.max(d.approve ?? -Infinity, time);
      else d.reject = Math.max(d.reject ?? -Infinity, time);
      byReviewer.set(who, d);
    }
  }
  const reviewedBy = new Map<string, string[]>();
  for (const [commit, byReviewer] of decisions) {
    const ok = [...byReviewer].filter(([, d]) => approvalStands(d.approve, d.reject)).map(([who]) => who);
    if (ok.length > 0) reviewedBy.set(commit, ok.sort());
  }
  return { reviewedBy, unresolved, ignored };
}
