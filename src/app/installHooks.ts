import { gitConfig } from '../git/gitRunner';
import { install, type InstallResult } from '../git/hookInstaller';
import type { HookManager } from '../git/hookManifest';
import { huskyShimTarget, writeHuskyShim } from '../git/huskyShim';
import { defaultInstallConfig } from '../git/notesConfig';
import { listRemotes } from '../git/remotes';
import { resolveRepo } from '../git/repository';

/**
 * `countersign install` in a working repository and the editor's "Install Hooks": the hooks, the CLI copy they
 * run, and the notes configuration — `notes.rewriteRef`/`rewriteMode` and, for every remote, the fetch
 * refspecs that bring its notes in (docs/design.md, "What a commit carries"). With a hook manager, no shims:
 * the manager calls `countersign hook NAME` (and husky gets the reference-transaction shim it does not make).
 */
export interface InstallHooksRequest {
  /** The CLI bundle to copy into `.git/countersign/bin`. */
  cliSource: string;
  /** A Node (or Electron) binary for hooks to use when `node` is not on PATH. */
  nodeBinary: string;
  nodeIsElectron?: boolean;
  hookManager?: HookManager;
}

export interface InstallHooksResult extends InstallResult {
  /** The repository's remotes, each given the notes fetch refspecs. */
  remotes: string[];
  /** The reference-transaction shim added to husky's folder (`hookManager: 'husky'` only). */
  huskyShim?: string;
}

export async function installHooks(cwd: string, req: InstallHooksRequest): Promise<InstallHooksResult> {
  const repo = await resolveRepo(cwd); // outside a repository, its error comes before anything else is asked
  // Refused before anything is written: a shim that cannot be written safely stops the whole install.
  const huskyShim =
    req.hookManager === 'husky' && repo.root
      ? huskyShimTarget(repo.root, await gitConfig(repo.root, 'core.hooksPath'))
      : undefined;
  const remotes = await listRemotes(cwd);
  const r = await install(cwd, {
    cliSource: req.cliSource,
    nodeBinary: req.nodeBinary,
    ...(req.nodeIsElectron ? { nodeIsElectron: true } : {}),
    config: defaultInstallConfig(remotes),
    ...(req.hookManager ? { hookManager: req.hookManager } : {}),
  });
  if (huskyShim && repo.root) writeHuskyShim(repo.root, huskyShim);
  return { ...r, remotes, ...(huskyShim ? { huskyShim } : {}) };
}
