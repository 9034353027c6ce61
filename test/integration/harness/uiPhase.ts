import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { browserClipboardScenario } from '../ui/browserClipboard.ui';
import { inlineAcceptScenario } from '../ui/inlineAccept.ui';
import { panelLayoutScenario } from '../ui/panelLayout.ui';
import { reviewPanelScenario } from '../ui/reviewPanel.ui';
import { extensionDevelopmentPath } from './paths';
import type { PhaseContext, PhaseOutcome } from './phases';
import type { PayloadResults } from './results';

/**
 * Browser end-to-end tests: each scenario prepares its repositories, the harness opens the real workbench on
 * them (code-server in headless Chromium, the extension under development loaded), and the scenario drives
 * it like a person — clicks in the activity bar, the webview, notifications — then checks the outcome from
 * Node (git, the built CLI). Each step is one test result; a failed step saves a screenshot and ends its
 * scenario. Screenshots land in .test-artifacts/ (outside git).
 */
export interface UiContext {
  repoRoot: string;
  outDir: string;
  /** .test-artifacts/ in the repository. */
  artifacts: string;
  say: (line: string) => void;
  /** Runs one step; false when it failed (a screenshot was saved and the scenario should stop). */
  step(title: string, body: () => Promise<void>): Promise<boolean>;
}

export interface UiScenario {
  name: string;
  /** Builds what the workbench opens, in `dir` (a fresh folder in the run folder). */
  prepare(dir: string): { workspace: string; env?: Record<string, string> };
  run(page: Page, ctx: UiContext): Promise<void>;
}

const SCENARIOS: UiScenario[] = [
  reviewPanelScenario,
  inlineAcceptScenario,
  browserClipboardScenario,
  panelLayoutScenario,
];

export async function runUiPhase(ctx: PhaseContext): Promise<PhaseOutcome> {
  const started = Date.now();
  const name = 'ui';
  const results: PayloadResults = { passed: [], failed: [], pending: [], durationMs: 0 };
  const problems: string[] = [];
  const open = ctx.host.openWorkbench?.bind(ctx.host);
  if (!open) {
    results.pending.push(`${name}: ${ctx.host.name} cannot drive a browser workbench`);
    return { name, results, problems, durationMs: 0 };
  }
  const artifacts = path.join(ctx.layout.repoRoot, '.test-artifacts');
  fs.mkdirSync(artifacts, { recursive: true });
  for (const scenario of SCENARIOS) {
    const grep = ctx.grep ? new RegExp(ctx.grep) : undefined;
    if (grep && !grep.test(`ui: ${scenario.name}`)) continue;
    const dir = path.join(ctx.runDir, `${name}-${scenario.name}`);
    fs.mkdirSync(dir, { recursive: true });
    let session: Awaited<ReturnType<typeof open>> | undefined;
    try {
      const prepared = scenario.prepare(dir);
      session = await open({
        name: `${name}-${scenario.name}`,
        workspace: prepared.workspace,
        extensionDevelopmentPath: extensionDevelopmentPath(ctx.layout, dir),
        extensionsDir: path.join(dir, 'extensions'),
        env: prepared.env ?? {},
        timeoutMs: 30_000,
      });
      const page = session.page;
      const uiCtx: UiContext = {
        repoRoot: ctx.layout.repoRoot,
        outDir: ctx.layout.outDir,
        artifacts,
        say: ctx.say,
        step: async (title, body) => {
          const full = `ui: ${scenario.name}: ${title}`;
          const t0 = Date.now();
          try {
            await body();
            results.passed.push(full);
            ctx.say(`  ✔ ${full} (${Date.now() - t0} ms)`);
            return true;
          } catch (err) {
            const shot = path.join(artifacts, `${name}-${scenario.name}-failure.png`);
            await page.screenshot({ path: shot }).catch(() => undefined);
            results.failed.push({
              title: full,
              error: `${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n(screenshot: ${shot})`,
            });
            ctx.say(`  ✗ ${full}`);
            return false;
          }
        },
      };
      await scenario.run(page, uiCtx);
    } catch (err) {
      problems.push(`${name}: ${scenario.name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    } finally {
      await session?.close();
    }
  }
  results.durationMs = Date.now() - started;
  return { name, results, problems, durationMs: results.durationMs };
}
