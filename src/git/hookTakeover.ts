import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runGit } from './gitRunner';
import { HOOK_MANAGERS, readManifest, type HookManager } from './hookManifest';
import { SHIM_MARKER } from './hookNames';
import { callsHook, callsScripts, SCRIPTS_DIR } from './managerHookLine';
import { readRegularFile, SETTINGS_FILE_MAX_BYTES } from './regularFile';
import { countersignDir, resolveRepo } from './repository';

/**
 * Whether another tool has switched Countersign's hooks off since `countersign install`: husky's `prepare`
 * script (run by every `npm install`) points core.hooksPath at `.husky/_`, `lefthook install` and
 * `pre-commit install` rewrite the hooks. Nothing fails when that happens — commits simply stop carrying
 * AI-Provenance — so the status bar, `status`, `doctor` and every CLI command run in the repository warn.
 */
export interface HookTakeover {
  /**
   * hooksPath: core.hooksPath no longer names our shims; shims: they were overwritten in place; manager: the manager
   * set up with --hook-manager does not call `countersign hook`; notRun: it does, but git does not run the manager;
   * scripts: git runs it and it calls the hook scripts --hook-manager writes, but they are missing.
   */
  kind: 'hooksPath' | 'shims' | 'manager' | 'notRun' | 'scripts';
  /** The tool that most likely did it, when it can be told. */
  by?: HookManager;
  /** core.hooksPath now (null: unset, git uses .git/hooks). */
  hooksPath: string | null;
  /** One paragraph: what happened, what it means, the fix. */
  message: string;
  /** The fix alone, for doctor's fix line, where the kind's general one would not do. */
  fix?: string;
}

const LEFTHOOK_CONFIGS = [
  'lefthook.yml',
  '.lefthook.yml',
  'lefthook.yaml',
  '.lefthook.yaml',
  '.config/lefthook.yml',
  '.config/lefthook.yaml',
  'lefthook.json',
  'lefthook.toml',
];

function read(file: string): string | undefined {
  const r = readRegularFile(file, { maxBytes: SETTINGS_FILE_MAX_BYTES });
  return r.kind === 'ok' ? r.content.toString('utf8') : undefined;
}

/** Which manager's files a hooks folder or repository shows. */
function managerOf(root: string | null, hooksPath: string | null, hooksDir: string): HookManager | undefined {
  if (hooksPath && /(^|[/\\])\.husky([/\\]|$)/.test(hooksPath)) return 'husky';
  const sample =
    read(path.join(hooksDir, 'prepare-commit-msg')) ??
    read(path.join(hooksDir, 'pre-commit')) ??
    read(path.join(hooksDir, 'pre-push')) ??
    '';
  if (/lefthook/i.test(sample)) return 'lefthook';
  if (/pre-commit\.com|pre_commit/i.test(sample)) return 'pre-commit';
  if (/husky/i.test(sample)) return 'husky';
  if (root && LEFTHOOK_CONFIGS.some((f) => fs.existsSync(path.join(root, f)))) return 'lefthook';
  return undefined;
}

/** A shell file without its comment lines: a commented-out call runs nothing. */
function uncommented(text: string | undefined): string {
  return (text ?? '')
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n');
}

/** The hooks whose loss loses provenance or the push check: each must still call `countersign hook NAME`. */
const HUSKY_REQUIRED = ['prepare-commit-msg', 'commit-msg', 'post-commit', 'pre-push'];

const CALLS = /countersign(\.js)?["']?\s+hook\b|id:\s*countersign-/;
const calls = (text: string | undefined) => CALLS.test(text ?? '') || callsScripts(text ?? '');

/**
 * What the manager's configuration no longer calls: husky has one file per hook, so each required hook is
 * checked on its own (a recipe with one line left must not pass); lefthook's and pre-commit's single files
 * are checked for any call. Empty: nothing missing.
 */
function managerMissing(root: string, manager: HookManager): string[] {
  switch (manager) {
    case 'husky':
      return HUSKY_REQUIRED.filter((h) => !callsHook(uncommented(read(path.join(root, '.husky', h))), h));
    case 'lefthook':
      return LEFTHOOK_CONFIGS.some((f) => calls(read(path.join(root, f)))) ? [] : ['all'];
    case 'pre-commit':
      return calls(read(path.join(root, '.pre-commit-config.yaml'))) ? [] : ['all'];
  }
}

/** The manager whose configuration in the work tree calls Countersign's hooks (a clone never set up for it). */
export function recipeManager(root: string): HookManager | undefined {
  return HOOK_MANAGERS.find((m) => managerMissing(root, m).length === 0);
}

const RECIPE = 'docs/hook-managers.md';

/** The text of hook file `file` when git would run it (a regular file, executable where that is asked), else undefined. */
function runnable(file: string): string | undefined {
  if (process.platform !== 'win32') {
    try {
      fs.accessSync(file, fs.constants.X_OK);
    } catch {
      return undefined;
    }
  }
  return read(file);
}

/**
 * Whether what git runs for hook `hook` (the file in `hooksDir`, where core.hooksPath points) leads to the manager
 * or to Countersign (newuser22 F-doctor-hm): the manager's configuration calling `countersign hook` does nothing
 * until its own install points git at it — husky's `prepare` (`npx husky`, run by `npm install`) sets core.hooksPath
 * to .husky/_, `lefthook install` and `pre-commit install` write .git/hooks — and a fresh clone, core.hooksPath
 * unset or set elsewhere, runs none of it.
 */
function gitRunsManager(root: string, hooksDir: string, manager: HookManager, hook: string): boolean {
  const text = runnable(path.join(hooksDir, hook));
  if (text === undefined) return false;
  const code = uncommented(text);
  if (callsHook(code, hook) || text.includes(SHIM_MARKER)) return true;
  switch (manager) {
    case 'husky':
      // husky 9's shim (`. "$(dirname "$0")/h"`) runs .husky/<hook>, the recipe's file, from .husky/_.
      return path.resolve(hooksDir) === path.join(path.resolve(root), '.husky', '_') && /\/h["']?\s*$/m.test(code);
    case 'lefthook':
      return /lefthook/i.test(code);
    case 'pre-commit':
      return /pre-commit|pre_commit/i.test(code);
  }
}

/**
 * The recipe's lines run the hook scripts `install --hook-manager` writes (managerHookLine.ts) and fall back to
 * `countersign hook NAME` without them: nothing stops, but every hook starts Node and needs `countersign` on PATH.
 * pre-commit's lines are in the hooks repository it caches, not here: its scripts are always expected.
 */
function scriptsMissing(
  root: string,
  commonDir: string,
  m: HookManager,
  hooksPath: string | null,
): HookTakeover | undefined {
  const called =
    m === 'pre-commit' ||
    (m === 'husky'
      ? HUSKY_REQUIRED.some((h) => callsScripts(uncommented(read(path.join(root, '.husky', h)))))
      : LEFTHOOK_CONFIGS.some((f) => callsScripts(read(path.join(root, f)) ?? '')));
  const dir = path.join(commonDir, ...SCRIPTS_DIR);
  const missing = HUSKY_REQUIRED.filter((h) => !(runnable(path.join(dir, h)) ?? '').includes(SHIM_MARKER));
  if (!called || missing.length === 0) return undefined;
  const fix = `run \`countersign install --hook-manager ${m}\``;
  return {
    kind: 'scripts',
    by: m,
    hooksPath,
    fix,
    message: `The hook scripts ${m}'s recipe runs are missing from ${dir} (${missing.join(', ')}): each hook falls back to \`countersign hook\`, starting Node every time. Fix: ${fix}.`,
  };
}

/** What sets git up to run each manager's hooks. */
const MANAGER_INSTALL: Record<HookManager, string> = {
  husky: "`npx husky` (husky's `prepare` script, which `npm install` runs)",
  lefthook: '`lefthook install`',
  'pre-commit': '`pre-commit install`',
};

export async function hookTakeover(cwd: string): Promise<HookTakeover | undefined> {
  const repo = await resolveRepo(cwd);
  if (repo.bare) return undefined;
  let manifest;
  try {
    manifest = readManifest(repo);
  } catch {
    return undefined; // a broken manifest is doctor's to report
  }
  if (!manifest) return undefined;
  const r = await runGit(['config', '--get', 'core.hooksPath'], { cwd, okCodes: [1] });
  const hooksPath = r.code === 0 ? r.stdout.trim() : null;
  const root = repo.root ?? cwd;
  const hooksDir = hooksPath
    ? path.resolve(root, hooksPath.replace(/^~(?=[/\\]|$)/, os.homedir()))
    : path.join(repo.commonDir, 'hooks');
  if (manifest.hookManager) {
    const m = manifest.hookManager;
    const missing = managerMissing(root, m);
    if (missing.length === 0) {
      const notRun = HUSKY_REQUIRED.filter((h) => !gitRunsManager(root, hooksDir, m, h));
      if (notRun.length === 0) return scriptsMissing(root, repo.commonDir, m, hooksPath);
      const where =
        hooksPath === null ? 'core.hooksPath is unset, so git runs .git/hooks' : `core.hooksPath is ${hooksPath}`;
      const fix = `run ${MANAGER_INSTALL[m]} in this clone`;
      return {
        kind: 'notRun',
        by: m,
        hooksPath,
        fix,
        message: `Countersign was set up for ${m} (install --hook-manager ${m}) and ${m}'s configuration calls \`countersign hook\`, but git does not run ${m} for ${notRun.join(', ')} (${where}), so commits get no AI-Provenance trailers${notRun.includes('pre-push') ? ' and pushes are not checked' : ''}. Fix: ${fix}.`,
      };
    }
    const all = missing[0] === 'all' || missing.length === HUSKY_REQUIRED.length;
    const which = all
      ? ''
      : ` for ${missing.join(', ')} (${missing.map((h) => `.husky/${h}`).join(', ')} lack${missing.length === 1 ? 's' : ''} the recipe's line)`;
    const lost = all
      ? 'commits get no AI-Provenance trailers and pushes are not checked'
      : missing.includes('pre-push') && missing.length === 1
        ? 'pushes are not checked'
        : 'commits may lose their AI-Provenance trailers and notes';
    return {
      kind: 'manager',
      by: m,
      hooksPath,
      message: `Countersign was set up for ${m} (install --hook-manager ${m}), but ${m}'s configuration does not call \`countersign hook\`${which}, so ${lost}. Add the recipe from ${RECIPE}, or run \`countersign install\` to let Countersign's own hooks run.`,
    };
  }
  const ours = path.join(countersignDir(repo), 'hooks');
  if (hooksPath !== null && path.resolve(root, hooksPath) === ours) {
    // Still pointed at, but a tool that writes into whatever core.hooksPath names may have replaced the shims.
    if ((read(path.join(ours, 'prepare-commit-msg')) ?? '').includes(SHIM_MARKER)) return undefined;
    const by = managerOf(repo.root ?? null, null, ours);
    return {
      kind: 'shims',
      ...(by ? { by } : {}),
      hooksPath,
      message: `Countersign's git hooks are switched off: its shims in ${hooksPath} were overwritten${by ? ` by ${by}` : ''}, so commits get no AI-Provenance trailers and pushes are not checked. Run \`countersign install --hook-manager ${by ?? 'husky|lefthook|pre-commit'}\` and call \`countersign hook NAME\` from its configuration (${RECIPE}), or run \`countersign install\` again.`,
    };
  }
  const by = managerOf(repo.root ?? null, hooksPath, hooksDir);
  const now = hooksPath === null ? 'unset (git runs .git/hooks)' : `now ${hooksPath}`;
  const again =
    by === 'husky' ? ' — but husky resets it on every `npm install`' : by ? ` — but ${by} may take it back` : '';
  return {
    kind: 'hooksPath',
    ...(by ? { by } : {}),
    hooksPath,
    message: `Countersign's git hooks are switched off: core.hooksPath is ${now}${by ? `, set by ${by}` : ''}, so commits get no AI-Provenance trailers and pushes are not checked. Run \`countersign install\` to chain it again${again}; to keep ${by ?? 'a hook manager'} in charge, call \`countersign hook NAME\` from its configuration and run \`countersign install --hook-manager ${by ?? 'husky|lefthook|pre-commit'}\` (${RECIPE}).`,
  };
}
