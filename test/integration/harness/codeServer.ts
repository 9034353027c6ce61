import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import type { CodeServerInstall } from './codeServerInstall';

export interface CodeServerOptions {
  install: CodeServerInstall;
  /** A fresh folder for this run: profile, extensions, sockets, logs, TMPDIR and HOME all stay inside. */
  runDir: string;
  /** Profile folder name inside runDir, so two servers in one run never share state. */
  name: string;
  extensionsDir: string;
  /** Added to the server's environment, which the extension host inherits (results file, grep). */
  env: NodeJS.ProcessEnv;
}

/**
 * The environment of everything code-server starts: HOME, XDG folders and TMPDIR inside the run folder so a
 * test never reads or writes the developer's profile or git config, and git identity set for fixture commits.
 */
export function isolatedEnv(home: string, extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  for (const d of ['tmp', 'xdg-data', 'xdg-config', 'xdg-cache']) fs.mkdirSync(path.join(home, d), { recursive: true });
  return {
    ...process.env,
    HOME: home,
    TMPDIR: path.join(home, 'tmp'),
    XDG_DATA_HOME: path.join(home, 'xdg-data'),
    XDG_CONFIG_HOME: path.join(home, 'xdg-config'),
    XDG_CACHE_HOME: path.join(home, 'xdg-cache'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Ada Author',
    GIT_AUTHOR_EMAIL: 'ada@example.com',
    GIT_COMMITTER_NAME: 'Ada Author',
    GIT_COMMITTER_EMAIL: 'ada@example.com',
    // A developer's own settings for these would leak into the run.
    COUNTERSIGN_SKIP: '',
    COUNTERSIGN_TRACE: '',
    ...extra,
  };
}

const USER_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
};

/** A running code-server; stop() is safe to call more than once and kills its whole process group. */
export class CodeServer {
  private exited = false;
  private constructor(
    readonly url: string,
    readonly logFile: string,
    private readonly child: ChildProcess,
  ) {
    child.once('exit', () => {
      this.exited = true;
    });
  }

  static async start(opts: CodeServerOptions, timeoutMs = 60_000): Promise<CodeServer> {
    const profile = path.join(opts.runDir, opts.name);
    const userDataDir = path.join(profile, 'data');
    fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    fs.mkdirSync(opts.extensionsDir, { recursive: true });
    fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
    // Port 0: the kernel picks a free port, code-server logs it — no race between probing and binding.
    const config = path.join(profile, 'config.yaml');
    fs.writeFileSync(config, 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');
    const logFile = path.join(profile, 'server.log');
    const log = fs.openSync(logFile, 'w');
    const child = spawn(
      process.execPath,
      [
        opts.install.entry,
        '--config',
        config,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        '--user-data-dir',
        userDataDir,
        '--extensions-dir',
        opts.extensionsDir,
      ],
      {
        // No extension gallery: nothing to fetch offline, and no failed open-vsx.org lookups in the output.
        env: isolatedEnv(path.join(profile, 'home'), { EXTENSIONS_GALLERY: '{}', ...opts.env }),
        stdio: ['ignore', log, log],
        // Its own process group, so stop() also ends the extension host and file watchers it forks.
        detached: true,
      },
    );
    fs.closeSync(log);
    const port = await waitForPort(logFile, child, timeoutMs);
    const server = new CodeServer(`http://127.0.0.1:${port}`, logFile, child);
    try {
      await waitForHealth(server.url, timeoutMs);
    } catch (err) {
      await server.stop();
      throw err;
    }
    return server;
  }

  /** The vscode-remote:// URI the web workbench uses for a path on this server's machine. */
  remoteUri(absPath: string): string {
    return `vscode-remote://${new URL(this.url).host}${path.resolve(absPath)}`;
  }

  logTail(lines = 40): string {
    try {
      return fs.readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no server log)';
    }
  }

  async stop(): Promise<void> {
    const pid = this.child.pid;
    if (pid === undefined) return;
    killGroup(pid, 'SIGTERM');
    const deadline = Date.now() + 5_000;
    while (!this.exited && Date.now() < deadline) await sleep(100);
    // Whatever is left of the group (extension host, watchers) goes now.
    killGroup(pid, 'SIGKILL');
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitForPort(logFile: string, child: ChildProcess, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null = null;
  child.once('exit', (code) => {
    exitCode = code ?? -1;
  });
  while (Date.now() < deadline) {
    const text = fs.readFileSync(logFile, 'utf8');
    const m = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(text);
    if (m) return Number(m[1]);
    if (exitCode !== null)
      throw new Error(`code-server exited with ${exitCode} before listening; ${logFile}:\n${text.slice(-3000)}`);
    await sleep(100);
  }
  killGroup(child.pid ?? 0, 'SIGKILL');
  throw new Error(`code-server did not report its port within ${timeoutMs} ms; see ${logFile}`);
}

function healthy(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/healthz`, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(2_000, () => {
      req.destroy();
      resolve(false);
    });
  });
}

async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await healthy(url)) return;
    await sleep(200);
  }
  throw new Error(`code-server at ${url} did not answer /healthz within ${timeoutMs} ms`);
}

/** `code-server --install-extension x.vsix` into a given extensions folder: offline, no marketplace involved. */
export function installVsix(
  install: CodeServerInstall,
  vsix: string,
  extensionsDir: string,
  home: string,
): { ok: boolean; output: string } {
  const r = spawnSync(
    process.execPath,
    [
      install.entry,
      '--extensions-dir',
      extensionsDir,
      '--user-data-dir',
      path.join(home, 'data'),
      '--install-extension',
      vsix,
    ],
    {
      env: isolatedEnv(home, { EXTENSIONS_GALLERY: '{}' }),
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`.trim() };
}
