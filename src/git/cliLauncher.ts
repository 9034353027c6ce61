import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CountersignError } from '../core/errors';
import launcherTemplate from './shell/cliLauncher.sh';
import { fillShellTemplate } from './shellTemplate';
import { writeFileAtomic } from './atomicFile';
import { removeCliBundleCopy, writeCliBundleCopy } from './cliBundle';

/**
 * The `countersign` command on PATH, as VS Code puts `code` there: **Countersign: Install Command-Line Tool**
 * copies the CLI that ships inside the extension to a stable place (an extension update replaces its own
 * folder, so a launcher pointing into it would break) and writes a small launcher into a folder on PATH
 * (~/.local/bin by default). Running it again upgrades the copy; removing both files uninstalls it.
 */
export const LAUNCHER_MARKER = 'countersign-launcher v1';

export interface LauncherOptions {
  /** The CLI bundle to copy (the extension's dist/cli.js). */
  cliSource: string;
  /** Where the launcher goes (default ~/.local/bin). */
  binDir?: string;
  /** Where the CLI copy goes (default ~/.local/share/countersign). */
  dataDir?: string;
  /** A Node (or Electron, with nodeIsElectron) binary used when `node` is not on PATH. */
  fallbackNode?: string;
  nodeIsElectron?: boolean;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

export interface LauncherResult {
  launcher: string;
  cliCopy: string;
  /** Whether binDir is on PATH already. */
  onPath: boolean;
  /** When it is not: the line to add to the shell's start-up file. */
  pathHint?: string;
}

export function defaultBinDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.HOME ?? os.homedir(), '.local', 'bin');
}

/** Where the launcher's copy of the CLI lives unless told: ~/.local/share/countersign. */
function defaultDataDir(env: NodeJS.ProcessEnv): string {
  return path.join(env.HOME ?? os.homedir(), '.local', 'share', 'countersign');
}

/** The CLI copy the launcher runs (its companions beside it): written and removed by the same path. */
function launcherCliCopy(dataDir: string): string {
  return path.join(dataDir, 'countersign.js');
}

export function launcherScript(cliCopy: string, fallbackNode: string | undefined, nodeIsElectron: boolean): string {
  return fillShellTemplate(launcherTemplate, {
    CLI: cliCopy,
    FALLBACK_NODE: fallbackNode ?? '',
    FALLBACK_IS_ELECTRON: nodeIsElectron ? '1' : '',
  });
}

function windowsLauncher(cliCopy: string): string {
  return `@echo off\r\nrem ${LAUNCHER_MARKER}\r\nnode "${cliCopy}" %*\r\n`;
}

export function installCliLauncher(o: LauncherOptions): LauncherResult {
  const env = o.env ?? process.env;
  const platform = o.platform ?? process.platform;
  const binDir = o.binDir ?? defaultBinDir(env);
  const dataDir = o.dataDir ?? defaultDataDir(env);
  const cliCopy = launcherCliCopy(dataDir);
  writeCliBundleCopy(o.cliSource, cliCopy);
  const launcher = path.join(binDir, platform === 'win32' ? 'countersign.cmd' : 'countersign');
  if (fs.existsSync(launcher) && !fs.readFileSync(launcher, 'utf8').includes(LAUNCHER_MARKER)) {
    throw new CountersignError(
      'config',
      `${launcher} exists and was not written by Countersign; remove it (or install there with your package manager) and run the command again`,
    );
  }
  writeFileAtomic(
    launcher,
    platform === 'win32'
      ? windowsLauncher(cliCopy)
      : launcherScript(cliCopy, o.fallbackNode, o.nodeIsElectron ?? false),
    0o755,
  );
  const sep = platform === 'win32' ? ';' : ':';
  const onPath = (env.PATH ?? '').split(sep).some((p) => p && path.resolve(p) === path.resolve(binDir));
  const pathHint = onPath
    ? undefined
    : platform === 'win32'
      ? `add ${binDir} to your user PATH (System Properties → Environment Variables)`
      : `add it to PATH: echo 'export PATH="${binDir}:$PATH"' >> ~/.profile (or ~/.bashrc / ~/.zshrc), then open a new terminal`;
  return { launcher, cliCopy, onPath, ...(pathHint ? { pathHint } : {}) };
}

/** Removes the launcher and the copy (only files Countersign wrote); returns what was removed. */
export function uninstallCliLauncher(
  o: Pick<LauncherOptions, 'binDir' | 'dataDir' | 'env' | 'platform'> = {},
): string[] {
  const env = o.env ?? process.env;
  const binDir = o.binDir ?? defaultBinDir(env);
  const dataDir = o.dataDir ?? defaultDataDir(env);
  const removed: string[] = [];
  for (const f of [path.join(binDir, 'countersign'), path.join(binDir, 'countersign.cmd')]) {
    try {
      if (fs.readFileSync(f, 'utf8').includes(LAUNCHER_MARKER)) {
        fs.rmSync(f);
        removed.push(f);
      }
    } catch {
      /* not there */
    }
  }
  removed.push(...removeCliBundleCopy(launcherCliCopy(dataDir)));
  return removed;
}
