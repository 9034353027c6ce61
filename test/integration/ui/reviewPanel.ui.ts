import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { FrameLocator, Page } from 'playwright-core';
import { parseStatementNote, verifySignedStatement } from '../../../src/core/approvalStatement';
import { formatAuthorshipNote, sessionEntryKey, sessionKey, traceKey } from '../../../src/core/authorshipNote';
import type { UiContext, UiScenario } from '../harness/uiPhase';
import { runFromPalette } from '../harness/workbenchSession';
import { reviewFixture } from './reviewFixture';

/**
 * A reviewer approves from the panel, in the real workbench in Chromium. Ada pushed a feature branch whose
 * commit Claude Code mostly wrote (trailers and a refs/notes/ai note); Bo's clone is the workspace: his
 * user.email is a reviewer of the policy on origin/main and user.signingkey is a real ssh-keygen key. The
 * test opens the Countersign view, opens the diff, clicks Approve, then checks from Node that a valid signed
 * statement was recorded (and pushed), and that Ada's `countersign verify` now passes.
 */
interface Fixture {
  env: NodeJS.ProcessEnv;
  origin: string;
  ada: string;
  bo: string;
  boPublicKey: string;
  base: string;
  feature: string;
}

let fx: Fixture | undefined;

function prepare(dir: string): { workspace: string } {
  const {
    env,
    git,
    origin,
    ada,
    boKey: key,
    boPublicKey,
    base,
  } = reviewFixture(dir, 'ada', { 'README.md': '# Shop\n' });
  const bo = path.join(dir, 'bo-review');

  git(ada, 'checkout', '-q', '-b', 'feature/login');
  fs.mkdirSync(path.join(ada, 'src'));
  fs.writeFileSync(
    path.join(ada, 'src', 'login.ts'),
    [
      "import { verify } from './crypto';",
      '',
      'export async function login(user: string, password: string): Promise<boolean> {',
      '  const record = await findUser(user);',
      '  if (!record) return false;',
      '  return verify(password, record.hash);',
      '}',
      '',
      '// Reviewed by hand: lockout after five attempts.',
      'export const MAX_ATTEMPTS = 5;',
      '',
    ].join('\n'),
  );
  fs.mkdirSync(path.join(ada, 'docs'));
  fs.writeFileSync(path.join(ada, 'docs', 'login.md'), '# Login\n\nUsers sign in with a password.\n');
  git(ada, 'add', '.');
  git(
    ada,
    'commit',
    '-q',
    '-m',
    'Add password login',
    '-m',
    'Assisted-by: Claude:claude-sonnet-4-5 claude-code\nAI-Provenance: v1 ai=7 human=6 untracked=0',
  );
  const feature = git(ada, 'rev-parse', 'HEAD');
  const s = sessionKey('claude-code', 'ui-e2e');
  git(
    ada,
    'notes',
    '--ref=refs/notes/ai',
    'add',
    '-m',
    formatAuthorshipNote({
      files: [{ path: 'src/login.ts', entries: [{ key: sessionEntryKey(s, traceKey('t1')), ranges: [[1, 7]] }] }],
      meta: {
        schema_version: 'authorship/3.0.0',
        base_commit_sha: base,
        prompts: {},
        sessions: { [s]: { agent_id: { tool: 'claude-code', id: 'ui-e2e', model: 'claude-sonnet-4-5' } } },
      },
    }),
    feature,
  );
  git(ada, 'push', '-q', 'origin', 'feature/login', 'refs/notes/ai');

  git(dir, 'clone', '-q', origin, bo);
  git(bo, 'config', 'user.name', 'Bo Reviewer');
  git(bo, 'config', 'user.email', 'bo@example.com');
  git(bo, 'config', 'user.signingkey', key);
  git(bo, 'fetch', '-q', 'origin', '+refs/notes/*:refs/notes/*');
  fx = { env, origin, ada, bo: fs.realpathSync(bo), boPublicKey, base, feature };
  return { workspace: fx.bo };
}

function panelFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').first().frameLocator('iframe#active-frame');
}

async function run(page: Page, ctx: UiContext): Promise<void> {
  const f = fx as Fixture;
  const shot = (name: string) => page.screenshot({ path: path.join(ctx.artifacts, name) });
  const card = () => panelFrame(page).locator(`article.commit[data-sha="${f.feature}"]`);

  const opened = await ctx.step('opens the Countersign view from the activity bar', async () => {
    const icon = page.locator('.part.activitybar .action-item a[aria-label^="Countersign"]').first();
    try {
      await icon.click({ timeout: 10_000 });
    } catch {
      // The activity bar entry appears once the extension's contributions are registered; the palette waits for
      // them. Under load the click can land after its timeout, so look for the panel before asking the palette.
      const shown = await panelFrame(page)
        .locator('.toolbar')
        .waitFor({ timeout: 5_000 })
        .then(
          () => true,
          () => false,
        );
      if (!shown) await runFromPalette(page, 'Countersign: Open Review Panel');
    }
    await panelFrame(page).locator('.toolbar').waitFor();
  });
  if (!opened) return;

  const listed = await ctx.step("lists Ada's commit awaiting review with its agent, model and AI lines", async () => {
    await card().waitFor({ timeout: 45_000 });
    const text = await card().innerText();
    assert.match(text, /Add password login/);
    assert.match(text, /Ada Author <ada@example\.com>/);
    assert.match(text, /claude-code · claude-sonnet-4-5 · 7 lines/);
    assert.match(text, /7 of 13 added lines AI/);
    assert.ok(await card().locator('[data-testid=approve]').isEnabled(), 'Approve is enabled for Bo');
  });
  if (!listed) return;

  await ctx.step('Open diff shows the commit in a diff editor with the AI-written lines marked', async () => {
    await card().locator('[data-testid=open-diff]').click();
    // Two files: the AI-heavy one is offered first.
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'src/login.ts' }).first().waitFor();
    await input.fill('src/login.ts');
    await page.keyboard.press('Enter');
    await page
      .locator('.tabs-container .tab', { hasText: /login\.ts .*7 AI lines/ })
      .first()
      .waitFor();
    await page.locator('.monaco-diff-editor .editor.modified .view-lines', { hasText: 'findUser' }).first().waitFor();
    // The editor's hook-install offer is not part of this picture.
    await runFromPalette(page, 'Notifications: Clear All Notifications');
    await page.waitForTimeout(500);
    await shot('editor.png');
  });

  // The reasons and the files, unfolded, for the picture of the panel.
  for (const summary of ['Why it needs review', '2 files'])
    await card()
      .locator('summary', { hasText: summary })
      .click()
      .catch(() => undefined);
  await shot('panel.png');

  const approved = await ctx.step('Approve signs, records and pushes the approval (notification)', async () => {
    await card().locator('[data-testid=approve]').click();
    await page
      .locator('.notifications-toasts', {
        hasText: /Approved [0-9a-f]{12} as Bo Reviewer <bo@example\.com>; shared with origin/,
      })
      .waitFor({ timeout: 60_000 });
  });
  if (!approved) return;

  await ctx.step(
    'a valid signed statement by Bo is recorded in refs/notes/countersign, here and on origin',
    async () => {
      for (const repo of [f.bo, f.origin]) {
        const note = execFileSync('git', ['notes', '--ref=refs/notes/countersign', 'show', f.feature], {
          cwd: repo,
          env: f.env,
          encoding: 'utf8',
        });
        const parsed = parseStatementNote(note, `${repo} refs/notes/countersign`);
        assert.deepStrictEqual(parsed.errors, []);
        assert.strictEqual(parsed.statements.length, 1);
        const [s] = parsed.statements;
        assert.deepStrictEqual(
          [s.statement.decision, s.statement.reviewer.email, s.statement.tip, s.statement.base],
          ['approve', 'bo@example.com', f.feature, f.base],
        );
        const v = verifySignedStatement(s, f.boPublicKey);
        assert.ok(v.ok, `the recorded signature does not verify with Bo's policy key: ${v.ok ? '' : v.reason}`);
      }
    },
  );

  await ctx.step("Ada's `countersign verify` now passes for feature/login into main", async () => {
    const r = spawnSync(
      process.execPath,
      [path.join(ctx.outDir, 'cli.js'), 'verify', '--branch', 'main', '--head', 'feature/login'],
      { cwd: f.ada, env: f.env, encoding: 'utf8' },
    );
    assert.strictEqual(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /approved by Bo Reviewer <bo@example\.com>/);
  });

  await ctx.step('the panel shows nothing left to review', async () => {
    await panelFrame(page).locator('[data-testid=nothing-to-review]').waitFor({ timeout: 30_000 });
    await shot('panel-approved.png');
  });
}

export const reviewPanelScenario: UiScenario = { name: 'review panel', prepare, run };
