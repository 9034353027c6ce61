import { spawn } from 'child_process';
import * as path from 'path';
import { hookScript } from '../git/hookScripts';
import { countersignDir, resolveRepo } from '../git/repository';
import { runningCliFile } from './cliFile';
import type { CliContext, Command, ExitCode } from './command';

/**
 * `countersign hook NAME ARGS` called by a hook manager (husky's `.husky/NAME`, a `lefthook.yml` command,
 * pre-commit's `.pre-commit-hooks.yaml`) instead of by Countersign's own shims: it runs the very script
 * the shims run — the same rebase shortcut, trailers, note attaching and pre-push messages — from this
 * CLI, chaining nothing (the manager runs its own hooks).
 */

export { MANAGED_HOOKS } from '../git/hookNames';

/** Hooks git feeds on stdin. */
const STDIN_HOOKS = new Set(['pre-push', 'post-rewrite', 'reference-transaction']);

const ZERO = '0000000000000000000000000000000000000000';

/**
 * pre-commit reads pre-push's stdin itself and hands each hook one pushed ref in environment variables;
 * rebuild git's line from them (the gate asks the remote where its branches stand, so the remote sha matters
 * only when the remote cannot be reached).
 */
export function preCommitPushLine(env: NodeJS.ProcessEnv): string | undefined {
  const local = env.PRE_COMMIT_LOCAL_BRANCH;
  const to = env.PRE_COMMIT_TO_REF;
  const remoteRef = env.PRE_COMMIT_REMOTE_BRANCH;
  if (!to || !remoteRef) return undefined;
  return `${local || 'HEAD'} ${to} ${remoteRef} ${ZERO}\n`;
}

/** pre-commit passes post-checkout no arguments: git's three come in its environment. */
export function preCommitCheckoutArgs(env: NodeJS.ProcessEnv): string[] | undefined {
  const type = env.PRE_COMMIT_CHECKOUT_TYPE;
  if (type === undefined) return undefined;
  return [env.PRE_COMMIT_FROM_REF ?? '', env.PRE_COMMIT_TO_REF ?? '', type];
}

/**
 * pre-commit passes post-merge no arguments: whether it was a squash merge (git's one argument, which commits
 * nothing, so there is no note to attach) comes in its environment.
 */
export function preCommitMergeArgs(env: NodeJS.ProcessEnv): string[] | undefined {
  const squash = env.PRE_COMMIT_IS_SQUASH_MERGE;
  return squash === undefined ? undefined : [squash];
}

export async function runForHookManager(name: string, args: string[], ctx: CliContext): Promise<ExitCode> {
  // Called from a hook our own shim is chaining: the shim runs Countersign's part right after.
  if (ctx.env.COUNTERSIGN_SHIM_RUNS === '1') return 0;
  const repo = await resolveRepo(ctx.cwd);
  let args2 = args;
  let input: string | undefined;
  if (name === 'pre-push') {
    const line = preCommitPushLine(ctx.env);
    if (line) {
      input = line;
      if (args2.length === 0 && ctx.env.PRE_COMMIT_REMOTE_NAME)
        args2 = [ctx.env.PRE_COMMIT_REMOTE_NAME, ctx.env.PRE_COMMIT_REMOTE_URL ?? ''];
    }
  }
  if (name === 'prepare-commit-msg' && args2.length === 1 && ctx.env.PRE_COMMIT_COMMIT_MSG_SOURCE) {
    // pre-commit passes only the message file; the source (message, template, merge…) comes in its environment.
    args2 = [
      args2[0],
      ctx.env.PRE_COMMIT_COMMIT_MSG_SOURCE,
      ...(ctx.env.PRE_COMMIT_COMMIT_OBJECT_NAME ? [ctx.env.PRE_COMMIT_COMMIT_OBJECT_NAME] : []),
    ];
  }
  if (name === 'post-checkout' && args2.length === 0) args2 = preCommitCheckoutArgs(ctx.env) ?? args2;
  if (name === 'post-merge' && args2.length === 0) args2 = preCommitMergeArgs(ctx.env) ?? args2;
  if (input === undefined && STDIN_HOOKS.has(name)) input = await ctx.readStdin();
  const script = hookScript({
    chainedDir: '',
    fallbackNode: process.execPath,
    fallbackIsElectron: false,
    timeoutSeconds: 60,
    // Not __filename: in the second bundle (dist/cli-lazy.js) that names it, not the CLI (cliFile.ts).
    cliPath: runningCliFile(),
  });
  const self = path.join(countersignDir(repo), 'hooks', name);
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', script, self, ...args2], {
      cwd: ctx.cwd,
      env: { ...ctx.env, COUNTERSIGN_IN_SHIM: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d: Buffer) => ctx.stdout(d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => ctx.stderr(d.toString('utf8')));
    child.stdin.on('error', () => {
      /* the script may not read stdin */
    });
    child.stdin.end(input ?? '');
    child.on('error', (e) => {
      ctx.stderr(`countersign hook ${name}: could not run sh (${e.message})\n`);
      resolve(2);
    });
    child.on('close', (code) => resolve(code === 0 ? 0 : code === 1 ? 1 : 2));
  });
}

/**
 * `countersign hook NAME ARGS` run by a hook manager, as a hidden command of the second bundle (lazyCommands.ts):
 * this path holds the shim's whole text (hookScripts.ts, 14 KB), which the shims' own calls never need, so
 * dist/cli.js stays within its size (issue 11).
 */
export const hookManagerCommand: Command = {
  name: 'hook (from a hook manager)',
  summary: "Countersign's part of a git hook, called by husky, lefthook or pre-commit",
  usage: 'Usage: countersign hook NAME [ARGS]\n',
  hidden: true,
  run: ([name, ...args], ctx) => runForHookManager(name ?? '', args, ctx),
};
