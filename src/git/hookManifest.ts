import * as fs from 'fs';
import * as path from 'path';
import { CountersignError } from '../core/errors';
import { runGit } from './gitRunner';
import { countersignDir, resolveRepo, type RepoPaths } from './repository';

/**
 * What `countersign install` recorded (.git/countersign/install.json) and whether its hooks are active: read
 * on most commands (the hooks' health) and at the extension's start, apart from hookInstaller.ts, which
 * writes them, and which only set-up runs (dist/cli-lazy.js, dist/extension-lazy.js: issue 11).
 */
export interface InstallManifest {
  version: 1;
  /** core.hooksPath before install, in the local config; null when it was unset. */
  previousHooksPath: string | null;
  /** Config entries install added (`git config --add`), removed again on uninstall. */
  addedConfig: Array<{ key: string; value: string }>;
  installedAt: string;
  /** Set when a hook manager owns the hooks and calls `countersign hook NAME` (install --hook-manager). */
  hookManager?: HookManager;
}

export const HOOK_MANAGERS = ['husky', 'lefthook', 'pre-commit'] as const;
export type HookManager = (typeof HOOK_MANAGERS)[number];

export function manifestPath(repo: RepoPaths): string {
  return path.join(countersignDir(repo), 'install.json');
}

export function readManifest(repo: RepoPaths): InstallManifest | undefined {
  const file = manifestPath(repo);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const m = JSON.parse(text) as InstallManifest;
    if (m.version !== 1 || !Array.isArray(m.addedConfig)) throw new Error('unknown manifest version');
    return m;
  } catch (e) {
    throw new CountersignError(
      'config',
      `${file} is not a Countersign install manifest (${(e as Error).message}); delete it and run \`countersign install\` again`,
    );
  }
}

/** A local config value, or null when unset. */
export async function getLocalConfig(cwd: string, key: string): Promise<string | null> {
  const r = await runGit(['config', '--local', '--get', key], { cwd, okCodes: [1] });
  return r.code === 1 ? null : r.stdout.replace(/\n$/, '');
}

/** Whether the hooks are active: installed and core.hooksPath still points at them. */
export async function hooksActive(
  cwd: string,
): Promise<{ installed: boolean; active: boolean; hooksPath: string | null }> {
  const repo = await resolveRepo(cwd);
  const installed = readManifest(repo) !== undefined;
  const current = await getLocalConfig(cwd, 'core.hooksPath');
  const active =
    installed &&
    current !== null &&
    path.resolve(repo.root ?? cwd, current) === path.join(countersignDir(repo), 'hooks');
  return { installed, active, hooksPath: current };
}
