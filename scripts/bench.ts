/**
 * `npm run bench`: every performance figure of issue 11, measured in one run against baselines measured in the
 * same run (the machines are shared: ratios matter more than absolute times), with synthetic data generated
 * here at the stated sizes and nothing cached between runs. Prints a table, or with `--json` ONE JSON object.
 *
 * Sections measured in this process: the attribution engine, commit overhead, bundle sizes. Sections kept in
 * their own scripts run as `node SCRIPT --json` and hand back a JSON last line (protocol: bench/stats.ts):
 *   bench-verify.js        verify.seconds10k, verify.speedupVsSshKeygen
 *   bench-report.js        report.seconds5k, report.ratioVsNumstat, report.peakMb (light diffs) and the
 *                          same for a real project's diff weight (report.projectSeconds5k, …)
 *   bench-review-panel.js  panel.refreshSeconds
 *   bench-activation.js    extension.activationMs (the real code-server extension host)
 *
 * Usage: npm run bench [-- --json] [-- --rounds N] [-- --only engine,commit,bundle,verify,report,panel,activation]
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildProduction, bundleSizes } from './bench/bundleBench';
import { commitBench } from './bench/commitBench';
import { engineBench } from './bench/engineBench';
import { round, runSubBench, type SubBench } from './bench/stats';

const SECTIONS = ['engine', 'commit', 'bundle', 'verify', 'report', 'panel', 'activation'] as const;
type Section = (typeof SECTIONS)[number];

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const json = process.argv.includes('--json');
const rounds = Number(option('--rounds') ?? 5);
const only = new Set((option('--only') ?? SECTIONS.join(',')).split(',').map((s) => s.trim()));
for (const s of only)
  if (!SECTIONS.includes(s as Section))
    throw new Error(`--only: unknown section '${s}' (known: ${SECTIONS.join(', ')})`);
const wanted = (s: Section) => only.has(s);
/** Progress goes to stderr with --json, so stdout is the one JSON object. */
const progress = (line: string) => (json ? process.stderr : process.stdout).write(line + '\n');

const scriptsDir = __dirname; // dist/scripts (or .out/NAME/scripts)
const outDir = path.dirname(scriptsDir);
let repoRoot = outDir;
while (!fs.existsSync(path.join(repoRoot, 'esbuild.js'))) {
  if (path.dirname(repoRoot) === repoRoot) throw new Error(`no esbuild.js above ${outDir}`);
  repoRoot = path.dirname(repoRoot);
}

type Figure = number | boolean | null | { [name: string]: Figure };
type Figures = Record<string, Record<string, Figure>>;
const figures: Figures = {};
const notes: string[] = [];

function sub(
  section: string,
  script: string,
  expect: Record<string, string>,
  args: string[] = [],
  timeoutMs = 600_000,
): void {
  progress(
    `[${section}] node ${path.relative(process.cwd(), path.join(scriptsDir, script))} ${[...args, '--json'].join(' ')}`,
  );
  const r: SubBench = runSubBench(path.join(scriptsDir, script), args, Object.values(expect), timeoutMs);
  figures[section] = {
    ...figures[section],
    ...Object.fromEntries(Object.entries(expect).map(([ours, theirs]) => [ours, r.figures[theirs]])),
  };
  if (r.note) notes.push(`${section}: ${r.note}`);
}

function main(): void {
  const started = Date.now();
  if (wanted('engine')) {
    progress(`[engine] ${rounds} rounds of 20,000 one-character edits at 1k, 20k and 100k lines`);
    const e = engineBench(rounds);
    figures.engine = {
      usPerEdit20k: round(e.usPerEdit20k, 2),
      cpuUsPerEdit20k: round(e.cpuUsPerEdit20k, 2),
      growth1kTo100k: round(e.growth1kTo100k, 2),
      cpuGrowth1kTo100k: round(e.cpuGrowth1kTo100k, 2),
      usPerEdit1k: round(e.usPerEdit1k, 2),
      usPerEdit100k: round(e.usPerEdit100k, 2),
      naiveUsPerEdit20k: round(e.naiveUsPerEdit20k, 1),
      aiRanges20k: e.aiRanges20k,
      rounds: e.rounds,
    };
  }
  // The commit is timed with the production CLI, the one `countersign install` copies into .git/countersign/bin.
  const prod = wanted('commit') || wanted('bundle') ? buildProduction(repoRoot) : undefined;
  try {
    if (prod && wanted('commit')) {
      const commitRounds = Math.max(rounds, 7);
      progress(
        `[commit] ${commitRounds} rounds of: node -e 0, a commit with the hooks off, one with them on (1,000 files, 1,000-line change: an agent's, and one nothing observed; production CLI)`,
      );
      const c = commitBench(path.join(prod, 'cli.js'), commitRounds);
      figures.commit = {
        overheadMs: round(c.overheadMs, 1),
        nodeStartupMs: round(c.nodeStartupMs, 1),
        overheadVsNodeStartup: round(c.overheadVsNodeStartup, 2),
        hooksOnMs: round(c.hooksOnMs, 1),
        hooksOffMs: round(c.hooksOffMs, 1),
        gitProcesses: c.gitProcesses,
        cpuOverheadVsNodeStartup: round(c.cpuOverheadVsNodeStartup, 2),
        nodeStartupCleanMs: round(c.nodeStartupCleanMs, 1),
        overheadVsCleanNodeStartup: round(c.overheadVsCleanNodeStartup, 2),
        cpuOverheadVsCleanNodeStartup: round(c.cpuOverheadVsCleanNodeStartup, 2),
        nodeExtraCaCerts: c.nodeExtraCaCerts,
        rounds: c.rounds,
        unobserved: {
          overheadMs: round(c.unobserved.overheadMs, 1),
          overheadVsNodeStartup: round(c.unobserved.overheadVsNodeStartup, 2),
          cpuOverheadVsNodeStartup: round(c.unobserved.cpuOverheadVsNodeStartup, 2),
          overheadVsCleanNodeStartup: round(c.unobserved.overheadVsCleanNodeStartup, 2),
          cpuOverheadVsCleanNodeStartup: round(c.unobserved.cpuOverheadVsCleanNodeStartup, 2),
          gitProcesses: c.unobserved.gitProcesses,
          nodeStarts: c.unobserved.nodeStarts,
        },
      };
    }
    if (prod && wanted('bundle')) {
      progress('[bundle] sizes of node esbuild.js --production (built into a scratch folder)');
      const b = bundleSizes(prod);
      figures.extension = {
        ...figures.extension,
        bundleKb: round(b.extensionKb, 1),
        ...(b.extensionServicesKb !== null ? { servicesBundleKb: round(b.extensionServicesKb, 1) } : {}),
        ...(b.extensionLazyKb !== null ? { lazyBundleKb: round(b.extensionLazyKb, 1) } : {}),
      };
      figures.cli = {
        bundleKb: round(b.cliKb, 1),
        ...(b.cliLazyKb !== null ? { lazyBundleKb: round(b.cliLazyKb, 1) } : {}),
        ...(b.cliLedgerKb !== null ? { ledgerBundleKb: round(b.cliLedgerKb, 1) } : {}),
        ...(b.cliGateKb !== null ? { gateBundleKb: round(b.cliGateKb, 1) } : {}),
      };
      if (b.hookKb !== null) figures.hook = { bundleKb: round(b.hookKb, 1) };
    }
  } finally {
    if (prod) fs.rmSync(prod, { recursive: true, force: true });
  }
  if (wanted('verify'))
    sub('verify', 'bench-verify.js', {
      seconds10k: 'seconds10k',
      speedupVsSshKeygen: 'speedupVsSshKeygen',
      junk40kAddedSeconds: 'junk40kAddedSeconds',
      cpuSeconds10k: 'cpuSeconds10k',
      junk40kAddedCpuSeconds: 'junk40kAddedCpuSeconds',
      peakMb10k: 'peakMb10k',
      peakMb42k: 'peakMb42k',
      gitLogSeconds: 'gitLogSeconds',
      preReceiveSeconds: 'preReceiveSeconds',
      loadAverage: 'loadAverage',
    });
  if (wanted('report'))
    sub(
      'report',
      'bench-report.js',
      {
        seconds5k: 'seconds5k',
        ratioVsNumstat: 'ratioVsNumstat',
        cpuRatioVsNumstat: 'cpuRatioVsNumstat',
        peakMb: 'peakMb',
        projectSeconds5k: 'projectSeconds5k',
        projectRatioVsNumstat: 'projectRatioVsNumstat',
        projectCpuRatioVsNumstat: 'projectCpuRatioVsNumstat',
        projectPeakMb: 'projectPeakMb',
      },
      ['5000'],
      // The project-weight history takes 1.5–2.5 minutes to build and pack on a loaded machine.
      1_200_000,
    );
  if (wanted('panel'))
    sub(
      'panel',
      'bench-review-panel.js',
      {
        refreshSeconds: 'refreshSeconds',
        warmRefreshSeconds: 'warmRefreshSeconds',
        gitProcesses: 'gitProcesses',
        warmGitProcesses: 'warmGitProcesses',
        refreshVsGitStart: 'refreshVsGitStart',
      },
      ['--rounds', String(Math.max(3, rounds))],
    );
  if (wanted('activation')) {
    const before = figures.extension;
    sub('extension', 'bench-activation.js', { activationMs: 'activationMs', servicesMs: 'servicesMs' }, [
      '--rounds',
      String(Math.min(rounds, 3)),
    ]);
    figures.extension = { ...before, ...figures.extension };
  }

  const result = {
    ...figures,
    meta: { node: process.version, cpus: os.cpus().length, seconds: round((Date.now() - started) / 1000, 1), notes },
  };
  if (json) {
    process.stdout.write(JSON.stringify(result) + '\n');
    return;
  }
  printTable(figures);
  for (const n of notes) console.log(`note: ${n}`);
}

/** [figure, what it is, unit, the target where it sets one] */
const TARGETS: Array<[string, string, string, ((v: number) => boolean)?]> = [
  ['engine.usPerEdit20k', 'engine: one-character edit, 20,000 lines, 2,000 AI ranges', 'µs', (v) => v <= 5],
  ['engine.cpuUsPerEdit20k', 'engine: the same, CPU time (less disturbed by load)', 'µs'],
  ['engine.growth1kTo100k', 'engine: growth 1k → 100k lines', '×', (v) => v <= 2],
  ['engine.cpuGrowth1kTo100k', 'engine: the same growth, CPU time', '×'],
  ['commit.overheadMs', 'commit overhead, hooks on vs off (1,000 files, 1,000-line change)', 'ms'],
  ['commit.nodeStartupMs', '`node -e 0` start-up, same rounds', 'ms'],
  ['commit.overheadVsNodeStartup', 'commit overhead ÷ node start-up', '×', (v) => v <= 1.3],
  ['commit.cpuOverheadVsNodeStartup', 'the same in CPU time of the whole process tree (less moved by load)', '×'],
  ['commit.nodeStartupCleanMs', '`node -e 0` without NODE_EXTRA_CA_CERTS (which the hooks skip), same rounds', 'ms'],
  ['commit.overheadVsCleanNodeStartup', 'commit overhead ÷ that start-up', '×', (v) => v <= 1.3],
  ['commit.cpuOverheadVsCleanNodeStartup', 'the same in CPU time', '×'],
  ['commit.gitProcesses', 'git processes one commit starts (hooks on)', ''],
  ['commit.unobserved.overheadMs', 'commit overhead, a 1,000-line change nothing observed (no agent, no ledger)', 'ms'],
  ['commit.unobserved.overheadVsNodeStartup', 'that overhead ÷ node start-up', '×', (v) => v <= 1.3],
  ['commit.unobserved.cpuOverheadVsNodeStartup', 'the same in CPU time', '×'],
  ['commit.unobserved.overheadVsCleanNodeStartup', 'that overhead ÷ the clean start-up', '×', (v) => v <= 1.3],
  ['commit.unobserved.cpuOverheadVsCleanNodeStartup', 'the same in CPU time', '×'],
  ['commit.unobserved.gitProcesses', 'git processes such a commit starts', ''],
  ['commit.unobserved.nodeStarts', 'Node processes such a commit starts', ''],
  ['verify.seconds10k', 'verify over 10,000 commits', 's', (v) => v <= 2],
  ['verify.cpuSeconds10k', 'the same, CPU time of node and its git processes', 's'],
  ['verify.junk40kAddedSeconds', 'verify: 40,000 more junk statement lines add', 's', (v) => v <= 1],
  ['verify.junk40kAddedCpuSeconds', 'the same, CPU time', 's'],
  ['verify.speedupVsSshKeygen', 'verify speed-up vs ssh-keygen', '×'],
  ['extension.bundleKb', 'dist/extension.js (production): the entry activate() runs', 'KB', (v) => v <= 400],
  ['extension.servicesBundleKb', 'dist/extension-services.js, loaded just after activate()', 'KB', (v) => v <= 400],
  [
    'extension.lazyBundleKb',
    "dist/extension-lazy.js: doctor, report, explain, the review panel's gate, on first use",
    'KB',
    (v) => v <= 400,
  ],
  ['cli.bundleKb', 'dist/cli.js (production)', 'KB', (v) => v <= 400],
  ['cli.lazyBundleKb', 'dist/cli-lazy.js: init, doctor, report, export/import', 'KB', (v) => v <= 400],
  ['cli.ledgerBundleKb', 'dist/cli-ledger.js: checkpoint and the working-ledger hooks', 'KB', (v) => v <= 400],
  ['cli.gateBundleKb', 'dist/cli-gate.js: verify, review, approve, reject, explain', 'KB', (v) => v <= 400],
  ['extension.activationMs', 'extension activation (integration host): entry + activate()', 'ms', (v) => v <= 30],
  ['extension.servicesMs', 'then loading + composing the services bundle (same host)', 'ms'],
  ['report.seconds5k', 'report over 5,000 commits (light diffs)', 's'],
  ['report.ratioVsNumstat', 'the same ÷ git log --numstat, same rounds', '×', (v) => v <= 1.5],
  ['report.cpuRatioVsNumstat', 'the same in CPU time', '×'],
  ['report.peakMb', 'report peak memory', 'MB', (v) => v <= 300],
  ['report.projectSeconds5k', "report over 5,000 commits, a real project's diff weight", 's'],
  ['report.projectRatioVsNumstat', 'the same ÷ git log --numstat, same rounds', '×', (v) => v <= 1.5],
  ['report.projectCpuRatioVsNumstat', 'the same in CPU time', '×'],
  ['report.projectPeakMb', 'its peak memory', 'MB', (v) => v <= 300],
  ['panel.refreshSeconds', 'review panel refresh, 30 branches × 5 commits (cold)', 's', (v) => v <= 1],
  ['panel.warmRefreshSeconds', 'the same refresh again, refs unchanged', 's', (v) => v <= 1],
  ['panel.gitProcesses', 'git processes per cold refresh', ''],
  ['panel.warmGitProcesses', 'git processes per warm refresh', ''],
];

function printTable(f: Figures): void {
  console.log('');
  console.log(`${'figure'.padEnd(68)} ${'value'.padStart(10)}  target`);
  for (const [key, label, unit, ok] of TARGETS) {
    const [section, ...names] = key.split('.');
    if (!(section in f)) continue;
    // A figure may sit one level deeper (commit.unobserved.overheadMs).
    let at: unknown = f[section];
    for (const n of names) at = at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[n] : undefined;
    const v = typeof at === 'number' ? at : null;
    const shown = v === null || v === undefined ? 'n/a' : `${v}${unit ? ' ' + unit : ''}`;
    console.log(
      `${label.padEnd(68)} ${shown.padStart(10)}  ${v === null || v === undefined || !ok ? '' : ok(v) ? 'met' : 'NOT MET'}`,
    );
  }
}

main();
