import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as path from 'path';
import type { Page } from 'playwright-core';
import type { UiContext, UiScenario } from '../harness/uiPhase';
import { typingWorkspace, type TypingWorkspace } from './typingWorkspace';

/**
 * Issue 13 item 5, as a new user of browser VS Code meets it: code-server in Chromium with clipboard access
 * not granted. Typing lines (each Enter a line break) must not make Countersign read the clipboard — in the
 * browser a refused read shows a sticky "Unable to read from the browser's clipboard" error and answers only
 * once it is closed, which stalled labelling. The typed lines must be labelled human and reach the ledger at
 * save, with no notification. No test payload runs here, so VS Code reads the browser's real clipboard.
 */
const FILE = 'src/notes.ts';
const TYPED = ['const first = 1;', 'const second = 2;', 'const third = first + second;'];

type Fixture = TypingWorkspace;
let fx: Fixture | undefined;

function prepare(dir: string): { workspace: string } {
  fx = typingWorkspace(dir, FILE, '// Notes.\n', 'Start the notes');
  return { workspace: fx.ws };
}

/** Notifications mentioning the clipboard, as toasts or in the notification centre. */
async function clipboardNotifications(page: Page): Promise<string[]> {
  return page
    .locator('.notifications-toasts .notification-list-item, .notifications-center .notification-list-item')
    .filter({ hasText: /clipboard/i })
    .allInnerTexts();
}

async function run(page: Page, ctx: UiContext): Promise<void> {
  const f = fx as Fixture;
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [f.cli, ...args], { cwd: f.ws, env: f.env, encoding: 'utf8' });

  const denied = await ctx.step('the browser refuses to let the page read the clipboard', async () => {
    await page.context().clearPermissions();
    const answer = await page.evaluate(() =>
      navigator.clipboard.readText().then(
        () => 'read',
        (e: Error) => `refused: ${e.name}`,
      ),
    );
    assert.match(answer, /^refused/);
  });
  if (!denied) return;

  const typed = await ctx.step('typing three lines (Enter after each) shows no clipboard error', async () => {
    await page.locator('.part.editor').click();
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill('notes.ts');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'notes.ts' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.editor-instance .monaco-editor .view-lines', { hasText: 'Notes.' }).waitFor();
    // Countersign activates once start-up has finished: lines typed before that are content it never saw.
    // Its AI-share item in the status bar says it is watching the file.
    await page
      .locator('.part.statusbar .statusbar-item', { hasText: /^\s*AI\b/ })
      .first()
      .waitFor({ timeout: 60_000 });
    await page.keyboard.press('Control+End');
    for (const line of TYPED) {
      await page.keyboard.type(line, { delay: 20 });
      await page.keyboard.press('Enter');
    }
    await page.locator('.editor-instance .monaco-editor .view-lines', { hasText: TYPED[2] }).waitFor();
    // A read would have raised the error by now (the workbench shows it as soon as the browser refuses).
    await page.waitForTimeout(2_000);
    assert.deepStrictEqual(await clipboardNotifications(page), []);
    await page.screenshot({ path: path.join(ctx.artifacts, 'ui-browser-clipboard.png') });
  });
  if (!typed) return;

  await ctx.step('after Ctrl+S, `countersign status` counts the typed lines as human', async () => {
    await page.keyboard.press('Control+S');
    const started = Date.now();
    let last = '';
    for (;;) {
      const r = cli('status', '--json');
      last = r.stdout || r.stderr;
      const s = (JSON.parse(r.stdout) as { files: Record<string, { ai: number; human: number }> }).files[FILE];
      if (s && s.human === TYPED.length) {
        assert.strictEqual(s.ai, 0);
        break;
      }
      if (Date.now() - started > 15_000)
        throw new Error(`the ledger never counted ${TYPED.length} human lines in ${FILE}: ${last}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.deepStrictEqual(await clipboardNotifications(page), []);
  });
}

export const browserClipboardScenario: UiScenario = { name: 'browser clipboard denied', prepare, run };
