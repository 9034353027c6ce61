import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { FrameLocator, Page } from 'playwright-core';
import { isolatedEnv } from '../harness/codeServer';
import type { UiContext, UiScenario } from '../harness/uiPhase';
import { runFromPalette } from '../harness/workbenchSession';

/**
 * Issue 13 item 4: the review panel seen in the real browser at a narrow (300 px) and a wide (600 px) side
 * bar, in a light and a dark theme. Ada's branch is blocked — her unpushed commit on main is mostly Claude's —
 * so the panel shows "The reviewer runs: countersign approve <sha> --base <sha>" with two full object names,
 * the widest thing it prints. Nothing may overflow the panel's width, and Copy puts the exact command on the
 * clipboard. Screenshots: .test-artifacts/panel-{300,600}-{light,dark}.png.
 */
interface Fixture { ada: string; head: string; base: string }
let fx: Fixture | undefined;

function prepare(dir: string): { workspace: string } {
  const env = isolatedEnv(path.join(dir, 'fixture-home'), {});
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }).trim();
  const key = path.join(dir, 'bo_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'bo@laptop', '-f', key]);
  const origin = path.join(dir, 'origin.git');
  const ada = path.join(dir, 'ada-panel');
  git(dir, 'init', '-q', '--bare', '-b', 'main', origin);
  git(dir, 'clone', '-q', origin, ada);
  git(ada, 'config', 'user.name', 'Ada Author');
  git(ada, 'config', 'user.email', 'ada@example.com');
  fs.writeFileSync(path.join(ada, '.countersign.json'), JSON.stringify({
    protectedBranches: ['main'],
    reviewers: [{ name: 'Bo Reviewer', email: 'bo@example.com', key: fs.readFileSync(`${key}.pub`, 'utf8').trim() }],
  }, null, 2) + '\n');
  git(ada, 'add', '.');
  git(ada, 'commit', '-q', '-m', 'Add the Countersign policy', '-m', 'AI-Provenance: v1 ai=0 human=5 untracked=0');
  git(ada, 'push', '-q', 'origin', 'main');
  const base = git(ada, 'rev-parse', 'HEAD');
  fs.writeFileSync(path.join(ada, 'rate.ts'), 'export function rate(n: number): number {\n  return n * 2;\n}\n');
  git(ada, 'add', '.');
  git(ada, 'commit', '-q', '-m', 'Add the rate helper', '-m', 'Assisted-by: Claude:claude-sonnet-4-5 claude-code\nAI-Provenance: v1 ai=3 human=0 untracked=0');
  fx = { ada: fs.realpathSync(ada), head: git(ada, 'rev-parse', 'HEAD'), base };
  return { workspace: fx.ada };
}

function panelFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').first().frameLocator('iframe#active-frame');
}

/** Drags the side bar's edge until it is `width` px wide. */
async function sideBarWidth(page: Page, width: number): Promise<void> {
  const bar = page.locator('.part.sidebar');
  for (let attempt = 0; attempt < 3; attempt++) {
    const box = await bar.boundingBox();
    if (!box) throw new Error('no side bar');
    if (Math.abs(box.width - width) <= 2) return;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width - 1, y);
    await page.mouse.down();
    await page.mouse.move(box.x + width - 1, y, { steps: 8 });
    await page.mouse.up();
    await page.waitForTimeout(300);
  }
  const box = await bar.boundingBox();
  assert.ok(box && Math.abs(box.width - width) <= 4, `the side bar is ${box?.width} px wide, not ${width}`);
}

/** What sticks out of the panel: its page's horizontal overflow and elements whose right edge passes it. */
async function overflow(page: Page): Promise<string[]> {
  return panelFrame(page).locator('body').evaluate((body) => {
    const out: string[] = [];
    const doc = body.ownerDocument.documentElement;
    if (doc.scrollWidth > doc.clientWidth + 1) out.push(`page scrolls sideways: ${doc.scrollWidth} > ${doc.clientWidth}`);
    for (const el of Array.from(body.querySelectorAll('*'))) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > doc.clientWidth + 1) out.push(`${el.tagName.toLowerCase()}.${(el as HTMLElement).className}: right ${Math.round(r.right)} > ${doc.clientWidth}`);
    }
    return out.slice(0, 5);
  });
}

async function run(page: Page, ctx: UiContext): Promise<void> {
  const f = fx as Fixture;
  const command = `countersign approve ${f.head} --base ${f.base}`;

  const opened = await ctx.step('the panel shows Ada\'s blocked branch and the reviewer\'s approve command in full', async () => {
    const icon = page.locator('.part.activitybar .action-item a[aria-label^="Countersign"]').first();
    const clicked = await icon.click({ timeout: 10_000 }).then(() => true, () => false);
    const shown = await panelFrame(page).locator('.toolbar').waitFor({ timeout: clicked ? 30_000 : 5_000 }).then(() => true, () => false);
    if (!shown) await runFromPalette(page, 'Countersign: Open Review Panel');
    const shownCommand = panelFrame(page).locator('[data-testid=approve-command]');
    await shownCommand.waitFor({ timeout: 45_000 });
    assert.strictEqual((await shownCommand.innerText()).replace(/\s+/g, ''), command.replace(/\s+/g, ''));
  });
  if (!opened) return;

  for (const theme of ['light', 'dark'] as const) {
    if (theme === 'dark') {
      const switched = await ctx.step('switches to a dark theme', async () => {
        await runFromPalette(page, 'Preferences: Toggle between Light/Dark Themes');
        await page.waitForFunction(() => document.body.classList.contains('vs-dark') || !!document.querySelector('.monaco-workbench.vs-dark'), undefined, { timeout: 10_000 });
      });
      if (!switched) return;
    }
    for (const width of [300, 600]) {
      await ctx.step(`nothing overflows at ${width} px in the ${theme} theme`, async () => {
        await sideBarWidth(page, width);
        await page.waitForTimeout(500);
        assert.deepStrictEqual(await overflow(page), []);
        const copy = panelFrame(page).locator('[data-testid=copy-approve-command]');
        assert.ok(await copy.isVisible(), 'the Copy button is visible');
        await page.mouse.move(5, 5);
        await page.screenshot({ path: path.join(ctx.artifacts, `panel-${width}-${theme}.png`) });
      });
    }
  }

  await ctx.step('Copy puts the exact approve command on the clipboard', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await panelFrame(page).locator('[data-testid=copy-approve-command]').click();
    await panelFrame(page).getByText('Copied the approve command').first().waitFor({ timeout: 10_000 });
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.strictEqual(copied, command);
  });
}

export const panelLayoutScenario: UiScenario = { name: 'panel layout', prepare, run };
