import { errorMessage } from '../core/errors';
import { rewriteNotes } from '../git/noteRewrite';
import { mergeFetchedNotes, pushNotes } from '../git/notesSync';
import type { PushedRef } from '../git/prePush';
import type { CliContext, ExitCode } from './command';
import { hookLogger } from './prepareCommitHook';

/**
 * The provenance side of `countersign hook` beside prepare-commit-msg (prepareCommitHook.ts): post-rewrite
 * (notes follow rebase), reference-transaction (fetched notes are merged), and the notes push that follows
 * a successful pre-push.
 */
export async function runPostRewrite(args: string[], ctx: CliContext): Promise<ExitCode> {
  const logger = hookLogger(ctx, 'post-rewrite');
  const r = await rewriteNotes(ctx.cwd, await ctx.readStdin(), logger);
  logger.debug(`${args[0] ?? 'rewrite'}: wrote ${r.written.length} note(s), ${r.unchanged.length} already right`);
  return 0;
}

/** Called by the shim only for a committed transaction that updated refs/countersign/remotes/ (it read stdin). */
export async function runReferenceTransaction(args: string[], ctx: CliContext): Promise<ExitCode> {
  if (args[0] !== 'committed') return 0;
  await mergeFetchedNotes(ctx.cwd, hookLogger(ctx, 'notes'));
  return 0;
}

/**
 * After pre-push let a push through: push refs/notes/ai and refs/notes/countersign to the same remote
 * (fetching and merging first when the remote moved on), so notes travel however the push names its refs.
 * A notes ref the push itself updates is left to git: pushing it here first would move it on the remote under
 * git's feet, and git's own update of it would then fail ("cannot lock ref", exit 1) although the notes arrived.
 * A failure is reported and never blocks the push: the trailers still attest the commits.
 */
export async function pushNotesAfterGate(remote: string, ctx: CliContext, pushed: PushedRef[] = []): Promise<void> {
  if (ctx.env.COUNTERSIGN_NOTES_SYNC === '1') return;
  const logger = hookLogger(ctx, 'pre-push');
  try {
    const timeoutMs = Number(ctx.env.COUNTERSIGN_NOTES_TIMEOUT_MS) || 20000;
    const skip = pushed.map((p) => p.remoteRef);
    await pushNotes(ctx.cwd, remote, { timeoutMs, logger, skip });
  } catch (e) {
    logger.warn(`${errorMessage(e)} (the push itself goes on)`);
  }
}
