/**
 * Benchmark of `countersign report` (issues 7, 11 and 12) on a generated history of the shape of git-ai's
 * own repository: N commits (default 5,000) on main with merges, about 45% of them with a git-ai
 * authorship/3.0.0 note carrying prompt transcripts (test/unit/helpers/gitAiHistory.ts). Times, in the same
 * run and alternately (median of `--runs`, default 3):
 *   baseline  git log --numstat main          (the diff stats any report of added lines needs)
 *   report    node dist/cli.js report main --format json
 * and the report's peak resident memory (/usr/bin/time's maximum RSS: the node process or its largest git
 * child). Prints the figures and the ratio; `--json` prints one object instead:
 *   {"report": {"commits", "notes", "seconds5k", "baselineSeconds", "ratioVsNumstat", "peakMb"}}
 * (`seconds5k` is the report's median at the N given; scripts/bench.ts runs it at 5,000).
 * Usage: node dist/scripts/bench-report.js [N] [--runs R] [--keep] [--json]
 * Also importable: `benchReport({ commits, runs })` returns the same object without printing.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildGitAiHistory } from '../test/unit/helpers/gitAiHistory';

export interface ReportBenchFigures {
  commits: number;
  notes: number;
  aiLines: number;
  seconds5k: number;
  baselineSeconds: number;
  ratioVsNumstat: number;
  /** The same ratio in CPU time (report's process tree vs git log's). */
  cpuRatioVsNumstat: number;
  peakMb: number;
  load: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * Runs `cmd` under /usr/bin/time and returns wall seconds, CPU seconds (user + system, the command and the
 * git processes it waited for: what a loaded machine does not inflate), peak RSS in MB and stdout.
 */
function timed(
  cmd: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): { seconds: number; cpuSeconds: number; peakMb: number; stdout: string } {
  const t = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', ...cmd], { cwd, env, maxBuffer: 1 << 30, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed (${r.status}): ${r.stderr}`);
  const [kb, user, system] = (r.stderr.trim().split('\n').pop() ?? '').split(' ').map(Number);
  return { seconds, cpuSeconds: user + system, peakMb: kb / 1024, stdout: r.stdout };
}

export function benchReport(
  opts: { commits?: number; runs?: number; keep?: boolean; log?: (line: string) => void } = {},
): ReportBenchFigures {
  const n = opts.commits ?? 5000;
  const runs = opts.runs ?? 3;
  const log = opts.log ?? (() => undefined);
  const cli = path.resolve(__dirname, '..', 'cli.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-bench-report-'));
  const env = {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    HOME: dir,
    GIT_AUTHOR_NAME: 'b',
    GIT_AUTHOR_EMAIL: 'b@example.com',
    GIT_COMMITTER_NAME: 'b',
    GIT_COMMITTER_EMAIL: 'b@example.com',
  };
  try {
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir, env });
    const tb = Date.now();
    const built = buildGitAiHistory(dir, { commits: n });
    execFileSync('git', ['gc', '-q'], { cwd: dir, env });
    const commits = Number(
      execFileSync('git', ['rev-list', '--count', 'main'], { cwd: dir, env, encoding: 'utf8' }).trim(),
    );
    log(
      `built ${commits} commits on main (${built.merges} merges, ${built.notes} git-ai notes) in ${((Date.now() - tb) / 1000).toFixed(1)} s at ${dir}`,
    );
    const base: number[] = [],
      rep: number[] = [],
      rss: number[] = [],
      baseCpu: number[] = [],
      repCpu: number[] = [];
    let out = '';
    timed(['git', 'log', '--numstat', 'main'], dir, env); // warm the page cache for both
    for (let i = 0; i < runs; i++) {
      const b = timed(['git', 'log', '--numstat', 'main'], dir, env);
      base.push(b.seconds);
      baseCpu.push(b.cpuSeconds);
      const r = timed([process.execPath, cli, 'report', 'main', '--format', 'json'], dir, env);
      rep.push(r.seconds);
      repCpu.push(r.cpuSeconds);
      rss.push(r.peakMb);
      out = r.stdout;
    }
    const j = JSON.parse(out) as { commits: number; aiLines: number; notes: { ai: number } };
    if (j.commits !== commits) throw new Error(`report counted ${j.commits} commits, git rev-list ${commits}`);
    const figures: ReportBenchFigures = {
      commits,
      notes: j.notes.ai,
      aiLines: j.aiLines,
      seconds5k: round(median(rep)),
      baselineSeconds: round(median(base)),
      ratioVsNumstat: round(median(rep) / median(base)),
      cpuRatioVsNumstat: round(median(repCpu) / median(baseCpu)),
      peakMb: Math.round(Math.max(...rss)),
      load: round(os.loadavg()[0]),
    };
    log(`git log --numstat main                 ${figures.baselineSeconds.toFixed(3)} s (median of ${runs})`);
    log(
      `countersign report main --format json  ${figures.seconds5k.toFixed(3)} s (median of ${runs}), peak RSS ${figures.peakMb} MB`,
    );
    log(
      `ratio report / git log --numstat       ${figures.ratioVsNumstat.toFixed(2)}x wall, ${figures.cpuRatioVsNumstat.toFixed(2)}x CPU (${median(repCpu).toFixed(2)} s vs ${median(baseCpu).toFixed(2)} s) at load ${figures.load}   (target <= 1.5x, <= 300 MB)`,
    );
    log(`report: ${j.commits} commits, ${j.notes.ai} notes, ${j.aiLines} AI lines`);
    return figures;
  } finally {
    if (!opts.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const runsAt = args.indexOf('--runs');
  const figures = benchReport({
    commits: Number(args.find((a, i) => /^\d+$/.test(a) && args[i - 1] !== '--runs') ?? 5000),
    ...(runsAt >= 0 ? { runs: Number(args[runsAt + 1]) } : {}),
    keep: args.includes('--keep'),
    log: args.includes('--json') ? undefined : (line) => console.log(line),
  });
  if (args.includes('--json')) console.log(JSON.stringify({ report: figures }));
}
