import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { chromiumPath, CHROMIUM_ARGS } from './workbench';

/**
 * A workbench a test drives like a person: code-server's web workbench in headless Chromium, with the
 * extension under development loaded (an `extensionDevelopmentPath` payload without test files, so nothing
 * runs but what the clicks trigger). The browser end-to-end tests (test/integration/ui) get the page.
 */
export interface WorkbenchSession {
  page: Page;
  close(): Promise<void>;
}

export interface OpenWorkbenchOptions {
  serverUrl: string;
  folder: string;
  /** vscode-remote:// URI of the extension under development. */
  extensionDevelopmentUri: string;
  profileDir: string;
  /** Default wait for each locator. */
  timeoutMs: number;
  onLog?: (line: string) => void;
}

export async function openWorkbench(opts: OpenWorkbenchOptions): Promise<WorkbenchSession> {
  const payload = [
    ['extensionDevelopmentPath', opts.extensionDevelopmentUri],
    ['skipWelcome', 'true'],
    ['skipReleaseNotes', 'true'],
  ];
  const ctx: BrowserContext = await chromium.launchPersistentContext(opts.profileDir, {
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 860 },
  });
  ctx.setDefaultTimeout(opts.timeoutMs);
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  page.on('pageerror', (e) => opts.onLog?.(`[workbench error] ${e.message}`));
  await page.goto(
    `${opts.serverUrl}/?folder=${encodeURIComponent(opts.folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`,
  );
  await page.locator('.monaco-workbench .part.statusbar').waitFor();
  return { page, close: () => ctx.close().catch(() => undefined) };
}

/** F1, the command's title, Enter — retried while contributions are still loading. */
export async function runFromPalette(page: Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  for (let attempt = 0; ; attempt++) {
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ timeout: 5_000 });
      await input.fill(`>${title}`);
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
      await row.waitFor({ timeout: 3_000 });
      break;
    } catch (err) {
      if (attempt >= 10) throw err;
      await page.keyboard.press('Escape');
      // A focused webview can swallow F1: take the focus back to the workbench's own document.
      await page.evaluate('document.activeElement && document.activeElement.blur && document.activeElement.blur()');
      await page.waitForTimeout(500);
    }
  }
  await page.keyboard.press('Enter');
}
