import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import { POLICY_FILE } from '../core/policy';
import { prepareCommitMessage } from '../git/commitProvenance';
import { openLedger } from '../git/ledger';
import { rewriteNotes } from '../git/noteRewrite';
import { mergeFetchedNotes, pushNotes } from '../git/notesSync';
import type { Attribution } from '../git/provenanceCompute';
import { resolveRepo, type RepoPaths } from '../git/repository';
import { stagedPolicyProblems } from '../git/stagedPolicy';
import { EXIT_ERROR, type CliContext, type ExitCode } from './command';

/**
 * The provenance side of `countersign hook`: prepare-commit-msg (trailers and the pending note),
 * post-rewrite (notes follow rebase), reference-transaction (fetched notes are merged), and the notes push
 * that follows a successful pre-push.
 */
function hookLogger(ctx: CliContext, hook: string): Logger {
  const trace = ctx.env.COUNTERSIGN_TRACE === '1';
  const say = (m: string) => ctx.stderr(`countersign (${hook}): ${m.replace(/^\[[\w-]+\] /, '')}\n`);
  return {
    trace: (m) => { if (trace) say(m); },
    debug: (m) => { if (trace) say(m); },
    info: (m) => { if (trace) say(m); },
    warn: say,
    error: (m) => say(typeof m === 'string' ? m : m.message),
  };
}

export async function runPrepareCommitMsg(args: string[], ctx: CliContext): Promise<ExitCode> {
  const [messageFile, source, sha] = args;
  if (!messageFile) {
    ctx.stderr('countersign hook prepare-commit-msg: git passes the message file as the first argument\n');
    return EXIT_ERROR;
  }
  const logger = hookLogger(ctx, 'prepare-commit-msg');
  const pid = Number(ctx.env.COUNTERSIGN_GIT_PID);
  const repo = await resolveRepo(ctx.cwd);
  const labelsFor = await ledgerLabels(repo, logger);
  const prepared = await prepareCommitMessage(ctx.cwd, {
    messageFile, source, sha, env: ctx.env, logger, labelsFor, repo,
    ...(Number.isInteger(pid) && pid > 1 ? { gitPid: pid } : {}),
  });
  try {
    const problems = await stagedPolicyProblems(ctx.cwd, prepared.files);
    if (problems.length > 0) {
      logger.warn(`the staged ${POLICY_FILE} is not a valid policy; a server refuses it on the policy branch (\`countersign policy check\`):\n  ${problems.join('\n  ')}`);
    }
  } catch (e) {
    logger.debug(`could not check the staged policy: ${errorMessage(e)}`);
  }
  return 0;
}

/** The working ledger's labels, or nothing (all lines untracked) when it cannot be opened. */
async function ledgerLabels(repo: RepoPaths, logger: Logger): Promise<((p: string, storedAs?: string) => Promise<Attribution | undefined>) | undefined> {
  try {
    if (!repo.root) return undefined;
    const ledger = await openLedger(repo.root, { logger, repo });
    return (p, storedAs) => ledger.fileAttribution(p, storedAs);
  } catch (e) {
    logger.warn(`the working ledger could not be opened (${errorMessage(e)}); staged lines count as untracked`);
    return undefined;
  }
}

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
 * A failure is reported and never blocks the push: the trailers still attest the commits.
 */
export async function pushNotesAfterGate(remote: string, ctx: CliContext): Promise<void> {
  if (ctx.env.COUNTERSIGN_NOTES_SYNC === '1') return;
  const logger = hookLogger(ctx, 'pre-push');
  try {
    const timeoutMs = Number(ctx.env.COUNTERSIGN_NOTES_TIMEOUT_MS) || 20000;
    await pushNotes(ctx.cwd, remote, { timeoutMs, logger });
  } catch (e) {
    logger.warn(`${errorMessage(e)} (the push itself goes on)`);
  }
}
