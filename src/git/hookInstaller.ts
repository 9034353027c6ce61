import * as fs from 'fs';
import * as path from 'path';
import { CountersignError } from '../core/errors';
import { writeFileAtomic } from './atomicFile';
import { writeCliBundleCopy } from './cliBundle';
import { refuseSymlinkedPath } from './symlinkGuard';
import { runGit } from './gitRunner';
import { CLIENT_HOOKS, SHIM_MARKER } from './hookNames';
import { hookScript } from './hookScripts';
import { getLocalConfig, manifestPath, readManifest, type HookManager, type InstallManifest } from './hookManifest';
import { cliCopyPath, countersignDir, resolveRepo, type RepoPaths } from './repository';

/**
 * Installation points `core.hooksPath` (local config) at `.git/countersign/hooks`, whose shims chain the
 * hooks folder that was active before — `.git/hooks`, or a `core.hooksPath` set by husky or lefthook —
 * so tracked hook files are never edited and no existing hook is dropped. The manifest records exactly
 * what was changed so `uninstall` can put it back.
 */

export interface InstallOptions {
  /** The CLI bundle to copy into `.git/countersign/bin` — the stable copy hooks call. */
  cliSource: string;
  /** A Node (or Electron) binary for hooks to use when `node` is not on PATH. */
  nodeBinary?: string;
  nodeIsElectron?: boolean;
  timeoutSeconds?: number;
  /** Extra config install sets, recorded so uninstall can remove them (notes refspecs etc.). */
  config?: Array<{ key: string; value: string }>;
  /**
   * A hook manager owns core.hooksPath (left to it) and runs the shims from its configuration, which then chain
   * nothing (managerHookLine.ts).
   */
  hookManager?: HookManager;
}

export interface InstallResult {
  repo: RepoPaths;
  hooksDir: string;
  chainedDir: string;
  previousHooksPath: string | null;
  reinstalled: boolean;
}

async function configHas(cwd: string, key: string, value: string): Promise<boolean> {
  const r = await runGit(['config', '--local', '--get-all', key], { cwd, okCodes: [1] });
  return r.code === 0 && r.stdout.split('\n').includes(value);
}

/**
 * The copy of the CLI (and its commit-hook entry) that hooks and agents' hooks run, in .git/countersign/bin:
 * they keep working when the editor that installed them is closed or updated. Returns the copy's path.
 */
export function writeCliCopy(repo: RepoPaths, cliSource: string): string {
  const copy = cliCopyPath(repo);
  refuseSymlinkedPath(repo.commonDir, copy, 'write the CLI copy');
  fs.mkdirSync(path.dirname(copy), { recursive: true });
  writeCliBundleCopy(cliSource, copy);
  return copy;
}

/** Everything install writes and uninstall deletes lives under .git/countersign: no link may redirect it. */
function guardOwnFiles(repo: RepoPaths, action: string): void {
  const dir = countersignDir(repo);
  for (const p of [
    path.join(dir, 'hooks', 'x'),
    path.join(dir, 'bin', 'x'),
    path.join(dir, 'pending', 'x'),
    path.join(dir, 'cache', 'x'),
    manifestPath(repo),
  ]) {
    refuseSymlinkedPath(repo.commonDir, p, action);
  }
}

/** Countersign's hook scripts, one per client hook, each running `chainedDir`'s hook of its name first. */
function writeShims(hooksDir: string, o: InstallOptions & { chainedDir: string }): void {
  fs.mkdirSync(hooksDir, { recursive: true });
  const script = hookScript({
    chainedDir: o.chainedDir,
    fallbackNode: o.nodeBinary,
    fallbackIsElectron: o.nodeIsElectron ?? false,
    timeoutSeconds: o.timeoutSeconds ?? 60,
  });
  for (const name of CLIENT_HOOKS) writeFileAtomic(path.join(hooksDir, name), script, 0o755);
}

export async function install(cwd: string, opts: InstallOptions): Promise<InstallResult> {
  const repo = await resolveRepo(cwd);
  if (repo.bare) {
    throw new CountersignError(
      'config',
      `${repo.commonDir} is a bare repository: use \`countersign install --server\` there`,
    );
  }
  const dir = countersignDir(repo);
  const hooksDir = path.join(dir, 'hooks');
  const existing = readManifest(repo);
  const current = await getLocalConfig(cwd, 'core.hooksPath');
  const ours = current !== null && path.resolve(repo.root ?? cwd, current) === hooksDir;
  // A re-install keeps the original previous value, unless another tool (husky's prepare script) has since
  // pointed core.hooksPath elsewhere: then that is what we chain now.
  const previousHooksPath = ours ? (existing?.previousHooksPath ?? null) : current;
  const chainedDir = previousHooksPath ?? path.join(repo.commonDir, 'hooks');

  guardOwnFiles(repo, 'install into');
  writeCliCopy(repo, opts.cliSource);
  const addedConfig = [...(existing?.addedConfig ?? [])];
  for (const { key, value } of opts.config ?? []) {
    if (await configHas(cwd, key, value)) continue;
    await runGit(['config', '--local', '--add', key, value], { cwd });
    addedConfig.push({ key, value });
  }
  if (opts.hookManager) {
    // The manager owns the hooks: give core.hooksPath back if our shims had it (pre-commit refuses to install otherwise).
    if (ours) {
      if (previousHooksPath === null)
        await runGit(['config', '--local', '--unset', 'core.hooksPath'], { cwd, okCodes: [5] });
      else await runGit(['config', '--local', 'core.hooksPath', previousHooksPath], { cwd });
    }
    // The scripts the recipe's lines run (managerHookLine.ts), chaining nothing: the manager runs its own hooks.
    writeShims(hooksDir, { ...opts, chainedDir: '' });
    const restored = ours ? previousHooksPath : current;
    const manifest: InstallManifest = {
      version: 1,
      previousHooksPath: restored,
      addedConfig,
      installedAt: new Date().toISOString(),
      hookManager: opts.hookManager,
    };
    writeFileAtomic(manifestPath(repo), JSON.stringify(manifest, null, 2) + '\n');
    return {
      repo,
      hooksDir,
      chainedDir: restored ?? path.join(repo.commonDir, 'hooks'),
      previousHooksPath: restored,
      reinstalled: existing !== undefined,
    };
  }
  writeShims(hooksDir, { ...opts, chainedDir });
  await runGit(['config', '--local', 'core.hooksPath', hooksDir], { cwd });
  const manifest: InstallManifest = {
    version: 1,
    previousHooksPath,
    addedConfig,
    installedAt: new Date().toISOString(),
  };
  writeFileAtomic(manifestPath(repo), JSON.stringify(manifest, null, 2) + '\n');
  return { repo, hooksDir, chainedDir, previousHooksPath, reinstalled: existing !== undefined };
}

/** What removing the installed hooks put back (src/app/uninstallHooks.ts holds the whole `uninstall`). */
export interface RemovedHooks {
  restoredHooksPath: string | null;
  removedConfig: number;
}

/** The CLI copy `agents connect` wrote when nothing else was installed: it goes with the agents' hooks. */
export function removeCliCopy(repo: RepoPaths): void {
  guardOwnFiles(repo, 'remove');
  fs.rmSync(path.join(countersignDir(repo), 'bin'), { recursive: true, force: true });
}

/** Undoes what the manifest says install did: core.hooksPath, the config it added, the shims and its files. */
export async function removeInstalledHooks(
  cwd: string,
  repo: RepoPaths,
  manifest: InstallManifest,
): Promise<RemovedHooks> {
  const dir = countersignDir(repo);
  const hooksDir = path.join(dir, 'hooks');
  guardOwnFiles(repo, 'remove');
  const current = await getLocalConfig(cwd, 'core.hooksPath');
  // Only put core.hooksPath back if it still points at us: a tool that changed it since owns it now.
  if (current !== null && path.resolve(repo.root ?? cwd, current) === hooksDir) {
    if (manifest.previousHooksPath === null) {
      await runGit(['config', '--local', '--unset', 'core.hooksPath'], { cwd, okCodes: [5] });
    } else {
      await runGit(['config', '--local', 'core.hooksPath', manifest.previousHooksPath], { cwd });
    }
  }
  let removed = 0;
  for (const { key, value } of manifest.addedConfig) {
    const r = await runGit(['config', '--local', '--fixed-value', '--unset-all', key, value], { cwd, okCodes: [5] });
    if (r.code === 0) removed++;
  }
  for (const name of fs.existsSync(hooksDir) ? fs.readdirSync(hooksDir) : []) {
    const file = path.join(hooksDir, name);
    if (fs.readFileSync(file, 'utf8').includes(SHIM_MARKER)) fs.rmSync(file);
  }
  fs.rmSync(hooksDir, { recursive: true, force: true });
  fs.rmSync(path.join(dir, 'bin'), { recursive: true, force: true });
  fs.rmSync(path.join(dir, 'pending'), { recursive: true, force: true });
  fs.rmSync(path.join(dir, 'cache'), { recursive: true, force: true }); // Node's compile cache (hookScripts.ts)
  fs.rmSync(manifestPath(repo), { force: true });
  // The folder itself when nothing else is in it: install made it (newuser19 F12). A ledger or the agents' records
  // stay, and uninstall names them (uninstallHooks.ts `kept`).
  try {
    fs.rmdirSync(dir);
  } catch {
    /* not empty, or gone: kept as it is */
  }
  return { restoredHooksPath: manifest.previousHooksPath, removedConfig: removed };
}
