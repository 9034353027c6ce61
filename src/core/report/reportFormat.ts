import { APPROVALS_AS_FETCHED, REVIEW_COVERAGE_RULE, type Report, type ReportRow } from './aggregate';
import { mdProse, mdText, oneLine } from '../markupEscape';
import { BINARY_LINES_RULE } from '../textLines';

/** Text, Markdown and CSV renderings of a report (pure; the HTML page is in reportHtml.ts). */

export function percent(x: number | null): string {
  return x === null ? '–' : `${(x * 100).toFixed(1)}%`;
}

function share(part: number, whole: number): string {
  return whole > 0 ? percent(part / whole) : '–';
}

const ROW_COLUMNS: Array<[keyof ReportRow, string]> = [
  ['commits', 'commits'],
  ['aiAssistedCommits', 'AI-assisted'],
  ['unattestedCommits', 'unattested'],
  ['reviewedCommits', 'reviewed'],
  ['needingReviewCommits', 'needed review'],
  ['addedLines', 'added lines'],
  ['aiLines', 'AI lines'],
  ['aiShare', 'AI share'],
  ['reviewCoverage', 'review coverage'],
];

function cell(r: ReportRow, k: keyof ReportRow): string {
  const v = r[k];
  if (k === 'aiShare' || k === 'reviewCoverage') return percent(v as number | null);
  return String(v);
}

function rangeLabel(r: Report): string {
  return r.range.join(' ');
}

const MAX_LISTED = 20;

function summaryLines(r: Report): Array<[string, string]> {
  return [
    ['Commits', String(r.commits)],
    ['AI-assisted commits', `${r.aiAssistedCommits} (${share(r.aiAssistedCommits, r.commits)})`],
    ['AI lines', `${r.aiLines} of ${r.addedLines} added lines (${percent(r.aiShare)})`],
    ...(r.binaryFiles > 0
      ? ([['Binary files', `${r.binaryFiles}, adding ${r.binaryLines} of those lines (${BINARY_LINES_RULE})`]] as Array<
          [string, string]
        >)
      : []),
    [
      'Unattested commits',
      `${r.unattestedCommits} (${share(r.unattestedCommits, r.commits)}) — no AI-Provenance trailer${r.unattestedBeforePolicyCommits > 0 ? `; ${r.unattestedBeforePolicyCommits} of them from before the first policy (no .countersign.json at their parent: history from before Countersign, not bypassed hooks)` : ''}`,
    ],
    ['Reviewed commits', `${r.reviewedCommits} (${share(r.reviewedCommits, r.commits)} of all commits)`],
    [
      'Review coverage',
      `${percent(r.reviewCoverage)} — ${r.reviewedNeedingReviewCommits} of the ${r.needingReviewCommits} commit(s) that needed review`,
    ],
    ['Notes read', `${r.notes.ai}${r.notes.unreadable ? ` (${r.notes.unreadable} unreadable)` : ''}`],
  ];
}

/** What "reviewed" and "review coverage" mean, under the figures rather than beside one of them (newuser15 #14). */
function definitions(r: Report): string[] {
  return [
    `Reviewed = ${r.review.detail}.`,
    `Review coverage = ${REVIEW_COVERAGE_RULE}.`,
    `Counted from ${APPROVALS_AS_FETCHED}.`,
  ];
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

export function formatReportText(r: Report): string {
  const out: string[] = [`Countersign report for ${rangeLabel(r)}`, ''];
  const s = summaryLines(r);
  const w = Math.max(...s.map(([k]) => k.length));
  for (const [k, v] of s) out.push(`  ${k.padEnd(w)}  ${v}`);
  out.push('', ...definitions(r).map((d) => `  ${d}`));
  const agents = Object.entries(r.byAgent);
  if (agents.length > 0 && r.by !== 'agent') {
    out.push('', 'By agent:');
    out.push(
      ...table(
        ['  agent', 'commits', 'AI lines'],
        agents.map(([a, v]) => [`  ${a}`, String(v.commits), String(v.lines)]),
      ),
    );
  }
  if (r.rows && r.by) {
    out.push('', `By ${r.by}:`);
    out.push(
      ...table(
        [`  ${r.by}`, ...ROW_COLUMNS.map(([, h]) => h)],
        // A path is commit-made: a line break in it must not start a row of its own (attack22 03).
        r.rows.map((row) => [`  ${oneLine(row.key)}`, ...ROW_COLUMNS.map(([k]) => cell(row, k))]),
      ),
    );
  }
  out.push(...consistencyText(r));
  return out.join('\n') + '\n';
}

/** An unreadable trailer or note is its own kind of problem, not a disagreement between the two. */
const UNREADABLE: ReadonlySet<string> = new Set(['note-unreadable', 'provenance-unreadable']);

function listed(out: string[], items: string[], more = '') {
  // Each item names commit-made text (paths, subjects): one line each (attack22 03).
  for (const m of items.slice(0, MAX_LISTED)) out.push(`  ${oneLine(m)}`);
  if (items.length > MAX_LISTED) out.push(`  … and ${items.length - MAX_LISTED} more${more}`);
}

/**
 * What needs a look ("Problems") apart from what the usual review workflow leaves behind ("Notes"): an amend
 * after "request changes", a rebase, or approvals on a branch the range leaves out are normal (newuser10 N17).
 */
function consistencyText(r: Report): string[] {
  const { mismatches, orphanNotes } = r.consistency;
  const out: string[] = [];
  const unreadable = mismatches.filter((m) => UNREADABLE.has(m.kind));
  const disagree = mismatches.filter((m) => !UNREADABLE.has(m.kind));
  const problems = r.review.problems ?? r.review.errors;
  const notes = r.review.notes ?? [];
  if (mismatches.length === 0 && problems.length === 0)
    out.push('', 'Consistency: trailers and notes agree, and every approval statement is readable and counted.');
  else {
    out.push('', 'Problems:');
    if (disagree.length > 0) {
      out.push(`Trailers and notes disagree on ${disagree.length} commit${disagree.length === 1 ? '' : 's'}:`);
      listed(
        out,
        disagree.map((m) => m.message),
        ' (--format json lists all)',
      );
    }
    if (unreadable.length > 0) {
      out.push(`Unreadable provenance on ${unreadable.length} commit${unreadable.length === 1 ? '' : 's'}:`);
      listed(
        out,
        unreadable.map((m) => m.message),
        ' (--format json lists all)',
      );
    }
    if (problems.length > 0) {
      out.push(`${problems.length} approval statement${problems.length === 1 ? '' : 's'} not counted:`);
      listed(out, problems);
    }
  }
  if (orphanNotes.length > 0 || notes.length > 0) {
    out.push('', 'Notes (left by the usual review workflow — amends, rebases, other branches; nothing to fix):');
    if (orphanNotes.length > 0) {
      out.push(
        `${orphanNotes.length} note${orphanNotes.length === 1 ? '' : 's'} on commits no branch, tag or HEAD reaches (the commits before an amend or rebase):`,
      );
      listed(
        out,
        orphanNotes.map((o) => `${o.ref} ${o.object}`),
      );
    }
    for (const n of notes) out.push(n);
  }
  return out;
}

function mdTable(header: string[], rows: string[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

export function formatReportMarkdown(r: Report): string {
  const out: string[] = [`# Countersign report: \`${rangeLabel(r).replace(/`/g, '')}\``, ''];
  out.push(
    ...mdTable(
      ['', 'value'],
      summaryLines(r).map(([k, v]) => [k, mdProse(v)]),
    ),
  );
  out.push('', ...definitions(r).map((d) => `- ${mdProse(d)}`));
  const agents = Object.entries(r.byAgent);
  if (agents.length > 0) {
    out.push('', '## By agent', '');
    out.push(
      ...mdTable(
        ['agent', 'commits', 'AI lines'],
        agents.map(([a, v]) => [mdText(a), String(v.commits), String(v.lines)]),
      ),
    );
  }
  if (r.rows && r.by) {
    out.push('', `## By ${r.by}`, '');
    out.push(
      ...mdTable(
        [r.by, ...ROW_COLUMNS.map(([, h]) => h)],
        r.rows.map((row) => [mdText(row.key), ...ROW_COLUMNS.map(([k]) => cell(row, k))]),
      ),
    );
  }
  const { mismatches, orphanNotes } = r.consistency;
  const problems = r.review.problems ?? r.review.errors;
  const notes = r.review.notes ?? [];
  out.push('', '## Consistency', '');
  if (mismatches.length === 0 && problems.length === 0)
    out.push('Trailers and notes agree, and every approval statement is readable and counted.');
  else {
    out.push('### Problems', '');
    for (const m of mismatches) out.push(`- ${mdProse(m.message)}`);
    for (const p of problems) out.push(`- ${mdProse(p)}`);
  }
  if (orphanNotes.length > 0 || notes.length > 0) {
    out.push('', '### Notes (left by the usual review workflow; nothing to fix)', '');
    for (const o of orphanNotes) out.push(`- note in ${o.ref} on unreachable object \`${o.object}\``);
    for (const n of notes) out.push(`- ${mdProse(n)}`);
  }
  return out.join('\n') + '\n';
}

/** RFC 4180, with a leading `'` on cells a spreadsheet would run as a formula (an author named "=cmd|…"). */
function csvCell(v: string | number | null): string {
  let s = v === null ? '' : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_COLUMNS: Array<keyof ReportRow> = [
  'key',
  'commits',
  'aiAssistedCommits',
  'unattestedCommits',
  'reviewedCommits',
  'addedLines',
  'aiLines',
  'aiShare',
  'reviewCoverage',
  // Added after the first columns, so a spreadsheet reading columns by position still finds them.
  'needingReviewCommits',
  'reviewedNeedingReviewCommits',
];

/** One line per row of `--by` (a single `total` row without it). */
export function formatReportCsv(r: Report): string {
  const {
    range: _r,
    byAgent: _b,
    by: _by,
    rows: _rows,
    weeks: _w,
    notes: _n,
    review: _rv,
    consistency: _c,
    ...total
  } = r;
  const rows: ReportRow[] = r.rows ?? [{ key: 'total', ...total }];
  const header = [r.by ?? 'scope', ...CSV_COLUMNS.slice(1)];
  return (
    [header.join(','), ...rows.map((row) => CSV_COLUMNS.map((k) => csvCell(row[k])).join(','))].join('\r\n') + '\r\n'
  );
}
