import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { CodeServerHost } from './harness/codeServerHost';
import { ElectronHost } from './harness/electronHost';
import type { TestHost } from './harness/host';
import { cacheRoot, buildLayout } from './harness/paths';
import { runSuitePhase, runVsixPhase, type PhaseContext, type PhaseOutcome } from './harness/phases';
import { runUiPhase } from './harness/uiPhase';
import { summaryLine } from './harness/results';

const USAGE = `Usage: node <out>/test/integration/runIntegration.js [options]

Runs Countersign's integration tests inside a real VS Code and ends with the line "N passed, N failed".

  --host code-server|electron   code-server in headless Chromium (default; offline, cached in
                                $COUNTERSIGN_IT_CACHE or ~/.cache/countersign-vscode-it), or desktop
                                VS Code through @vscode/test-electron (needs a display and a network)
  --only suite|ui|vsix          run one phase: the test suite, the browser end-to-end tests (code-server
                                only), or the installed-.vsix check
  --vsix FILE                   the package to install (default: dist/countersign.vsix)
  --grep PATTERN                only tests whose full title matches (mocha --grep)
  --timeout SECONDS             per phase, including VS Code start-up (default 600: a hang guard, not a speed check)
  --keep                        keep the run folder (profiles, server logs) for inspection
  --install-only                install/find the cached VS Code and exit
  -h, --help                    this text

Exit code: 0 when every test passed, 1 otherwise (failures, timeout, no results), 2 on bad usage.`;

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', default: 'code-server' },
      only: { type: 'string' },
      vsix: { type: 'string' },
      grep: { type: 'string' },
      timeout: { type: 'string', default: '600' },
      keep: { type: 'boolean', default: false },
      'install-only': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (!['code-server', 'electron'].includes(values.host))
    throw new Error(`--host must be code-server or electron, not '${values.host}'`);
  if (values.only !== undefined && !['suite', 'ui', 'vsix'].includes(values.only))
    throw new Error(`--only must be suite, ui or vsix, not '${values.only}'`);
  const timeout = Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0)
    throw new Error(`--timeout must be a number of seconds, not '${values.timeout}'`);
  return { ...values, timeoutMs: timeout * 1000 };
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function report(outcomes: PhaseOutcome[]): { passed: number; failed: number } {
  let passed = 0;
  let failed = 0;
  for (const o of outcomes) {
    passed += o.results.passed.length;
    failed += o.results.failed.length + o.problems.length;
    say(
      `[${o.name}] ${o.results.passed.length} passed, ${o.results.failed.length} failed` +
        `${o.results.pending.length ? `, ${o.results.pending.length} pending` : ''} in ${(o.durationMs / 1000).toFixed(1)} s`,
    );
    for (const f of o.results.failed) say(`  ✗ ${f.title}\n    ${f.error.split('\n').join('\n    ')}`);
    for (const p of o.problems) say(`  ✗ ${p}`);
  }
  return { passed, failed };
}

/** Chromium may still be flushing its profile when we get here, hence the retries. */
function removeRunDir(runDir: string): void {
  try {
    fs.rmSync(runDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  } catch (err) {
    say(`runIntegration: could not remove ${runDir}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`runIntegration: ${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    say(USAGE);
    return 0;
  }
  const layout = buildLayout(__filename);
  const cache = cacheRoot();
  const runDir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cs-it-')));
  const host: TestHost =
    args.host === 'electron' ? new ElectronHost(cache, runDir, say) : new CodeServerHost(cache, runDir, say);

  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return; // our own dispose() may re-emit SIGINT for @vscode/test-electron
    stopping = true;
    say(`runIntegration: ${signal}, stopping ${host.name}`);
    void host.dispose().finally(() => {
      if (!args.keep) removeRunDir(runDir);
      process.exit(1);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const prepStarted = Date.now();
    await host.prepare();
    say(`${host.name} ready in ${((Date.now() - prepStarted) / 1000).toFixed(1)} s; run folder ${runDir}`);
    if (args['install-only']) return 0;

    const ctx: PhaseContext = { host, layout, runDir, grep: args.grep, timeoutMs: args.timeoutMs, say };
    const outcomes: PhaseOutcome[] = [];
    if (args.only === undefined || args.only === 'suite') {
      say(`[suite] Countersign from ${path.relative(process.cwd(), layout.outDir) || '.'} in ${host.name}`);
      outcomes.push(await runSuitePhase(ctx));
    }
    if ((args.only === undefined || args.only === 'ui') && host.openWorkbench) {
      say(`[ui] browser end-to-end tests in ${host.name}`);
      outcomes.push(await runUiPhase(ctx));
    }
    if (args.only === undefined || args.only === 'vsix') {
      const vsix = path.resolve(args.vsix ?? path.join(layout.repoRoot, 'dist', 'countersign.vsix'));
      say(`[vsix] ${path.relative(process.cwd(), vsix)} installed into a fresh extensions folder`);
      outcomes.push(await runVsixPhase(ctx, vsix));
    }
    const { passed, failed } = report(outcomes);
    if (args.keep) say(`run folder kept: ${runDir}`);
    say(summaryLine(passed, failed));
    return failed === 0 && passed > 0 ? 0 : 1;
  } finally {
    await host.dispose();
    if (!args.keep) removeRunDir(runDir);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`runIntegration: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    say(summaryLine(0, 1));
    process.exit(1);
  },
);
