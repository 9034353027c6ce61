import type { CanonicalAgent } from '../agents/agentIdentity';
import type { CommitFacts } from './commitFacts';
import type { Inconsistency, OrphanNote } from './consistency';
import { isoWeek } from './isoWeek';
import { personKey } from '../person';

/**
 * The report (docs/design.md, `report`). Its JSON fields `commits`, `aiAssistedCommits`, `unattestedCommits`,
 * `reviewedCommits`, `aiLines` and `byAgent` are a contract.
 *
 * `aiLines` is a sum over the commits of the range: for each commit, the distinct (file, line) pairs that its
 * own note attests to AI sessions (a line attested twice within one note counts once; `h_` keys are human), or
 * its `AI-Provenance` ai figure where it has no readable note. Line 10 of a file added in one commit and a
 * different line 10 added later are two AI lines: they are two additions. Every row reads it the same way —
 * an agent's row sums what each commit's note credits to that agent, a path's row what each commit's note
 * attests in that path — so the AI share (aiLines / addedLines), the HTML chart and the markdown and CSV rows
 * all rest on the same per-commit figure.
 */
export type GroupBy = 'agent' | 'author' | 'path' | 'week';

export interface ReportRow {
  key: string;
  commits: number;
  aiAssistedCommits: number;
  unattestedCommits: number;
  /**
   * Of unattestedCommits, those from before the first policy (their first parent holds no .countersign.json):
   * history from before Countersign, not bypassed hooks (newuser22 F-legacy-unattested). Additive to DESIGN's JSON.
   */
  unattestedBeforePolicyCommits: number;
  reviewedCommits: number;
  /**
   * Commits the gate's rule (core/reviewNeed.ts) asks review for under the policy their first parent holds; a
   * commit that could not be judged (no diff stats, parent not in the clone) counts here.
   */
  needingReviewCommits: number;
  /** Of those, the ones an approval covers. */
  reviewedNeedingReviewCommits: number;
  addedLines: number;
  aiLines: number;
  /** aiLines / addedLines, null when nothing was added. */
  aiShare: number | null;
  /** reviewedNeedingReviewCommits / needingReviewCommits, null when no commit needed review. */
  reviewCoverage: number | null;
}

export interface ReviewBasis {
  /** `signatures`: statements whose signature verifies against a key the policy lists; `statements`: well-formed statements, signatures not checked. */
  basis: 'signatures' | 'statements';
  detail: string;
  statements: number;
  /** Everything said about the approvals: `problems` and `notes` together (kept whole for earlier readers). */
  errors: string[];
  /** Statements that do not count and should (bad signature, unlisted reviewer…): worth fixing. */
  problems: string[];
  /**
   * Leftovers of the usual review workflow (approvals of commits this range leaves out: a rebase, an amend
   * after "request changes", another branch) — informational, nothing to fix (newuser10 N17).
   */
  notes: string[];
}

export interface Report extends Omit<ReportRow, 'key'> {
  range: string[];
  /**
   * Binary files among the added lines (a file counted once per commit that adds to it) and the lines they add:
   * counted in `addedLines` as git's --text diff counts them, as the trailer and the gate count them (core/textLines.ts).
   */
  binaryFiles: number;
  binaryLines: number;
  byAgent: Record<string, { commits: number; lines: number }>;
  by?: GroupBy;
  rows?: ReportRow[];
  weeks: ReportRow[];
  notes: { ai: number; unreadable: number };
  review: ReviewBasis;
  consistency: { mismatches: Inconsistency[]; orphanNotes: OrphanNote[] };
  /** What the repository lacked and how those commits were counted (missing objects, partial clone). */
  warnings?: string[];
}

class Group {
  commits = 0;
  aiAssisted = 0;
  unattested = 0;
  unattestedBeforePolicy = 0;
  reviewed = 0;
  needing = 0;
  reviewedNeeding = 0;
  added = 0;
  aiLines = 0;

  count(c: CommitFacts): void {
    this.commits++;
    if (c.aiAssisted) this.aiAssisted++;
    if (!c.attested) this.unattested++;
    if (!c.attested && c.beforePolicy === true) this.unattestedBeforePolicy++;
    const reviewed = c.reviewedBy.length > 0;
    if (reviewed) this.reviewed++;
    // Coverage is over the commits that needed review: one no policy asked about is no gap (newuser15 #4).
    if (c.needsReview !== false) {
      this.needing++;
      if (reviewed) this.reviewedNeeding++;
    }
  }

  row(key: string): ReportRow {
    const aiLines = this.aiLines;
    return {
      key,
      commits: this.commits,
      aiAssistedCommits: this.aiAssisted,
      unattestedCommits: this.unattested,
      unattestedBeforePolicyCommits: this.unattestedBeforePolicy,
      reviewedCommits: this.reviewed,
      needingReviewCommits: this.needing,
      reviewedNeedingReviewCommits: this.reviewedNeeding,
      addedLines: this.added,
      aiLines,
      aiShare: this.added > 0 ? round(aiLines / this.added) : null,
      reviewCoverage: this.needing > 0 ? round(this.reviewedNeeding / this.needing) : null,
    };
  }
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}

/** What review coverage divides by, in every format's words (docs/usage.md says the same). */
export const REVIEW_COVERAGE_RULE =
  "reviewed commits among those that needed review: those the gate's rule asks review for, each judged alone under " +
  'the policy its first parent holds (a commit with no policy before it, such as the first policy commit, needed ' +
  'none; one that could not be judged counts as needing it)';

/**
 * Where the approvals counted come from: report reads this clone as it is and fetches nothing, so an approval
 * made since the last fetch is not counted (newuser16 F10: 66.7% before a fetch, 100% after, nothing said).
 */
export const APPROVALS_AS_FETCHED =
  'approvals as this clone last fetched them (refs/notes/countersign): `git fetch` or `countersign review` brings newer ones';

/** Row label for commits without AI evidence in `--by agent`. */
export const NO_AI_ROW = '(no AI)';
/** Row label in `--by path` for AI lines known only from an `AI-Provenance` trailer (no note says which file). */
export const NO_NOTE_ROW = '(no note)';

export interface AggregateOptions {
  range: string[];
  by?: GroupBy;
  /** `--by path`: keep the first N path components (directories); undefined = whole path. */
  pathDepth?: number;
}

export class ReportBuilder {
  private readonly total = new Group();
  private readonly agents = new Map<CanonicalAgent, Group>();
  private readonly rows = new Map<string, Group>();
  private readonly weeks = new Map<string, Group>();
  private readonly authorNames = new Map<string, string>();
  private readonly mismatches: Inconsistency[] = [];
  private notes = 0;
  private unreadable = 0;
  private binaryFiles = 0;
  private binaryLines = 0;

  constructor(private readonly opts: AggregateOptions) {}

  private group(map: Map<string, Group>, key: string): Group {
    let g = map.get(key);
    if (!g) map.set(key, (g = new Group()));
    return g;
  }

  addInconsistencies(list: Inconsistency[]): void {
    this.mismatches.push(...list);
  }

  add(c: CommitFacts): void {
    if (c.noteSummary) this.notes++;
    if (c.noteError) {
      this.notes++;
      this.unreadable++;
    }
    for (const path of c.binary ?? []) {
      this.binaryFiles++;
      this.binaryLines += c.added?.get(path) ?? 0;
    }
    const week = isoWeek(c.authorTime);
    for (const g of [this.total, this.group(this.weeks, week)]) {
      g.count(c);
      g.added += c.addedLines;
      g.aiLines += c.aiLines;
    }
    for (const agent of c.agents) {
      const g = this.group(this.agents, agent);
      g.count(c);
      g.added += c.addedLines;
      g.aiLines += c.aiLinesByAgent.get(agent) ?? 0;
    }
    switch (this.opts.by) {
      case undefined:
        break;
      case 'week':
        break; // the week rows are kept anyway (the HTML chart draws them)
      case 'agent': {
        if (c.agents.length === 0) {
          const g = this.group(this.rows, NO_AI_ROW);
          g.count(c);
          g.added += c.addedLines;
        }
        break;
      }
      case 'author': {
        // One person under every spelling of their address, as the two-person rule sees them.
        const email = personKey(c.authorEmail);
        if (!this.authorNames.has(email)) this.authorNames.set(email, `${c.authorName} <${c.authorEmail}>`);
        const g = this.group(this.rows, email);
        g.count(c);
        g.added += c.addedLines;
        g.aiLines += c.aiLines;
        break;
      }
      case 'path':
        this.addByPath(c);
        break;
    }
  }

  private pathKey(p: string): string {
    const depth = this.opts.pathDepth;
    if (depth === undefined) return p;
    const parts = p.split('/');
    return parts.length > depth ? parts.slice(0, depth).join('/') + '/' : p;
  }

  private addByPath(c: CommitFacts): void {
    const touched = new Map<string, Group>();
    const at = (p: string) => {
      const key = this.pathKey(p);
      let g = touched.get(key);
      if (!g) touched.set(key, (g = this.group(this.rows, key)));
      return g;
    };
    for (const [p, n] of c.added ?? []) at(p).added += n;
    for (const [p, n] of c.aiLinesByPath) at(p).aiLines += n;
    if (c.aiLinesFrom === 'trailer' && c.aiLines > 0) at(NO_NOTE_ROW).aiLines += c.aiLines;
    for (const g of touched.values()) g.count(c);
  }

  finish(extra: { review: ReviewBasis; orphanNotes: OrphanNote[] }): Report {
    const byAgent: Report['byAgent'] = {};
    for (const [agent, g] of [...this.agents].sort((a, b) => a[0].localeCompare(b[0]))) {
      const r = g.row(agent);
      byAgent[agent] = { commits: r.commits, lines: r.aiLines };
    }
    const { key: _key, ...total } = this.total.row('total');
    const report: Report = {
      range: this.opts.range,
      ...total,
      binaryFiles: this.binaryFiles,
      binaryLines: this.binaryLines,
      byAgent,
      weeks: [...this.weeks].sort((a, b) => a[0].localeCompare(b[0])).map(([k, g]) => g.row(k)),
      notes: { ai: this.notes, unreadable: this.unreadable },
      review: extra.review,
      consistency: { mismatches: this.mismatches, orphanNotes: extra.orphanNotes },
    };
    if (this.opts.by) {
      report.by = this.opts.by;
      let rows: ReportRow[];
      if (this.opts.by === 'week') rows = report.weeks;
      else if (this.opts.by === 'agent') {
        rows = [...this.agents].map(([k, g]) => g.row(k));
        const none = this.rows.get(NO_AI_ROW);
        rows.sort(byAiLines);
        if (none) rows.push(none.row(NO_AI_ROW));
      } else if (this.opts.by === 'author') {
        rows = [...this.rows].map(([email, g]) => g.row(this.authorNames.get(email) ?? email)).sort(byAiLines);
      } else {
        rows = [...this.rows].map(([k, g]) => g.row(k)).sort(byAiLines);
      }
      report.rows = rows;
    }
    return report;
  }
}

function byAiLines(a: ReportRow, b: ReportRow): number {
  return b.aiLines - a.aiLines || b.commits - a.commits || a.key.localeCompare(b.key);
}
