import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { FrameLocator, Page } from 'playwright-core';
import type { UiContext, UiScenario } from '../harness/uiPhase';
import { formatAuthorshipNote, sessionEntryKey, sessionKey, traceKey } from '../../../src/core/authorshipNote';
import { runFromPalette } from '../harness/workbenchSession';
import { reviewFixture, type ReviewFixture } from './reviewFixture';

/**
 * Issue 13 item 4: every state of the review panel seen in the real browser at a narrow (300 px) and a wide
 * (600 px) side bar, in a light and a dark theme. Ada's clone goes through them as a team's does: nothing to
 * review; her unpushed commit on main, mostly Claude's, is blocked (the panel prints "The reviewer runs:
 * countersign approve <sha> --base <sha>", two full object names); Bo approves it; Bo then requests changes
 * with a long comment; Cy pushes a feature branch (long names, several files, mostly Claude's) and Ada's
 * clone turns into the reviewer's (Bo's identity): the commit cards with their chips, file lists and
 * Approve / Request changes buttons; someone pushes an unreadable policy to main (the error state). In each, every
 * <details> is opened and nothing may overflow the panel's width; Copy puts the exact command on the
 * clipboard. Screenshots: .test-artifacts/panel-STATE-{300,600}-{light,dark}.png, and the six states side
 * by side at 300 px: .test-artifacts/panel-states.png (docs/panel-states.png).
 */
let fx: ReviewFixture | undefined;

function prepare(dir: string): { workspace: string } {
  fx = reviewFixture(dir, 'ada-panel');
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

/**
 * Opens every <details>, then lists what does not fit: the page scrolling sideways, any box (the panel and
 * each block in it) whose content is wider than the box (scrollWidth > clientWidth: text pushed out of it or
 * clipped inside it), any element whose edges pass the page's, and any text that runs past the page's edge.
 */
async function overflow(page: Page, plant = false): Promise<string[]> {
  return panelFrame(page)
    .locator('body')
    .evaluate((body, planted) => {
      for (const d of Array.from(body.querySelectorAll('details'))) d.open = true;
      // The check's own check: an unwrapped command that sticks out, and one clipped inside its box.
      const line = `countersign approve ${'3fa3554'.repeat(6)} --base ${'b89d7e6'.repeat(6)}`;
      // Styled through the CSSOM: the panel's CSP refuses style attributes.
      const added = (
        planted
          ? [
              ['p', 'planted-out', 'visible'],
              ['div', 'planted-clipped', 'hidden'],
            ]
          : []
      ).map(([tag, cls, clip]) => {
        const el = body.ownerDocument.createElement(tag);
        el.className = cls;
        el.style.whiteSpace = 'nowrap';
        el.style.overflow = clip;
        el.textContent = line;
        body.append(el);
        return el;
      });
      const out: string[] = [];
      const doc = body.ownerDocument.documentElement;
      const name = (el: Element) =>
        `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).replace(/ /g, '.')}` : ''}`;
      if (doc.scrollWidth > doc.clientWidth + 1)
        out.push(`page scrolls sideways: ${doc.scrollWidth} > ${doc.clientWidth}`);
      for (const el of [body, ...Array.from(body.querySelectorAll('*'))]) {
        // Inline boxes report clientWidth 0; every block-level box reports its inner width.
        if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1)
          out.push(`${name(el)}: content ${el.scrollWidth} px wide in a ${el.clientWidth} px box`);
        const r = el.getBoundingClientRect();
        if (r.width > 0 && (r.right > doc.clientWidth + 1 || r.left < -1))
          out.push(`${name(el)}: spans ${Math.round(r.left)}..${Math.round(r.right)} of 0..${doc.clientWidth}`);
      }
      // Text that runs past the page's edge, named by its element (a visible overflow leaves its box's own width alone).
      const texts = body.ownerDocument.createTreeWalker(body, NodeFilter.SHOW_TEXT);
      const range = body.ownerDocument.createRange();
      for (let t = texts.nextNode(); t; t = texts.nextNode()) {
        range.selectNodeContents(t);
        const r = range.getBoundingClientRect();
        if (r.width > 0 && r.right > doc.clientWidth + 1 && t.parentElement)
          out.push(`text in ${name(t.parentElement)}: ends at ${Math.round(r.right)} > ${doc.clientWidth}`);
      }
      for (const el of added) el.remove();
      return planted ? out : out.slice(0, 8);
    }, plant);
}

/**
 * Text too faint to read: every element holding text, its colour against the background it is painted on (the
 * ancestors' backgrounds composed, alpha included), below WCAG AA's 4.5:1 for body text. With `plant`, adds
 * one line in the side bar's own background colour first (the check's own check).
 */
async function lowContrast(page: Page, plant = false): Promise<string[]> {
  return panelFrame(page)
    .locator('body')
    .evaluate((body, planted) => {
      type Rgba = [number, number, number, number];
      const parse = (css: string): Rgba | undefined => {
        const m = /^rgba?\(([^)]+)\)$/.exec(css.trim());
        if (!m) return undefined;
        const [r, g, b, a = 1] = m[1]
          .split(/[\s,/]+/)
          .filter(Boolean)
          .map(Number);
        return [r, g, b, a];
      };
      const over = (top: Rgba, under: Rgba): Rgba =>
        [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3])).concat(1) as Rgba;
      const luminance = (c: Rgba) => {
        const [r, g, b] = c.slice(0, 3).map((v) => {
          const x = v / 255;
          return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const background = (el: Element | null): Rgba => {
        const layers: Rgba[] = [];
        for (let e = el; e; e = e.parentElement) {
          const c = parse(getComputedStyle(e).backgroundColor);
          if (c && c[3] > 0) layers.push(c);
          if (c && c[3] >= 1) break;
        }
        return layers.reverse().reduce<Rgba>((under, top) => over(top, under), [255, 255, 255, 1]);
      };
      const probe = planted ? body.ownerDocument.createElement('p') : undefined;
      if (probe) {
        probe.className = 'planted-faint';
        probe.style.color = 'var(--vscode-sideBar-background)';
        probe.textContent = 'countersign approve';
        body.append(probe);
      }
      const out: string[] = [];
      for (const el of Array.from(body.querySelectorAll('*'))) {
        const text = Array.from(el.childNodes).some(
          (n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '',
        );
        if (!text || el.getBoundingClientRect().width === 0) continue;
        const bg = background(el);
        const fgRaw = parse(getComputedStyle(el).color);
        if (!fgRaw) continue;
        const fg = over(fgRaw, bg);
        const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
        const ratio = (hi + 0.05) / (lo + 0.05);
        if (ratio < 4.5)
          out.push(
            `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).replace(/ /g, '.')}` : ''} "${(el.textContent ?? '').trim().slice(0, 30)}": ${ratio.toFixed(2)}:1`,
          );
      }
      probe?.remove();
      return out;
    }, plant);
}

/** The built CLI, run in Ada's clone as Bo (his email and key; the commit is Ada's, so he may decide on it). */
function asBo(f: ReviewFixture, cli: string, args: string[]): void {
  execFileSync(process.execPath, [cli, ...args, '--key', f.boKey, '--no-push'], {
    cwd: f.ada,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...f.env,
      GIT_CONFIG_COUNT: '2',
      GIT_CONFIG_KEY_0: 'user.email',
      GIT_CONFIG_VALUE_0: 'bo@example.com',
      GIT_CONFIG_KEY_1: 'user.name',
      GIT_CONFIG_VALUE_1: 'Bo Reviewer',
    },
  });
}

interface PanelState {
  name: string;
  /** Puts the repositories in this state (from Node, as a person at a terminal would). */
  make: () => void;
  /** What shows the panel is in it. */
  shown: (frame: FrameLocator) => Promise<void>;
}

async function summaryMatches(frame: FrameLocator, re: RegExp): Promise<void> {
  const summary = frame.locator('[data-testid=gate-summary]');
  for (let i = 0; i < 60; i++) {
    const text = await summary
      .first()
      .innerText({ timeout: 2_000 })
      .catch(() => '');
    if (re.test(text)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.fail(
    `the panel's summary never matched ${re}: ${await summary
      .first()
      .innerText()
      .catch(() => '(none)')}`,
  );
}

function states(f: ReviewFixture, cli: string, command: () => string): PanelState[] {
  let head = '';
  let reviewHead = '';
  return [
    {
      name: 'nothing-to-review',
      make: () => undefined,
      shown: async (frame) => {
        await frame.locator('[data-testid=nothing-to-review]').waitFor({ timeout: 45_000 });
        await summaryMatches(frame, /up to date/);
      },
    },
    {
      name: 'blocked',
      make: () => {
        fs.writeFileSync(
          path.join(f.ada, 'rate.ts'),
          'export function rate(n: number): number {\n  return n * 2;\n}\n',
        );
        f.git(f.ada, 'add', '.');
        f.git(
          f.ada,
          'commit',
          '-q',
          '-m',
          'Add the rate helper',
          '-m',
          'Assisted-by: Claude:claude-sonnet-4-5 claude-code\nAI-Provenance: v1 ai=3 human=0 untracked=0',
        );
        head = f.git(f.ada, 'rev-parse', 'HEAD');
      },
      shown: async (frame) => {
        const shownCommand = frame.locator('[data-testid=approve-command]');
        await shownCommand.waitFor({ timeout: 45_000 });
        assert.strictEqual((await shownCommand.innerText()).replace(/\s+/g, ''), command().replace(/\s+/g, ''));
        assert.ok(await frame.locator('[data-testid=copy-approve-command]').isVisible(), 'the Copy button is visible');
      },
    },
    {
      name: 'approved',
      make: () => asBo(f, cli, ['approve', head, '--base', f.base, '--comment', 'read the helper']),
      shown: (frame) => summaryMatches(frame, /approved by/i),
    },
    {
      name: 'rejected',
      make: () =>
        asBo(f, cli, [
          'reject',
          head,
          '--base',
          f.base,
          '--comment',
          'Please_do_not_double_the_rate_here:_the_billing_service_already_applies_the_multiplier_downstream_(see_billing/rates.ts) — and add a test for n = 0.',
        ]),
      shown: async (frame) => {
        await summaryMatches(frame, /blocked|review/i);
        await frame
          .getByText(/billing_service/)
          .first()
          .waitFor({ state: 'attached', timeout: 10_000 });
      },
    },
    {
      name: 'reviewer',
      make: () => {
        // Cy's feature branch, mostly Claude's, with a note; then this clone is Bo's, the policy's reviewer.
        const cy = path.join(path.dirname(f.ada), 'cy');
        f.git(path.dirname(f.ada), 'clone', '-q', f.origin, cy);
        f.git(cy, 'checkout', '-q', '-b', 'feature/invoice-rounding-for-multi-currency-billing-statements');
        const dir = path.join(cy, 'src', 'billing', 'statements', 'multiCurrency');
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(
          path.join(dir, 'roundInvoiceTotalsPerCurrencyAndRegion.ts'),
          'export function roundTotal(n: number): number {\n  return Math.round(n * 100) / 100;\n}\n',
        );
        fs.writeFileSync(
          path.join(dir, 'README.md'),
          '# Multi-currency statements\n\nTotals are rounded per currency.\n',
        );
        f.git(cy, 'config', 'user.name', 'Cy Contributor-With-A-Long-Name');
        f.git(cy, 'config', 'user.email', 'cy.contributor.with.a.long.address@example.com');
        f.git(cy, 'add', '.');
        f.git(
          cy,
          'commit',
          '-q',
          '-m',
          'Round invoice totals per currency and region in the multi-currency billing statements',
          '-m',
          'Assisted-by: Claude:claude-sonnet-4-5-20250929 claude-code\nAI-Provenance: v1 ai=3 human=3 untracked=0',
        );
        reviewHead = f.git(cy, 'rev-parse', 'HEAD');
        const s = sessionKey('claude-code', 'panel-layout');
        f.git(
          cy,
          'notes',
          '--ref=refs/notes/ai',
          'add',
          '-m',
          formatAuthorshipNote({
            files: [
              {
                path: 'src/billing/statements/multiCurrency/roundInvoiceTotalsPerCurrencyAndRegion.ts',
                entries: [{ key: sessionEntryKey(s, traceKey('t1')), ranges: [[1, 3]] }],
              },
            ],
            meta: {
              schema_version: 'authorship/3.0.0',
              base_commit_sha: f.base,
              prompts: {},
              sessions: {
                [s]: { agent_id: { tool: 'claude-code', id: 'panel-layout', model: 'claude-sonnet-4-5-20250929' } },
              },
            },
          }),
          reviewHead,
        );
        f.git(
          cy,
          'push',
          '-q',
          'origin',
          'feature/invoice-rounding-for-multi-currency-billing-statements',
          'refs/notes/ai',
        );
        f.git(f.ada, 'config', 'user.name', 'Bo Reviewer');
        f.git(f.ada, 'config', 'user.email', 'bo@example.com');
      },
      shown: async (frame) => {
        const card = frame.locator(`article.commit[data-sha="${reviewHead}"]`);
        await card.waitFor({ timeout: 45_000 });
        assert.match(await card.innerText(), /claude-code/);
        assert.ok(await card.locator('[data-testid=approve]').isVisible(), 'the card offers Approve');
      },
    },
    {
      name: 'error',
      make: () => {
        // Someone pushes a policy that does not parse onto main: every push to it is blocked until it is fixed.
        const other = path.join(path.dirname(f.ada), 'other');
        f.git(path.dirname(f.ada), 'clone', '-q', f.origin, other);
        fs.writeFileSync(
          path.join(other, '.countersign.json'),
          '{"protectedBranches": ["main"], "reviewers": [{"name": "Bo Reviewer", "email": "bo@example.com", "key": "ssh-ed25519 AAAA-not-a-key"}], "approvals": "two"}\n',
        );
        f.git(
          other,
          'commit',
          '-q',
          '-am',
          'Require two approvals',
          '-m',
          'AI-Provenance: v1 ai=0 human=1 untracked=0',
        );
        f.git(other, 'push', '-q', 'origin', 'main');
      },
      shown: (frame) => summaryMatches(frame, /policy|unreadable|cannot be read/i),
    },
  ];
}

async function run(page: Page, ctx: UiContext): Promise<void> {
  const f = fx as ReviewFixture;
  const cli = path.join(ctx.outDir, 'cli.js');
  let command = '';
  const frame = panelFrame(page);
  const list = states(f, cli, () => command);

  const opened = await ctx.step('opens the Countersign view', async () => {
    const icon = page.locator('.part.activitybar .action-item a[aria-label^="Countersign"]').first();
    const clicked = await icon.click({ timeout: 10_000 }).then(
      () => true,
      () => false,
    );
    const shown = await frame
      .locator('.toolbar')
      .waitFor({ timeout: clicked ? 30_000 : 5_000 })
      .then(
        () => true,
        () => false,
      );
    if (!shown) await runFromPalette(page, 'Countersign: Open Review Panel');
    await frame.locator('.toolbar').waitFor({ timeout: 30_000 });
  });
  if (!opened) return;

  let theme: 'light' | 'dark' = 'light';
  const crops: Array<{ name: string; png: Buffer }> = [];
  for (const state of list) {
    const reached = await ctx.step(`shows the ${state.name} state`, async () => {
      state.make();
      if (state.name === 'blocked')
        command = `countersign approve ${f.git(f.ada, 'rev-parse', 'HEAD')} --base ${f.base}`;
      await frame.locator('button', { hasText: 'Refresh' }).first().click();
      await state.shown(frame);
    });
    if (!reached) return;
    // Both themes in each state; the theme alternates so each state costs one switch.
    for (const pass of [0, 1]) {
      if (pass === 1) {
        const switched = await ctx.step(`switches to the ${theme === 'light' ? 'dark' : 'light'} theme`, async () => {
          await runFromPalette(page, 'Preferences: Toggle between Light/Dark Themes');
          const dark = theme === 'light';
          await page.waitForFunction((d) => !!document.querySelector('.monaco-workbench.vs-dark') === d, dark, {
            timeout: 10_000,
          });
          theme = dark ? 'dark' : 'light';
        });
        if (!switched) return;
      }
      for (const width of [300, 600]) {
        await ctx.step(
          `${state.name}: nothing overflows at ${width} px in the ${theme} theme${width === 300 ? ', text readable' : ''}`,
          async () => {
            await sideBarWidth(page, width);
            await page.waitForTimeout(500);
            // A refresh the file watcher started (after git wrote) greys the buttons: measure and shoot the settled panel.
            await frame.locator('.busy').waitFor({ state: 'detached', timeout: 30_000 });
            if (state.name === 'nothing-to-review' && width === 300 && theme === 'light') {
              // The check can fail: it names both planted lines (one pushing the page sideways, one clipped).
              const seen = (await overflow(page, true)).join('\n');
              assert.match(seen, /page scrolls sideways/);
              assert.match(seen, /text in p\.planted-out: ends at/);
              assert.match(seen, /div\.planted-clipped: content/);
            }
            assert.deepStrictEqual(await overflow(page), []);
            if (width === 300) {
              if (state.name === 'nothing-to-review' && theme === 'light')
                assert.match(
                  (await lowContrast(page, true)).join('\n'),
                  /p\.planted-faint "countersign approve": 1\.00:1/,
                );
              assert.deepStrictEqual(await lowContrast(page), [], `text below 4.5:1 in the ${theme} theme`);
            }
            await page.mouse.move(5, 5);
            await page.screenshot({ path: path.join(ctx.artifacts, `panel-${state.name}-${width}-${theme}.png`) });
            if (width === 300 && theme === 'dark')
              crops.push({ name: state.name, png: await page.locator('.part.sidebar').screenshot() });
          },
        );
      }
    }
    if (state.name === 'blocked') {
      await ctx.step('Copy puts the exact approve command on the clipboard', async () => {
        await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
        await frame.locator('[data-testid=copy-approve-command]').click();
        await frame.getByText('Copied the approve command').first().waitFor({ timeout: 10_000 });
        assert.strictEqual(await page.evaluate(() => navigator.clipboard.readText()), command);
      });
    }
  }

  await ctx.step('the six states side by side at 300 px, dark (docs/panel-states.png)', async () => {
    const sheet = await page.context().newPage();
    try {
      // Short viewport: the full-page shot then ends where the figures do.
      await sheet.setViewportSize({ width: 1870, height: 200 });
      const cells = crops
        .map(
          (c) =>
            `<figure><img src="data:image/png;base64,${c.png.toString('base64')}"><figcaption>${c.name.replace(/-/g, ' ')}</figcaption></figure>`,
        )
        .join('');
      await sheet.setContent(
        `<body style="margin:0;background:#1e1e1e;color:#ccc;font:13px sans-serif;display:flex;gap:8px;padding:8px;align-items:flex-start">${cells}</body><style>figure{margin:0}img{display:block;max-height:840px}figcaption{text-align:center;padding:4px}</style>`,
      );
      await sheet.screenshot({ path: path.join(ctx.artifacts, 'panel-states.png'), fullPage: true });
    } finally {
      await sheet.close();
    }
    assert.strictEqual(crops.length, 6);
  });
}

export const panelLayoutScenario: UiScenario = { name: 'panel layout', prepare, run };
