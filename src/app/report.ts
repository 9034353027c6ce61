import { ReportBuilder, type GroupBy } from '../core/report/aggregate';
import { runGit, startSnapshotListings, withGitReadCache } from '../git/gitRunner';
import { readProvenanceHistory } from '../git/provenanceHistory';
import { resolveRepo } from '../git/repository';
import { headIsUnborn, unknownRangeError } from '../git/revision';
import { unfetchedNotesWarning } from '../git/unfetchedNotes';
import { reportPolicyRev } from '../git/landedStatementKeys';

async function policyBranchRev(cwd: string): Promise<{ policyRev: string; policyLabel: string }> {
  const { rev, label } = await reportPolicyRev(cwd);
  return { policyRev: rev, policyLabel: label };
}

/**
 * `report`: the figures of a range, for the CLI (any format) and the editor's "Open Report" (HTML). Warnings
 * (what a partial clone left out) travel in `report.warnings`; the caller decides where to print them.
 */
export interface ReportRequest {
  /** Revisions or ranges as git takes them; none means everything reachable from HEAD. */
  revs: string[];
  by?: GroupBy;
  pathDepth?: number;
  policyRev?: string;
}

export type ProvenanceReport = ReturnType<ReportBuilder['finish']>;

export function buildReport(
  cwd: string,
  req: ReportRequest,
): Promise<{ report: ProvenanceReport; orphanCount: number }> {
  // One read cache over the whole report (it writes nothing): repository-level questions are asked once, and
  // the listings that answer most of them (config, refs, the repository's folders) start at once, while the
  // range is counted — every process start blocks Node for a while on a loaded machine (issue 11).
  return withGitReadCache(() => {
    startSnapshotListings(cwd, { head: false });
    return reportInCache(cwd, req);
  });
}

async function reportInCache(
  cwd: string,
  req: ReportRequest,
): Promise<{ report: ProvenanceReport; orphanCount: number }> {
  const repo = await resolveRepo(cwd);
  const dir = repo.root ?? repo.commonDir;
  const revs = req.revs.length > 0 ? req.revs : ['HEAD'];
  const builder = new ReportBuilder({
    range: revs,
    ...(req.by ? { by: req.by } : {}),
    ...(req.pathDepth ? { pathDepth: req.pathDepth } : {}),
  });
  // An unborn HEAD (no commits yet) is an empty report, not an error.
  const unborn = req.revs.length === 0 && (await headIsUnborn(dir));
  if (unborn) {
    return {
      report: builder.finish({
        review: { basis: 'statements', detail: 'no commits yet', statements: 0, errors: [], problems: [], notes: [] },
        orphanNotes: [],
      }),
      orphanCount: 0,
    };
  }
  // A mistyped revision or range gets one sentence and the fix (exit 2), not git log's own error. The count
  // also says whether the range holds most of the notes (read them all at once).
  const known = await runGit(['rev-list', '--count', ...revs, '--'], { cwd: dir, okCodes: [128] });
  if (known.code !== 0) {
    throw unknownRangeError('report', revs, known.stderr);
  }
  // Whether this clone ever fetched the notes: asked while the history is read, not after it (two git processes).
  const unfetchedWarning = unfetchedNotesWarning(dir, 'report');
  unfetchedWarning.catch(() => undefined);
  const history = await readProvenanceHistory(dir, {
    revs,
    count: Number(known.stdout.trim()) || 0,
    // The policy branch's policy unless --policy-rev names one: never what is checked out (newuser17 F1).
    ...(req.policyRev ? { policyRev: req.policyRev } : await policyBranchRev(dir)),
  });
  for (const c of history.commits) builder.add(c);
  builder.addInconsistencies(history.inconsistencies);
  const report = builder.finish({ review: history.review, orphanNotes: history.orphanNotes });
  const unfetched = await unfetchedWarning;
  const warnings = unfetched ? [unfetched, ...history.warnings] : history.warnings;
  if (warnings.length > 0) report.warnings = warnings;
  return { report, orphanCount: history.orphanNotes.length };
}
