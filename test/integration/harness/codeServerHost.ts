import * as path from 'path';
import { CodeServer, installVsix } from './codeServer';
import { ensureCodeServer, type CodeServerInstall } from './codeServerInstall';
import type { PaletteSpec, PayloadSpec, TestHost, WorkbenchSpec } from './host';
import { checkShowLogFromPalette } from './paletteCheck';
import type { PayloadResults } from './results';
import { runPayload, type PayloadExit } from './workbench';
import { openWorkbench, type WorkbenchSession } from './workbenchSession';

/**
 * The web workbench forwards its own start-up messages through the same console as the extension host's
 * test output; these carry no information about the tests (a missed one only costs a line of output).
 */
const WORKBENCH_CHATTER = new RegExp(
  '^(' +
    [
      'Resolving connection token',
      'Resolved connection token',
      'Creating a socket',
      '\\[Service Worker\\]',
      'Ignoring fetching additional builtin extensions',
      'Updating additional builtin extensions cache',
      'ChatSessionStore:',
      'Creation of workbench contribution',
      'Started local extension host',
      'Loading development extension',
    ].join('|') +
    ')',
);

/** code-server (VS Code's own server and web workbench, from npm) driven by headless Debian Chromium. */
export class CodeServerHost implements TestHost {
  readonly name = 'code-server';
  private install: CodeServerInstall | undefined;
  private readonly servers = new Set<CodeServer>();

  constructor(
    private readonly cache: string,
    private readonly runDir: string,
    private readonly say: (line: string) => void,
  ) {}

  async prepare(): Promise<void> {
    this.install = await ensureCodeServer(this.cache, this.say);
  }

  private installed(): CodeServerInstall {
    if (!this.install) throw new Error('CodeServerHost.prepare() was not called');
    return this.install;
  }

  installVsix(vsix: string, extensionsDir: string): Promise<{ ok: boolean; output: string }> {
    return Promise.resolve(installVsix(this.installed(), vsix, extensionsDir, path.join(this.runDir, 'vsix-install')));
  }

  async runPayload(spec: PayloadSpec): Promise<PayloadExit> {
    const started = Date.now();
    const server = await CodeServer.start({
      install: this.installed(),
      runDir: this.runDir,
      name: spec.name,
      extensionsDir: spec.extensionsDir,
      env: spec.env,
    });
    this.servers.add(server);
    try {
      const exit = await runPayload({
        serverUrl: server.url,
        folder: spec.workspace,
        extensionDevelopmentUri: server.remoteUri(spec.extensionDevelopmentPath),
        extensionTestsUri: server.remoteUri(spec.extensionTestsPath),
        profileDir: path.join(this.runDir, spec.name, 'chromium'),
        timeoutMs: Math.max(1_000, spec.timeoutMs - (Date.now() - started)),
        onLog: (line) => {
          if (!WORKBENCH_CHATTER.test(line)) this.say(`  ${line}`);
        },
      });
      // A hang or crash is usually explained by the server's log; ordinary test failures are not.
      if (exit.kind !== 'exit') this.say(`[${spec.name}] last lines of ${server.logFile}:\n${server.logTail()}`);
      return exit;
    } finally {
      await server.stop();
      this.servers.delete(server);
    }
  }

  async checkPalette(spec: PaletteSpec): Promise<PayloadResults> {
    const server = await CodeServer.start({
      install: this.installed(),
      runDir: this.runDir,
      name: spec.name,
      extensionsDir: spec.extensionsDir,
      env: {},
    });
    this.servers.add(server);
    try {
      return await checkShowLogFromPalette({
        serverUrl: server.url,
        folder: spec.workspace,
        profileDir: path.join(this.runDir, spec.name, 'chromium'),
        screenshot: spec.screenshot,
        timeoutMs: spec.timeoutMs,
      });
    } finally {
      await server.stop();
      this.servers.delete(server);
    }
  }

  async openWorkbench(spec: WorkbenchSpec): Promise<WorkbenchSession> {
    const server = await CodeServer.start({
      install: this.installed(),
      runDir: this.runDir,
      name: spec.name,
      extensionsDir: spec.extensionsDir,
      env: spec.env,
    });
    this.servers.add(server);
    const stop = async () => {
      await server.stop();
      this.servers.delete(server);
    };
    try {
      const session = await openWorkbench({
        serverUrl: server.url,
        folder: spec.workspace,
        extensionDevelopmentUri: server.remoteUri(spec.extensionDevelopmentPath),
        profileDir: path.join(this.runDir, spec.name, 'chromium'),
        timeoutMs: spec.timeoutMs,
        onLog: (l) => this.say(`  ${l}`),
      });
      return {
        page: session.page,
        close: async () => {
          await session.close();
          await stop();
        },
      };
    } catch (err) {
      this.say(`[${spec.name}] last lines of ${server.logFile}:\n${server.logTail()}`);
      await stop();
      throw err;
    }
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.servers].map((s) => s.stop()));
    this.servers.clear();
  }
}
