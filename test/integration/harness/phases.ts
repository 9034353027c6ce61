import * as fs from 'fs';
import * as path from 'path';
import { isolatedEnv } from './codeServer';
import type { TestHost } from './host';
import { extensionDevelopmentPath, type BuildLayout } from './paths';
import {
  GREP_ENV,
  readResults,
  RESULTS_ENV,
  VSIX_EXTENSIONS_DIR_ENV,
  WORKSPACE_ENV,
  type PayloadResults,
} from './results';
import type { PayloadExit } from './workbench';
import { createWorkspaceRepo } from './workspaceFixture';

export interface PhaseContext {
  host: TestHost;
  layout: BuildLayout;
  runDir: string;
  grep: string | undefined;
  timeoutMs: number;
  say: (line: string) => void;
}

export interface PhaseOutcome {
  name: string;
  results: PayloadResults;
  /** Problems outside the tests themselves (no results, timeout, crash, install failure); each counts as a failure. */
  problems: string[];
  durationMs: number;
}

function workspaceFor(ctx: PhaseContext, name: string): string {
  return createWorkspaceRepo(
    path.join(ctx.runDir, `${name}-ws`),
    isolatedEnv(path.join(ctx.runDir, `${name}-fixture-home`), {}),
  );
}

/** Turns a payload's exit and results file into one outcome; a missing or inconsistent result is a failure. */
function judge(name: string, exit: PayloadExit, resultsFile: string, started: number): PhaseOutcome {
  const problems: string[] = [];
  const results = readResults(resultsFile) ?? { passed: [], failed: [], pending: [], durationMs: 0 };
  if (exit.kind === 'timeout') problems.push(`${name}: timed out before the extension host reported an exit code`);
  else if (exit.kind === 'crash') problems.push(`${name}: ${exit.message}`);
  else if (!fs.existsSync(resultsFile))
    problems.push(
      `${name}: the test payload wrote no results (it did not load, or the host died; exit code ${exit.code})`,
    );
  else if (exit.code !== 0 && results.failed.length === 0)
    problems.push(`${name}: the extension host exited with ${exit.code} although no test failed (see the log above)`);
  else if (exit.code === 0 && results.failed.length > 0) problems.push(`${name}: failures reported but exit code 0`);
  return { name, results, problems, durationMs: Date.now() - started };
}

/** The main suite: the extension under development, in a fresh profile, with a real git repository open. */
export async function runSuitePhase(ctx: PhaseContext): Promise<PhaseOutcome> {
  const started = Date.now();
  const name = 'suite';
  const workspace = workspaceFor(ctx, name);
  const resultsFile = path.join(ctx.runDir, `${name}-results.json`);
  const exit = await ctx.host.runPayload({
    name,
    workspace,
    extensionDevelopmentPath: extensionDevelopmentPath(ctx.layout, ctx.runDir),
    extensionTestsPath: path.join(ctx.layout.outDir, 'test', 'integration', 'suite', 'index.js'),
    extensionsDir: path.join(ctx.runDir, name, 'extensions'),
    env: { [RESULTS_ENV]: resultsFile, [WORKSPACE_ENV]: workspace, ...(ctx.grep ? { [GREP_ENV]: ctx.grep } : {}) },
    timeoutMs: ctx.timeoutMs,
  });
  return judge(name, exit, resultsFile, started);
}

/**
 * The packaging check: installs the .vsix offline into an empty extensions folder, then opens a VS Code
 * whose only development extension is an empty probe (VS Code runs test payloads only in
 * extension-development mode), so the Countersign that activates is the installed package.
 */
export async function runVsixPhase(ctx: PhaseContext, vsix: string): Promise<PhaseOutcome> {
  const started = Date.now();
  const name = 'vsix';
  const resultsFile = path.join(ctx.runDir, `${name}-results.json`);
  const empty = { passed: [], failed: [], pending: [], durationMs: 0 };
  if (!fs.existsSync(vsix)) {
    return {
      name,
      results: empty,
      durationMs: 0,
      problems: [
        `${name}: no package at ${vsix}; build it with \`npm run package\` (npm run test:integration does), or pass --vsix FILE`,
      ],
    };
  }
  const extensionsDir = path.join(ctx.runDir, name, 'extensions');
  fs.mkdirSync(extensionsDir, { recursive: true });
  const installed = await ctx.host.installVsix(vsix, extensionsDir);
  ctx.say(
    `[${name}] install ${path.basename(vsix)}: ${installed.output.split('\n').filter(Boolean).slice(-1)[0] ?? ''}`,
  );
  if (!installed.ok) {
    return {
      name,
      results: empty,
      durationMs: Date.now() - started,
      problems: [`${name}: installing ${vsix} failed:\n${installed.output}`],
    };
  }
  const probe = path.join(ctx.runDir, 'vsix-probe');
  fs.mkdirSync(probe, { recursive: true });
  fs.writeFileSync(
    path.join(probe, 'package.json'),
    JSON.stringify(
      {
        name: 'countersign-vsix-probe',
        publisher: 'countersign-tests',
        version: '0.0.0',
        description: 'Empty development extension: only there so VS Code runs the .vsix test payload.',
        engines: { vscode: '^1.100.0' },
      },
      null,
      2,
    ),
  );
  const workspace = workspaceFor(ctx, name);
  const exit = await ctx.host.runPayload({
    name,
    workspace,
    extensionDevelopmentPath: probe,
    extensionTestsPath: path.join(ctx.layout.outDir, 'test', 'integration', 'vsix', 'index.js'),
    extensionsDir,
    env: {
      [RESULTS_ENV]: resultsFile,
      [WORKSPACE_ENV]: workspace,
      [VSIX_EXTENSIONS_DIR_ENV]: extensionsDir,
      ...(ctx.grep ? { [GREP_ENV]: ctx.grep } : {}),
    },
    timeoutMs: ctx.timeoutMs,
  });
  const outcome = judge(name, exit, resultsFile, started);
  // Its step titles start with "palette:", so --grep can select or skip it like any test.
  if (ctx.host.checkPalette && (!ctx.grep || new RegExp(ctx.grep).test('palette:'))) {
    fs.mkdirSync(path.join(ctx.layout.repoRoot, '.test-artifacts'), { recursive: true });
    const ui = await ctx.host.checkPalette({
      name: `${name}-palette`,
      workspace,
      extensionsDir,
      screenshot: path.join(ctx.layout.repoRoot, '.test-artifacts', `${name}-palette.png`),
      // Each step waits at most this long; the whole check takes a few seconds when it works.
      timeoutMs: 30_000,
    });
    for (const t of ui.passed) ctx.say(`  ✔ ${t}`);
    for (const f of ui.failed) ctx.say(`  ✗ ${f.title}`);
    outcome.results.passed.push(...ui.passed);
    outcome.results.failed.push(...ui.failed);
    outcome.durationMs = Date.now() - started;
  }
  return outcome;
}
