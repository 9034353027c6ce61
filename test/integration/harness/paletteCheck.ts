import { chromium, type Page } from 'playwright-core';
import type { PayloadResults } from './results';
import { chromiumPath, CHROMIUM_ARGS } from './workbench';

export interface PaletteCheck {
  serverUrl: string;
  folder: string;
  profileDir: string;
  /** Where to save a screenshot of what a person would have seen when a step fails. */
  screenshot: string;
  timeoutMs: number;
}

/**
 * What a user does after installing the .vsix, driven through the real web workbench: F1, type the
 * command's title, run it, and see the log channel open with the activation entry. No test payload is
 * loaded, so the extension activates exactly as it would for a user.
 */
export async function checkShowLogFromPalette(opts: PaletteCheck): Promise<PayloadResults> {
  const results: PayloadResults = { passed: [], failed: [], pending: [], durationMs: 0 };
  const started = Date.now();
  const ctx = await chromium.launchPersistentContext(opts.profileDir, {
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  });
  ctx.setDefaultTimeout(opts.timeoutMs);
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  const step = async (title: string, body: (p: Page) => Promise<void>): Promise<boolean> => {
    try {
      await body(page);
      results.passed.push(title);
      return true;
    } catch (err) {
      await page.screenshot({ path: opts.screenshot }).catch(() => undefined);
      results.failed.push({
        title,
        error: `${err instanceof Error ? err.message : String(err)}\n(screenshot: ${opts.screenshot})`,
      });
      return false;
    }
  };
  try {
    await page.goto(`${opts.serverUrl}/?folder=${encodeURIComponent(opts.folder)}`);
    const title = 'Countersign: Show Log';
    const ok = await step(`palette: the workbench lists "${title}"`, async (p) => {
      await p.locator('.monaco-workbench .part.statusbar').waitFor();
      const input = p.locator('.quick-input-widget input');
      // The palette can open before contributions are registered; reopen until the command is listed.
      for (let attempt = 0; ; attempt++) {
        await p.keyboard.press('F1');
        await input.waitFor();
        await input.fill(`>${title}`);
        const row = p.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
        try {
          await row.waitFor({ timeout: 3_000 });
          return;
        } catch (err) {
          if (attempt >= 5) throw err;
          await p.keyboard.press('Escape');
        }
      }
    });
    if (ok) {
      await step(`palette: "${title}" opens the Countersign log with the activation entry`, async (p) => {
        await p.keyboard.press('Enter');
        // Monaco renders spaces as no-break spaces, hence the character class.
        await p
          .locator('.part.panel .view-lines', { hasText: /\[extension\][\s\u00a0]+activating[\s\u00a0]+Countersign/ })
          .waitFor();
      });
    }
  } finally {
    results.durationMs = Date.now() - started;
    await ctx.close().catch(() => undefined);
  }
  return results;
}
