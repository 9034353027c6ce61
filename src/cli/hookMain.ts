import * as fs from 'fs';
import { errorMessage } from '../core/errors';
import { terminalSafe } from '../core/provenanceStrings';
import type { StagedPolicyCheck } from './prepareCommitHook';
import { seedPrelude } from '../git/hookPrelude';
import { runPrepareCommitMsg } from './prepareCommitHook';
import { processContext } from './processContext';
import type { CliContext, ExitCode } from './command';

/**
 * dist/hook.js, the commit hook's own entry: `node hook.js CLI prepare-commit-msg ARGS...`, run by the shims
 * (hookScripts.ts) on every commit. The full CLI (CLI, dist/cli.js or its copy in .git/countersign/bin) is
 * a 400 KB bundle with every command and the zod schemas; a commit needs a third of it, and Node's start-up
 * is the budget (issue 11). The CLI is loaded from here only when the commit stages the policy (to check it
 * with its schema) or for any other hook name.
 */
interface FullCli {
  runCli(argv: string[], ctx: CliContext): Promise<ExitCode>;
  stagedPolicyProblems: StagedPolicyCheck;
}

async function main(argv: string[]): Promise<ExitCode> {
  const [cliPath, name, ...args] = argv;
  const ctx = processContext();
  // A file named at run time, loaded only when needed: a require, not an import esbuild would bundle.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cli = () => require(cliPath) as FullCli;
  if (name !== 'prepare-commit-msg') return cli().runCli(['hook', name ?? '', ...args], ctx);
  // The shim that pipes the prelude also runs the last two git processes after Node (finish_prepare).
  const shimFinishes = ctx.env.COUNTERSIGN_PRELUDE === '1';
  if (shimFinishes) {
    // The shim's answers to this hook's git questions (src/git/hookPrelude.ts); git processes this hook starts
    // must not take the variable for their own hooks.
    delete ctx.env.COUNTERSIGN_PRELUDE;
    try {
      seedPrelude(ctx.cwd, fs.readFileSync(0));
    } catch (e) {
      if (ctx.env.COUNTERSIGN_TRACE === '1')
        ctx.stderr(`countersign (prepare-commit-msg): no prelude: ${errorMessage(e)}\n`);
    }
  }
  try {
    return await runPrepareCommitMsg(args, ctx, () => cli().stagedPolicyProblems, shimFinishes);
  } catch (err) {
    ctx.stderr(`countersign hook: ${errorMessage(err)}\n`);
    if (ctx.env.COUNTERSIGN_DEBUG && err instanceof Error && err.stack) ctx.stderr(err.stack + '\n');
    return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(terminalSafe(`countersign: ${errorMessage(err)}\n`));
    process.exitCode = 2;
  },
);
