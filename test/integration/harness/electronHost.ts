import { spawnSync } from 'child_process';
import * as path from 'path';
import {
  downloadAndUnzipVSCode,
  resolveCliPathFromVSCodeExecutablePath,
  runTests,
  TestRunFailedError,
} from '@vscode/test-electron';
import type { PayloadSpec, TestHost } from './host';
import type { PayloadExit } from './workbench';

/**
 * Desktop VS Code through @vscode/test-electron, for contributors with a display (or xvfb) and a network:
 * the same payloads as code-server. The version defaults to the one code-server 4.100.3 embeds, so both
 * hosts test the same VS Code; COUNTERSIGN_IT_VSCODE_VERSION=stable tries the newest.
 */
export class ElectronHost implements TestHost {
  readonly name = 'electron';
  private executable: string | undefined;
  private running = false;
  private current: Promise<PayloadExit> | undefined;
  private readonly version = process.env.COUNTERSIGN_IT_VSCODE_VERSION || '1.100.3';

  constructor(
    private readonly cache: string,
    private readonly runDir: string,
    private readonly say: (line: string) => void,
  ) {}

  private cachePath(): string {
    return path.join(this.cache, 'vscode-desktop');
  }

  async prepare(): Promise<void> {
    this.say(`using desktop VS Code ${this.version} (downloaded once into ${this.cachePath()})`);
    this.executable = await downloadAndUnzipVSCode({ version: this.version, cachePath: this.cachePath() });
  }

  private exe(): string {
    if (!this.executable) throw new Error('ElectronHost.prepare() was not called');
    return this.executable;
  }

  installVsix(vsix: string, extensionsDir: string): Promise<{ ok: boolean; output: string }> {
    const cli = resolveCliPathFromVSCodeExecutablePath(this.exe());
    const r = spawnSync(
      cli,
      [
        `--extensions-dir=${extensionsDir}`,
        `--user-data-dir=${path.join(this.runDir, 'vsix-install', 'data')}`,
        '--install-extension',
        vsix,
      ],
      { encoding: 'utf8', timeout: 120_000, shell: process.platform === 'win32' },
    );
    return Promise.resolve({ ok: r.status === 0, output: `${r.stdout}${r.stderr}`.trim() });
  }

  async runPayload(spec: PayloadSpec): Promise<PayloadExit> {
    this.running = true;
    const run = runTests({
      vscodeExecutablePath: this.exe(),
      extensionDevelopmentPath: spec.extensionDevelopmentPath,
      extensionTestsPath: spec.extensionTestsPath,
      extensionTestsEnv: spec.env,
      launchArgs: [
        spec.workspace,
        `--user-data-dir=${path.join(this.runDir, spec.name, 'data')}`,
        `--extensions-dir=${spec.extensionsDir}`,
        '--disable-telemetry',
      ],
    })
      .then(
        (code): PayloadExit => ({ kind: 'exit', code }),
        (err: unknown): PayloadExit =>
          err instanceof TestRunFailedError
            ? { kind: 'exit', code: err.code ?? 1 }
            : { kind: 'crash', message: err instanceof Error ? err.message : String(err) },
      )
      .finally(() => {
        this.running = false;
      });
    this.current = run;
    const exit = await Promise.race([run, sleep(spec.timeoutMs).then((): PayloadExit => ({ kind: 'timeout' }))]);
    if (exit.kind === 'timeout') await this.closeVsCode();
    return exit;
  }

  /**
   * runTests keeps the VS Code process to itself but closes it on SIGINT — first gracefully, on a second
   * SIGINT by killing its process tree — so emitting the signal in-process is how the harness ends a run.
   */
  private async closeVsCode(): Promise<void> {
    for (let attempt = 0; attempt < 2 && this.running; attempt++) {
      process.emit('SIGINT');
      await Promise.race([this.current, sleep(5_000)]);
    }
  }

  dispose(): Promise<void> {
    return this.closeVsCode();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
