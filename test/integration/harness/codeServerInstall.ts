import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { processAlive } from '../../../src/git/fileLock';

/**
 * code-server 4.100.3 is VS Code 1.100.3's server and web workbench, and the newest release whose
 * engines.node is 20. package.json's engines.vscode must stay at or
 * below ^1.100.0 while the tests run on it.
 */
export const CODE_SERVER_VERSION = '4.100.3';

/**
 * code-server's VS Code depends on @vscode/ripgrep 1.15.11, whose postinstall downloads ripgrep 13.0.0-10
 * from GitHub — unreachable here. It first looks in $TMPDIR/vscode-ripgrep-cache-<version>/, so a tarball of
 * Debian's rg placed there under the expected name makes the install offline.
 */
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_RELEASE = 'v13.0.0-10';

export interface CodeServerInstall {
  /** node <entry> is the code-server command. */
  entry: string;
  version: string;
  installDir: string;
}

function installDirFor(cache: string): string {
  return path.join(cache, `code-server-${CODE_SERVER_VERSION}`);
}

function entryOf(installDir: string): string {
  return path.join(installDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

/** A finished install: the folder is only ever created by renaming a completed one into place. */
export function findCodeServer(cache: string): CodeServerInstall | undefined {
  const installDir = installDirFor(cache);
  const entry = entryOf(installDir);
  return fs.existsSync(entry) ? { entry, version: CODE_SERVER_VERSION, installDir } : undefined;
}

function ripgrepTarget(): string {
  switch (process.arch) {
    case 'x64':
      return 'x86_64-unknown-linux-musl';
    case 'arm64':
      return 'aarch64-unknown-linux-musl';
    default:
      throw new Error(`no known ripgrep build name for ${process.arch}; install code-server by hand into the cache`);
  }
}

function whichRg(): string {
  const r = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' });
  const rg = r.stdout.trim();
  if (r.status !== 0 || !rg) {
    throw new Error(
      "ripgrep (rg) is not on PATH; code-server's install needs it offline. Install it: apt-get install ripgrep",
    );
  }
  return fs.realpathSync(rg);
}

function seedRipgrepCache(tmpDir: string): void {
  const dir = path.join(tmpDir, `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  const tarball = path.join(dir, `ripgrep-${RIPGREP_RELEASE}-${ripgrepTarget()}.tar.gz`);
  if (fs.existsSync(tarball)) return;
  fs.mkdirSync(dir, { recursive: true });
  const rg = whichRg();
  const partial = `${tarball}.${process.pid}`;
  const r = spawnSync('tar', ['czf', partial, '-C', path.dirname(rg), path.basename(rg)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`could not pack ${rg} into ${tarball}: ${r.stderr}`);
  fs.renameSync(partial, tarball);
}

function run(
  cmd: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; logFile: string },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const log = fs.openSync(opts.logFile, 'a');
    // Its own process group, ended with us: an interrupted run must not leave npm installing in the background.
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', log, log], detached: true });
    const endGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    };
    process.on('exit', endGroup);
    const done = () => {
      process.off('exit', endGroup);
      fs.closeSync(log);
    };
    child.on('error', (err) => {
      done();
      reject(err);
    });
    child.on('close', (code) => {
      done();
      resolve(code ?? 1);
    });
  });
}

function tail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Folders left by installs that were killed midway (their process is gone): 300 MB each, never used. */
function removeAbandonedInstalls(cache: string): void {
  const prefix = `${path.basename(installDirFor(cache))}.partial-`;
  for (const entry of fs.readdirSync(cache)) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(entry.slice(prefix.length));
    if (Number.isInteger(pid) && !processAlive(pid))
      fs.rmSync(path.join(cache, entry), { recursive: true, force: true });
  }
}

/**
 * Installs code-server into the cache once (about a minute and 300 MB) and reuses it afterwards. The
 * install happens in a private folder that is renamed into place when complete, so an interrupted or
 * concurrent install never leaves a half-installed code-server where the next run would pick it up.
 */
export async function ensureCodeServer(cache: string, say: (line: string) => void): Promise<CodeServerInstall> {
  const found = findCodeServer(cache);
  if (found) return found;

  const tmpDir = path.join(cache, 'tmp');
  fs.mkdirSync(tmpDir, { recursive: true });
  seedRipgrepCache(tmpDir);

  removeAbandonedInstalls(cache);
  const staging = `${installDirFor(cache)}.partial-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  fs.writeFileSync(
    path.join(staging, 'package.json'),
    JSON.stringify({ private: true, description: 'Countersign integration-test cache' }),
  );
  const logFile = path.join(cache, `install-${CODE_SERVER_VERSION}.log`);
  fs.writeFileSync(logFile, '');
  say(`installing code-server@${CODE_SERVER_VERSION} into ${cache} (once; about a minute; log: ${logFile})`);
  const started = Date.now();
  const code = await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--no-package-lock', `code-server@${CODE_SERVER_VERSION}`],
    {
      cwd: staging,
      logFile,
      env: { ...process.env, TMPDIR: tmpDir, npm_config_unsafe_perm: 'true', npm_config_yes: 'true' },
    },
  );
  const rg = path.join(
    staging,
    'node_modules',
    'code-server',
    'lib',
    'vscode',
    'node_modules',
    '@vscode',
    'ripgrep',
    'bin',
    'rg',
  );
  if (code !== 0 || !fs.existsSync(entryOf(staging)) || !fs.existsSync(rg)) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw new Error(
      `npm install code-server@${CODE_SERVER_VERSION} failed (exit ${code}); last lines of ${logFile}:\n${tail(logFile, 30)}\n` +
        'It needs the npm registry, a C++ toolchain and libkrb5-dev (apt-get install g++ make python3 libkrb5-dev), ' +
        "and npm must run code-server's install scripts.",
    );
  }
  try {
    fs.renameSync(staging, installDirFor(cache));
  } catch (err) {
    // Another run finished first: use its install and drop ours.
    fs.rmSync(staging, { recursive: true, force: true });
    if (!findCodeServer(cache)) throw err;
  }
  say(`code-server installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  const installed = findCodeServer(cache);
  if (!installed)
    throw new Error(`code-server install in ${installDirFor(cache)} has no ${entryOf(installDirFor(cache))}`);
  return installed;
}
