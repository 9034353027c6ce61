import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as path from 'path';
import type { Page } from 'playwright-core';
import type { UiContext, UiScenario } from '../harness/uiPhase';
import { typingWorkspace, type TypingWorkspace } from './typingWorkspace';

/**
 * The inline-suggestion path as a person takes it, in the real workbench in Chromium: type in the editor
 * (page.keyboard), wait for the ghost text, press the real Tab key — which must reach Countersign's own Tab
 * binding — then check that the lines are marked inline-completion (the gutter icons in the DOM, and
 * `countersign status` reading the ledger after a save), commit through the installed hooks, and see the
 * current line's AI blame name the inline completion. The suggestion comes from the extension's test-only
 * provider (COUNTERSIGN_TEST_HOOKS=1, src/extension/testHooks.ts): a test in the browser has no code in the
 * extension host to register one.
 */
const COMPLETION = 'export function add(a: number, b: number): number {\n  return a + b;\n}';
const FILE = 'src/math.ts';

type Fixture = TypingWorkspace;

let fx: Fixture | undefined;

function prepare(dir: string): { workspace: string; env: Record<string, string> } {
  // TypeScript's completions stay closed: the suggest widget would take Tab (and hide ghost text that does not
  // extend its item), and this test is about inline suggestions.
  fx = typingWorkspace(
    dir,
    FILE,
    '// Arithmetic helpers.\nexport const ZERO = 0;\n\nexport function negate(x: number): number {\n  return -x;\n}\n\n\n',
    'Start the arithmetic helpers',
  );
  return { workspace: fx.ws, env: { COUNTERSIGN_TEST_HOOKS: '1', COUNTERSIGN_TEST_INLINE_COMPLETION: COMPLETION } };
}

/** The editor's text as rendered (view lines top to bottom); non-breaking spaces back to spaces. */
async function editorText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const lines = Array.from(
      document.querySelectorAll('.editor-instance .monaco-editor .view-lines .view-line'),
    ) as HTMLElement[];
    return lines
      .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
      .map((l) => l.innerText.replace(/\u00a0/g, ' '))
      .join('\n');
  });
}

/** Line tops (px) of gutter decorations whose icon is the given agent class's (media/gutter/<class>-*.svg). */
async function gutterTops(page: Page, cls: string): Promise<number[]> {
  return page.evaluate((c) => {
    const tops = new Set<number>();
    for (const el of Array.from(document.querySelectorAll('.editor-instance .monaco-editor .margin *'))) {
      // The icon URL goes through the server's resource route, with the path percent-encoded in its query.
      if (getComputedStyle(el).backgroundImage.replace(/%2F/gi, '/').includes(`/gutter/${c}-`)) {
        const row = el.closest('[style*="top"]') as HTMLElement | null;
        tops.add(Math.round((row ?? (el as HTMLElement)).getBoundingClientRect().top));
      }
    }
    return [...tops].sort((a, b) => a - b);
  }, cls);
}

/** Texts drawn after line ends by decorations (CSS ::after content), e.g. the AI blame annotation. */
async function afterTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll('.editor-instance .monaco-editor .view-lines span'))) {
      const c = getComputedStyle(el, '::after').content;
      if (c && c !== 'none' && c !== 'normal') out.push(c.replace(/^"|"$/g, ''));
    }
    return out;
  });
}

async function poll<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
): Promise<T> {
  const started = Date.now();
  let last: unknown;
  while (Date.now() - started < timeoutMs) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last instanceof Error ? last.message : String(last)})` : ''}`,
  );
}

async function run(page: Page, ctx: UiContext): Promise<void> {
  const f = fx as Fixture;
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [f.cli, ...args], { cwd: f.ws, env: f.env, encoding: 'utf8' });
  const editorLines = page.locator('.editor-instance .monaco-editor .view-lines');

  const opened = await ctx.step(
    'opens src/math.ts from Quick Open and puts the cursor on an empty line at its end',
    async () => {
      await page.locator('.part.editor').click();
      await page.keyboard.press('Control+P');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor();
      await input.fill('math.ts');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'math.ts' }).first().waitFor();
      await page.keyboard.press('Enter');
      await editorLines.filter({ hasText: 'Arithmetic helpers' }).waitFor();
      await page.keyboard.press('Control+End');
      await page.keyboard.press('ArrowUp');
    },
  );
  if (!opened) return;

  const ghost = await ctx.step('typing the start of a function shows the suggestion as ghost text', async () => {
    const ghostText = page
      .locator('.editor-instance .monaco-editor .ghost-text-decoration, .editor-instance .monaco-editor .ghost-text')
      .first();
    await page.keyboard.type('export function ad', { delay: 40 });
    for (let attempt = 0; ; attempt++) {
      try {
        await ghostText.waitFor({ timeout: 4_000 });
        break;
      } catch (err) {
        // Suggestions are requested as the user types, and a slow first one (TypeScript still starting) can
        // be dropped: retype the last letter, as a person would, then ask for one (Alt+Backslash: Trigger Inline Suggestion).
        if (attempt >= 6) throw err;
        await page.keyboard.press('Backspace');
        await page.keyboard.type('d');
        if (attempt >= 2) await page.keyboard.press('Alt+Backslash');
      }
    }
    assert.strictEqual(
      await page.locator('.editor-instance .suggest-widget.visible').count(),
      0,
      'the suggest widget is closed',
    );
    assert.doesNotMatch(await editorText(page), /return a \+ b/, 'ghost text is not text yet');
  });
  if (!ghost) return;

  const accepted = await ctx.step('pressing Tab accepts it', async () => {
    await page.keyboard.press('Tab');
    await editorLines.filter({ hasText: 'return a + b;' }).waitFor({ timeout: 10_000 });
    assert.match(
      await editorText(page),
      /export function add\(a: number, b: number\): number \{\n {2}return a \+ b;\n\}/,
    );
  });
  if (!accepted) return;

  const marked = await ctx.step(
    'the accepted lines are marked inline-completion in the gutter (not the unknown-AI mark)',
    async () => {
      const tops = await poll(
        'three inline-completion gutter marks',
        async () => {
          const t = await gutterTops(page, 'inline');
          return t.length >= 3 ? t : undefined;
        },
        10_000,
      );
      assert.strictEqual(tops.length, 3, `inline marks at ${tops.join(', ')}`);
      assert.deepStrictEqual(await gutterTops(page, 'unknown'), [], 'an unexplained insertion would be marked unknown');
      await page.mouse.move(5, 5); // no hover in the picture
      await page.screenshot({ path: path.join(ctx.artifacts, 'ui-inline-accept.png') });
    },
  );
  if (!marked) return;

  const saved = await ctx.step(
    'after Ctrl+S, `countersign status` counts the three lines as inline-completion',
    async () => {
      await page.keyboard.press('Control+S');
      const file = await poll(
        'the ledger to hold the saved labels',
        () => {
          const r = cli('status', '--json');
          const s = (
            JSON.parse(r.stdout) as {
              files: Record<string, { ai: number; human: number; untracked: number; agents: string[] }>;
            }
          ).files[FILE];
          return s && s.ai === 3 ? s : undefined;
        },
        10_000,
      );
      assert.deepStrictEqual(file.agents, ['inline-completion']);
    },
  );
  if (!saved) return;

  let sha = '';
  const committed = await ctx.step('a commit through the installed hooks attests them in the note', async () => {
    execFileSync('git', ['add', FILE], { cwd: f.ws, env: f.env });
    execFileSync('git', ['commit', '-q', '-m', 'Add add()'], { cwd: f.ws, env: f.env });
    sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: f.ws, env: f.env, encoding: 'utf8' }).trim();
    const trailers = execFileSync('git', ['log', '-1', '--format=%(trailers:key=AI-Provenance,valueonly)'], {
      cwd: f.ws,
      env: f.env,
      encoding: 'utf8',
    });
    assert.match(trailers, /v1 ai=3 /);
    const blame = JSON.parse(cli('blame', FILE, '--json').stdout) as {
      lines: Array<{ line: number; kind: string; agent?: string }>;
    };
    assert.deepStrictEqual(
      blame.lines.filter((l) => l.kind === 'ai').map((l) => [l.line, l.agent]),
      [
        [8, 'inline-completion'],
        [9, 'inline-completion'],
        [10, 'inline-completion'],
      ],
    );
  });
  if (!committed) return;

  const blamed = await ctx.step("the current line's AI blame names the inline completion and the commit", async () => {
    // The cursor moves up to the `return` line and rests; the refs watcher has seen the commit.
    await page.keyboard.press('ArrowUp');
    const expected = `Inline completion · ${sha.slice(0, 7)} · just now`;
    await poll(
      `the annotation "${expected}"`,
      async () => ((await afterTexts(page)).includes(expected) ? true : undefined),
      15_000,
    );
    await page.mouse.move(5, 5);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(ctx.artifacts, 'ui-inline-blame.png') });
  });
  if (!blamed) return;

  const hovered = await ctx.step('hovering the annotation shows the commit and an Explain commit link', async () => {
    const at = await page.evaluate((text) => {
      for (const el of Array.from(document.querySelectorAll('.editor-instance .monaco-editor .view-lines span'))) {
        if (getComputedStyle(el, '::after').content.includes(text)) {
          // The span holds the ::after text: its box is the annotation.
          const r = el.getBoundingClientRect();
          return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
        }
      }
      return undefined;
    }, 'Inline completion');
    assert.ok(at, 'the annotation is not in the DOM');
    const hover = page.locator('.monaco-hover', { hasText: 'Explain commit' }).first();
    // Rest on the annotation's text, arriving the way a mouse does.
    await page.mouse.move(at.x, at.y + 40);
    await page.mouse.move(at.x, at.y, { steps: 4 });
    await hover.waitFor({ timeout: 10_000 });
    const text = await hover.innerText();
    assert.match(text, /AI-written by an inline completion \(from the commit's note\)/);
    assert.match(text, new RegExp(`Commit ${sha.slice(0, 7)} Add add\\(\\)`));
    assert.match(text, /Author Ada Author <ada@example\.com>/);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(ctx.artifacts, 'editor-ai-blame.png') });
  });
  if (!hovered) return;

  await ctx.step('the link opens Countersign: Explain Commit for that commit', async () => {
    await page.locator('.monaco-hover a', { hasText: 'Explain commit' }).first().click();
    await page
      .locator('.tabs-container .tab', { hasText: `${sha.slice(0, 12)}.txt` })
      .first()
      .waitFor({ timeout: 15_000 });
    await editorLines
      .filter({ hasText: sha.slice(0, 12) })
      .first()
      .waitFor({ timeout: 15_000 });
  });
}

export const inlineAcceptScenario: UiScenario = { name: 'inline accept', prepare, run };
