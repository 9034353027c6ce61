import { errorMessage } from '../core/errors';
import { recordCheckoutWrites } from '../git/checkoutWrites';
import { rewriteNotes } from '../git/noteRewrite';
import { mergeFetchedNotes } from '../git/notesSync';
import type { CliContext, Command, ExitCode } from './command';
import { hookLogger } from './hookLogger';

/**
 * The provenance side of `countersign hook` beside prepare-commit-msg (prepareCommitHook.ts) and pre-push:
 * post-rewrite (notes follow a rebase), post-checkout (the working ledger hears of a branch switch's writes)
 * and reference-transaction (fetched notes are merged). Not listed; it ships in dist/cli-ledger.js
 * (src/cli/ledgerCommands.ts) with the working ledger's code, which no push, pre-receive or `verify` runs.
 */
export const hookProvenanceCommand: Command = {
  name: 'hook post-rewrite|post-checkout|reference-transaction',
  summary: "Countersign's part of post-rewrite, post-checkout and reference-transaction",
  usage: "Usage: countersign hook post-rewrite|post-checkout|reference-transaction [git's hook arguments]\n",
  hidden: true,
  run(argv, ctx) {
    const [name, ...args] = argv;
    switch (name) {
      case 'post-rewrite':
        return runPostRewrite(args, ctx);
      case 'post-checkout':
        return runPostCheckout(args, ctx);
      case 'reference-transaction':
        return runReferenceTransaction(args, ctx);
      default:
        throw new Error(`hookProvenanceCommand: not a hook it runs: ${name ?? ''}`);
    }
  },
};

async function runPostRewrite(args: string[], ctx: CliContext): Promise<ExitCode> {
  const logger = hookLogger(ctx, 'post-rewrite');
  const r = await rewriteNotes(ctx.cwd, await ctx.readStdin(), logger);
  logger.debug(`${args[0] ?? 'rewrite'}: wrote ${r.written.length} note(s), ${r.unchanged.length} already right`);
  return 0;
}

/** post-checkout OLD NEW FLAG: a branch switch (FLAG 1) rewrote files that no one observed being written. */
async function runPostCheckout(args: string[], ctx: CliContext): Promise<ExitCode> {
  const [oldHead, newHead, flag] = args;
  if (flag !== '1' || !oldHead || !newHead) return 0;
  const logger = hookLogger(ctx, 'post-checkout');
  try {
    await recordCheckoutWrites(ctx.cwd, oldHead, newHead, logger);
  } catch (e) {
    logger.warn(`${errorMessage(e)} (the checkout itself is done)`);
  }
  return 0;
}

/** Called by the shim only for a committed transaction that updated refs/countersign/remotes/ (it read stdin). */
async function runReferenceTransaction(args: string[], ctx: CliContext): Promise<ExitCode> {
  if (args[0] !== 'committed') return 0;
  await mergeFetchedNotes(ctx.cwd, hookLogger(ctx, 'notes'));
  return 0;
}
