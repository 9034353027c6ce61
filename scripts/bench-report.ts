/**
 * Benchmark of `countersign report` (issues 7, 11 and 12) on generated histories of the shape of git-ai's own
 * repository: N commits (default 5,000) on main with merges, about 45% of them with a git-ai authorship/3.0.0
 * note carrying prompt transcripts (test/unit/helpers/gitAiHistory.ts), in two diff weights:
 *   light    each commit rewrites 1–3 files of 5–64 lines (the fixture of sessions 4–10): `git log --numstat`
 *            costs ~0.05 ms a commit here, a tenth of a real project's, so the report's own work dominates;
 *   project  a tree of ~320 source files (median ~250 lines, a tail past 1,500) edited in place, 1–4 files a
 *            commit with a hunk or two each, now and then a wide change or a new file, packed the way a clone's
 *            pack is (`git repack -adf`: git's default delta window and depth). Calibration: issue 11 measured
 *            `git log --numstat main` at ~2.5 s on git-ai's own history (5,337 commits: ~0.47 ms a commit),
 *            ten times this light fixture; this weight costs ~0.5 ms a commit on the same machine (2.3–2.5 s CPU
 *            for 5,000 commits at load 5), from sizes chosen as a typical project's, not fitted to a target.
 * Times, in the same run and alternately (median of `--runs`, default 3):
 *   baseline  git log --numstat main          (the diff stats any report of added lines needs)
 *   report    node dist/cli.js report main --format json
 * and the report's peak resident memory (/usr/bin/time's maximum RSS: the node process or its largest git
 * child). Prints the figures and the ratios; `--json` prints one object instead:
 *   {"report": {"commits", "notes", "seconds5k", "baselineSeconds", "ratioVsNumstat", "cpuRatioVsNumstat",
 *    "peakMb", "load", "project": {the same fields for the project weight}}}
 * The top-level figures (`seconds5k`, `ratioVsNumstat`, …) are the light fixture's, as they always were;
 * `project` is added (`--fixture light|project|both`, default both). `seconds5k` is the report's median at the
 * N given; scripts/bench.ts runs it at 5,000.
 * `--compare-cli PATH` also runs another build's cli.js in the same rounds, alternating (an A/B), and says
 * whether its output is byte for byte the same.
 * Usage: node dist/scripts/bench-report.js [N] [--runs R] [--fixture light|project|both] [--compare-cli PATH]
 *        [--keep] [--json]
 * Also importable: `benchReport({ commits, runs })` returns the same object without printing.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildGitAiHistory } from '../test/unit/helpers/gitAiHistory';

export type DiffWeight = 'light' | 'project';

export interface FixtureFigures {
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
  /** git log --numstat's CPU time per commit, ms: what the diff weight costs (the calibration). */
  numstatCpuMsPerCommit: number;
  /** With `--compare-cli`: another build's report in the same rounds (alternating), for an A/B. */
  compared?: { cli: string; seconds5k: number; cpuSeconds: number; cpuSecondsThis: number; sameOutput: boolean };
}

export interface ReportBenchFigures extends Partial<FixtureFigures> {
  project?: FixtureFigures;
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
  opts: {
    commits?: number;
    runs?: number;
    keep?: boolean;
    fixtures?: DiffWeight[];
    compareCli?: string;
    log?: (line: string) => void;
  } = {},
): ReportBenchFigures {
  const out: ReportBenchFigures = {};
  for (const weight of opts.fixtures ?? ['light', 'project']) {
    const f = benchFixture(weight, opts);
    if (weight === 'light') Object.assign(out, f);
    else out.project = f;
  }
  return out;
}

function benchFixture(
  weight: DiffWeight,
  opts: { commits?: number; runs?: number; keep?: boolean; compareCli?: string; log?: (line: string) => void },
): FixtureFigures {
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
    const built = buildGitAiHistory(dir, { commits: n, diffWeight: weight });
    // fast-import deltifies each blob against the previous one written, whatever its path; a clone's pack has
    // deltas between versions of a file, so the project weight is packed afresh (git's default window and
    // depth). The light weight keeps what sessions 4–10 measured.
    execFileSync('git', weight === 'project' ? ['repack', '-adfq'] : ['gc', '-q'], { cwd: dir, env });
    const commits = Number(
      execFileSync('git', ['rev-list', '--count', 'main'], { cwd: dir, env, encoding: 'utf8' }).trim(),
    );
    log(
      `[${weight}] built ${commits} commits on main (${built.merges} merges, ${built.notes} git-ai notes) in ${((Date.now() - tb) / 1000).toFixed(1)} s at ${dir}`,
    );
    const base: number[] = [],
      rep: number[] = [],
      rss: number[] = [],
      baseCpu: number[] = [],
      repCpu: number[] = [],
      otherWall: number[] = [],
      otherCpu: number[] = [];
    let out = '';
    let sameOutput = true;
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
      if (opts.compareCli) {
        const o = timed([process.execPath, opts.compareCli, 'report', 'main', '--format', 'json'], dir, env);
        otherWall.push(o.seconds);
        otherCpu.push(o.cpuSeconds);
        if (o.stdout !== r.stdout) sameOutput = false;
      }
    }
    const j = JSON.parse(out) as { commits: number; aiLines: number; notes: { ai: number } };
    if (j.commits !== commits) throw new Error(`report counted ${j.commits} commits, git rev-list ${commits}`);
    const figures: FixtureFigures = {
      commits,
      notes: j.notes.ai,
      aiLines: j.aiLines,
      seconds5k: round(median(rep)),
      baselineSeconds: round(median(base)),
      ratioVsNumstat: round(median(rep) / median(base)),
      cpuRatioVsNumstat: round(median(repCpu) / median(baseCpu)),
      peakMb: Math.round(Math.max(...rss)),
      load: round(os.loadavg()[0]),
      numstatCpuMsPerCommit: round((median(baseCpu) * 1000) / commits),
      ...(opts.compareCli
        ? {
            compared: {
              cli: opts.compareCli,
              seconds5k: round(median(otherWall)),
              cpuSeconds: round(median(otherCpu)),
              cpuSecondsThis: round(median(repCpu)),
              sameOutput,
            },
          }
        : {}),
    };
    log(
      `[${weight}] git log --numstat main      ${figures.baselineSeconds.toFixed(3)} s (median of ${runs}), ${median(baseCpu).toFixed(2)} s CPU = ${figures.numstatCpuMsPerCommit} ms a commit`,
    );
    log(
      `[${weight}] report main --format json   ${figures.seconds5k.toFixed(3)} s (median of ${runs}), peak RSS ${figures.peakMb} MB`,
    );
    log(
      `[${weight}] ratio report / numstat      ${figures.ratioVsNumstat.toFixed(2)}x wall, ${figures.cpuRatioVsNumstat.toFixed(2)}x CPU (${median(repCpu).toFixed(2)} s vs ${median(baseCpu).toFixed(2)} s) at load ${figures.load}   (target <= 1.5x, <= 300 MB)`,
    );
    if (figures.compared)
      log(
        `[${weight}] compared: ${figures.compared.cli} ${figures.compared.seconds5k.toFixed(3)} s wall, ${figures.compared.cpuSeconds.toFixed(2)} s CPU vs this build ${figures.seconds5k.toFixed(3)} s, ${figures.compared.cpuSecondsThis.toFixed(2)} s CPU; output ${sameOutput ? 'byte-identical' : 'DIFFERS'}`,
      );
    log(`[${weight}] report: ${j.commits} commits, ${j.notes.ai} notes, ${j.aiLines} AI lines`);
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
  const fixtureAt = args.indexOf('--fixture');
  const fixture = fixtureAt >= 0 ? args[fixtureAt + 1] : 'both';
  if (!['light', 'project', 'both'].includes(fixture)) throw new Error(`--fixture: light, project or both`);
  const compareAt = args.indexOf('--compare-cli');
  const figures = benchReport({
    ...(compareAt >= 0 ? { compareCli: path.resolve(args[compareAt + 1]) } : {}),
    fixtures: fixture === 'both' ? ['light', 'project'] : [fixture as DiffWeight],
    commits: Number(args.find((a, i) => /^\d+$/.test(a) && args[i - 1] !== '--runs') ?? 5000),
    ...(runsAt >= 0 ? { runs: Number(args[runsAt + 1]) } : {}),
    keep: args.includes('--keep'),
    log: args.includes('--json') ? undefined : (line) => console.log(line),
  });
  // The project weight's main figures also flat, for scripts/bench.ts (it reads numbers of one level).
  const p = figures.project;
  const flat = p
    ? {
        projectSeconds5k: p.seconds5k,
        projectRatioVsNumstat: p.ratioVsNumstat,
        projectCpuRatioVsNumstat: p.cpuRatioVsNumstat,
        projectPeakMb: p.peakMb,
      }
    : {};
  if (args.includes('--json')) console.log(JSON.stringify({ report: { ...figures, ...flat } }));
}
