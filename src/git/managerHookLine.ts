/**
 * What a hook manager's configuration runs for Countersign's part of a git hook (newuser25 N4), in one place for
 * the recipes `install --hook-manager` prints and docs/hook-managers.md shows (cli/hookRecipes.ts) and for
 * `status`/`doctor`, which must recognise them (hookTakeover.ts). The line runs the hook script that
 * `install --hook-manager` writes (the same script as Countersign's own shims, chaining nothing): Node starts
 * at most once per commit, where `countersign hook NAME` starts it for every hook. When the script is missing
 * (a fresh clone before `countersign install --hook-manager` ran) it runs `countersign hook NAME`, slower but
 * the same work, so nothing silently stops.
 */

/**
 * `cs`, the common git dir, where the scripts live (worktrees share them): git runs hooks at the work tree's top,
 * so without GIT_DIR (which git sets in a linked worktree) a `.git` folder there is it, with no process; a linked
 * worktree or a submodule (`.git` a file) asks git, one process.
 */
const COMMON_DIR = 'cs=.git; [ -z "${GIT_DIR-}" ] && [ -d .git ] || cs=$(git rev-parse --git-common-dir)';

/** The folder under the common git dir that holds the scripts: the path hookInstaller.ts writes them to. */
export const SCRIPTS_DIR = ['countersign', 'hooks'] as const;

/** The shell line for `hook`, handing on `args` (husky: `"$@"`; lefthook: `{1} {2}`). */
export function managerHookLine(hook: string, args: string): string {
  const script = `"$cs/${SCRIPTS_DIR.join('/')}/${hook}"`;
  const pass = args ? ` ${args}` : '';
  return `${COMMON_DIR}; if [ -x ${script} ]; then ${script}${pass}; else countersign hook ${hook}${pass}; fi`;
}

/** Whether shell text (its comments removed) calls Countersign for `hook`: the script, or `countersign hook`. */
export function callsHook(code: string, hook: string): boolean {
  return new RegExp(`countersign(?:(?:\\.js)?["']?\\s+hook\\s+["']?|[/\\\\]hooks[/\\\\])${hook}\\b`).test(code);
}

/** Whether text runs the scripts (then they must be there: doctor and status say so when they are not). */
export function callsScripts(code: string): boolean {
  return /countersign[/\\]hooks[/\\]/.test(code);
}
