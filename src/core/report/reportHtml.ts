import { APPROVALS_AS_FETCHED, REVIEW_COVERAGE_RULE, type Report, type ReportRow } from './aggregate';
import { isoWeekStart } from './isoWeek';
import { percent } from './reportFormat';

/**
 * `report --format html`: one self-contained page — no scripts, no fonts, no network; the chart is inline
 * SVG — so it can be archived, mailed, attached to a CI run or shown in a VS Code webview as is. Colours come
 * from `--vscode-*` variables when a webview provides them, with plain fallbacks elsewhere.
 */
function esc(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

const W = 880,
  H = 260,
  ML = 48,
  MR = 16,
  MT = 16,
  MB = 40;

/** AI share of added lines and review coverage of commits, per ISO week, as two polylines on 0–100%. */
export function weeklyChartSvg(weeks: ReportRow[]): string {
  if (weeks.length === 0) return '<p class="muted">No commits in range.</p>';
  const n = weeks.length;
  const x = (i: number) => ML + (n === 1 ? (W - ML - MR) / 2 : (i * (W - ML - MR)) / (n - 1));
  const y = (v: number) => MT + (1 - Math.max(0, Math.min(1, v))) * (H - MT - MB);
  const parts: string[] = [];
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<line class="grid" x1="${ML}" x2="${W - MR}" y1="${y(t)}" y2="${y(t)}"/>`);
    parts.push(`<text class="axis" x="${ML - 6}" y="${y(t) + 4}" text-anchor="end">${t * 100}%</text>`);
  }
  const step = Math.max(1, Math.ceil(n / 8));
  weeks.forEach((w, i) => {
    if (i % step === 0 || i === n - 1)
      parts.push(
        `<text class="axis" x="${x(i)}" y="${H - MB + 16}" text-anchor="middle">${esc(isoWeekStart(w.key))}</text>`,
      );
  });
  const series = (cls: string, label: string, value: (w: ReportRow) => number | null) => {
    const pts: string[] = [];
    const dots: string[] = [];
    weeks.forEach((w, i) => {
      const v = value(w);
      if (v === null) return;
      pts.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
      dots.push(
        `<circle class="${cls}" cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2.5"><title>${esc(w.key)}: ${label} ${percent(v)}</title></circle>`,
      );
    });
    return `<polyline class="${cls}" fill="none" points="${pts.join(' ')}"/>${n <= 200 ? dots.join('') : ''}`;
  };
  parts.push(series('ai', 'AI share', (w) => w.aiShare));
  parts.push(series('rv', 'review coverage', (w) => w.reviewCoverage));
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="AI share of added lines and review coverage per week">${parts.join('')}</svg>`;
}

function rowsTable(first: string, rows: ReportRow[]): string {
  const head = [
    'commits',
    'AI-assisted',
    'unattested',
    'reviewed',
    'needed review',
    'added lines',
    'AI lines',
    'AI share',
    'review coverage',
  ];
  const body = rows
    .map(
      (r) =>
        `<tr><th scope="row">${esc(r.key)}</th><td>${r.commits}</td><td>${r.aiAssistedCommits}</td><td>${r.unattestedCommits}</td><td>${r.reviewedCommits}</td><td>${r.needingReviewCommits}</td><td>${r.addedLines}</td><td>${r.aiLines}</td><td>${percent(r.aiShare)}</td><td>${percent(r.reviewCoverage)}</td></tr>`,
    )
    .join('\n');
  return `<table><thead><tr><th>${esc(first)}</th>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

export function formatReportHtml(r: Report, generatedAt = new Date()): string {
  const range = r.range.join(' ');
  const card = (label: string, value: string, sub: string) =>
    `<div class="card"><div class="label">${esc(label)}</div><div class="value">${esc(value)}</div><div class="muted">${esc(sub)}</div></div>`;
  const frac = (a: number, b: number) => (b > 0 ? percent(a / b) : '–');
  const agents = Object.entries(r.byAgent);
  const { mismatches, orphanNotes } = r.consistency;
  const issues = [
    ...mismatches.map((m) => `<li>${esc(m.message)}</li>`),
    ...(r.review.problems ?? r.review.errors).map((e) => `<li>${esc(e)}</li>`),
  ];
  // Leftovers of the usual review workflow, shown apart from the problems (newuser10 N17).
  const leftovers = [
    ...orphanNotes.map((o) => `<li>note in ${esc(o.ref)} on unreachable object <code>${esc(o.object)}</code></li>`),
    ...(r.review.notes ?? []).map((e) => `<li>${esc(e)}</li>`),
  ];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Countersign report — ${esc(range)}</title>
<style>
  body { font-family: var(--vscode-font-family, system-ui, sans-serif); color: var(--vscode-foreground, #1f2328); background: var(--vscode-editor-background, #fff); margin: 24px; }
  h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 2em; }
  .cards { display: flex; flex-wrap: wrap; gap: 12px; }
  .card { border: 1px solid var(--vscode-panel-border, #d0d7de); border-radius: 6px; padding: 10px 14px; min-width: 150px; }
  .label { font-size: .85em; } .value { font-size: 1.6em; font-weight: 600; }
  .muted { opacity: .7; font-size: .85em; }
  table { border-collapse: collapse; margin-top: 8px; } th, td { padding: 3px 10px; border-bottom: 1px solid var(--vscode-panel-border, #d0d7de); }
  td { text-align: right; font-variant-numeric: tabular-nums; } th { text-align: left; }
  svg { width: 100%; max-width: 880px; height: auto; }
  svg .grid { stroke: currentColor; stroke-opacity: .15; } svg .axis { font-size: 11px; fill: currentColor; fill-opacity: .7; }
  svg polyline { stroke-width: 2; } svg .ai { stroke: #d97706; fill: #d97706; } svg .rv { stroke: #2563eb; fill: #2563eb; }
  .legend span { display: inline-block; margin-right: 16px; } .sw { display: inline-block; width: 12px; height: 3px; vertical-align: middle; margin-right: 4px; }
</style>
</head>
<body>
<h1>Countersign report — <code>${esc(range)}</code></h1>
<p class="muted">Generated ${esc(generatedAt.toISOString())}. Reviewed = ${esc(r.review.detail)}. Review coverage = ${esc(REVIEW_COVERAGE_RULE)}. Counted from ${esc(APPROVALS_AS_FETCHED)}.</p>
<div class="cards">
${card('Commits', String(r.commits), `${r.notes.ai} with a refs/notes/ai note`)}
${card('AI-assisted commits', String(r.aiAssistedCommits), frac(r.aiAssistedCommits, r.commits))}
${card('AI share of added lines', percent(r.aiShare), `${r.aiLines} of ${r.addedLines} lines`)}
${card('Review coverage', percent(r.reviewCoverage), `${r.reviewedNeedingReviewCommits} of the ${r.needingReviewCommits} commits that needed review`)}
${card('Unattested commits', String(r.unattestedCommits), `${frac(r.unattestedCommits, r.commits)} without AI-Provenance`)}
</div>
<h2>Over time (ISO weeks, author date)</h2>
<div class="legend muted"><span><i class="sw" style="background:#d97706"></i>AI share of added lines</span><span><i class="sw" style="background:#2563eb"></i>review coverage of commits that needed review</span></div>
${weeklyChartSvg(r.weeks)}
${
  agents.length > 0
    ? `<h2>By agent</h2>
<table><thead><tr><th>agent</th><th>commits</th><th>AI lines</th></tr></thead><tbody>
${agents.map(([a, v]) => `<tr><th scope="row">${esc(a)}</th><td>${v.commits}</td><td>${v.lines}</td></tr>`).join('\n')}
</tbody></table>`
    : ''
}
${r.rows && r.by && r.by !== 'week' ? `<h2>By ${esc(r.by)}</h2>\n${rowsTable(r.by, r.rows)}` : ''}
<h2>By week</h2>
${rowsTable('week', r.weeks)}
<h2>Consistency</h2>
${issues.length === 0 ? '<p>Trailers and notes agree, and every approval statement is readable and counted.</p>' : `<p>Problems:</p>\n<ul>\n${issues.join('\n')}\n</ul>`}${leftovers.length === 0 ? '' : `\n<p class="muted">Notes (left by the usual review workflow; nothing to fix):</p>\n<ul class="muted">\n${leftovers.join('\n')}\n</ul>`}
</body>
</html>
`;
}
