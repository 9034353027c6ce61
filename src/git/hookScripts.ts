import { EMPTY_MESSAGE_AWK } from '../core/emptyCommitMessage';
import clientHookTemplate from './shell/clientHook.sh';
import { preludeTemplateValues } from './hookPrelude';
import { fillShellTemplate, inlineShellParts } from './shellTemplate';
import unobservedCommitPart from './shell/parts/unobservedCommit.sh';
import { unobservedTemplateValues } from './unobservedCommit';
/**
 * The POSIX shell written into `.git/countersign/hooks/` (src/git/shell/clientHook.sh). One script serves every hook name (it reads its
 * own name from $0): it runs the hook the repository had before (chained), then Countersign's part.
 * Node starts at most once per commit: prepare-commit-msg runs the commit-hook entry (dist/hook.js, copied
 * beside the CLI); commit-msg and post-commit are
 * plain shell working from what prepare-commit-msg left in `.git/countersign/pending/`.
 */

export interface ShimConfig {
  /** The hooks folder that was active before install (absolute, or relative to the work tree as git reads it). */
  chainedDir: string;
  /** Absolute path of a Node binary seen at install time, used when `node` is not on PATH (GUI-launched editors). */
  fallbackNode: string | undefined;
  /** Set when fallbackNode is an Electron binary (VS Code's own), which needs ELECTRON_RUN_AS_NODE=1. */
  fallbackIsElectron: boolean;
  timeoutSeconds: number;
  /**
   * The CLI to run instead of the stable copy in .git/countersign/bin: set when a hook manager calls
   * `countersign hook NAME` and this script runs from that CLI (nothing is chained then).
   */
  cliPath?: string;
}

export function hookScript(cfg: ShimConfig): string {
  return fillShellTemplate(inlineShellParts(clientHookTemplate, { 'unobservedCommit.sh': unobservedCommitPart }), {
    CHAINED_DIR: cfg.chainedDir,
    FALLBACK_NODE: cfg.fallbackNode ?? '',
    FALLBACK_IS_ELECTRON: cfg.fallbackIsElectron ? '1' : '',
    TIMEOUT_SECONDS: String(cfg.timeoutSeconds),
    CLI: cfg.cliPath ?? '',
    EMPTY_MESSAGE_AWK,
    ...preludeTemplateValues(),
    ...unobservedTemplateValues(),
  });
}
