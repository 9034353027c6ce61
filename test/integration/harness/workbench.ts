import * as fs from 'fs';
import { format } from 'util';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Debian's chromium by default; CHROMIUM_PATH for another build. */
export function chromiumPath(): string {
  const p = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!fs.existsSync(p)) throw new Error(`no Chromium at ${p}: apt-get install chromium, or set CHROMIUM_PATH`);
  return p;
}

export interface PayloadRun {
  serverUrl: string;
  folder: string;
  /** vscode-remote:// URIs, see CodeServer.remoteUri. */
  extensionDevelopmentUri: string;
  extensionTestsUri: string;
  profileDir: string;
  timeoutMs: number;
  /** Receives the extension host's console output (the mocha spec reporter) line by line. */
  onLog: (line: string) => void;
}

export type PayloadExit = { kind: 'exit'; code: number } | { kind: 'timeout' } | { kind: 'crash'; message: string };

/**
 * Opens the web workbench with a test payload, the way VS Code's own smoke tests do: the workbench starts
 * the extension host in extension-development mode, runs the tests' run(), then calls
 * window.codeAutomationExit(code) — 0 when run() resolved.
 */
export async function runPayload(opts: PayloadRun): Promise<PayloadExit> {
  const payload = [
    ['extensionDevelopmentPath', opts.extensionDevelopmentUri],
    ['extensionTestsPath', opts.extensionTestsUri],
    ['skipWelcome', 'true'],
    ['skipReleaseNotes', 'true'],
  ];
  const url = `${opts.serverUrl}/?folder=${encodeURIComponent(opts.folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  let ctx: BrowserContext | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    ctx = await chromium.launchPersistentContext(opts.profileDir, {
      executablePath: chromiumPath(),
      headless: true,
      args: CHROMIUM_ARGS,
    });
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    let finish!: (e: PayloadExit) => void;
    const finished = new Promise<PayloadExit>((resolve) => {
      finish = resolve;
    });
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown) => {
      const parts = Array.isArray(args) ? args : [args];
      for (const line of format(...parts).split('\n')) opts.onLog(line);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => finish({ kind: 'exit', code }));
    page.on('crash', () => finish({ kind: 'crash', message: 'the workbench page crashed' }));
    page.on('pageerror', (e) => opts.onLog(`[workbench error] ${e.message}`));
    timer = setTimeout(() => finish({ kind: 'timeout' }), opts.timeoutMs);
    // A loaded machine (CI runners, shared hosts) can take longer than Playwright's default 30 s to load the workbench.
    await page.goto(url, { timeout: 120_000 });
    return await finished;
  } finally {
    if (timer) clearTimeout(timer);
    await ctx?.close().catch(() => undefined);
  }
}
