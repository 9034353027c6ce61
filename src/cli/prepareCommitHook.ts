import * as fs from 'fs';
import * as path from 'path';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import { POLICY_FILE } from '../core/policyFile';
import type { FileAdditions } from '../git/commitDiff';
import { prepareCommitMessage } from '../git/commitProvenance';
import { openLedger } from '../git/ledger';
import type { Ledger } from '../git/ledger';
import { resolveRepoAndHead, type RepoPaths } from '../git/repository';
import { EXIT_ERROR, type CliContext, type ExitCode } from './command';
import { hookLogger } from './hookLogger';

/**
 * prepare-commit-msg, the one Node start of every commit: trailers and the pending note. It runs from the
 * small commit-hook entry (dist/hook.js, no schema library) as well as from `countersign hook`, so it must
 * not import the policy schema: the caller hands in the staged-policy check, which the hook entry loads
 * only for the rare commit that stages `.countersign.json`.
 */
export type StagedPolicyCheck = (cwd: string, changed: FileAdditions[]) => Promise<string[]>;

export async function runPrepareCommitMsg(
  args: string[],
  ctx: CliContext,
  policyCheck: () => StagedPolicyCheck,
  shimFinishes = false,
): Promise<ExitCode> {
  const [messageFile, source, sha] = args;
  if (!messageFile) {
    ctx.stderr('countersign hook prepare-commit-msg: git passes the message file as the first argument\n');
    return EXIT_ERROR;
  }
  // By hand, a wrong path would otherwise surface as a raw ENOENT from deep in the commit hook (newuser14 S19).
  if (!fs.existsSync(path.resolve(ctx.cwd, messageFile))) {
    ctx.stderr(
      `countersign hook prepare-commit-msg: the message file ${messageFile} does not exist (git runs this hook with the file it is writing the commit message to)\n`,
    );
    return EXIT_ERROR;
  }
  const logger = hookLogger(ctx, 'prepare-commit-msg');
  const pid = Number(ctx.env.COUNTERSIGN_GIT_PID);
  const { repo, head } = await resolveRepoAndHead(ctx.cwd);
  const ledger = await openedLedger(repo, logger);
  const labelsFor = ledger && ((p: string, storedAs?: string) => ledger.fileAttribution(p, storedAs));
  const prepared = await prepareCommitMessage(ctx.cwd, {
    messageFile,
    source,
    sha,
    env: ctx.env,
    logger,
    labelsFor,
    ...(ledger ? { removalContext: () => ledger.removalContext(), ledgerDir: ledger.dir } : {}),
    repo,
    head,
    shimFinishes,
    ...(Number.isInteger(pid) && pid > 1 ? { gitPid: pid } : {}),
  });
  // A lost ledger file is said (never blocking the commit): in full once, then as a short reminder on each commit
  // until the user has looked, since its lines count as untracked in this commit's trailer and note.
  for (const m of (await ledger?.lostLabels()) ?? []) logger.warn(m);
  if (!prepared.files.some((f) => f.path === POLICY_FILE)) return 0;
  try {
    const problems = await policyCheck()(ctx.cwd, prepared.files);
    if (problems.length > 0) {
      logger.warn(
        `the staged ${POLICY_FILE} is not a valid policy; a server refuses it on the policy branch (\`countersign policy check\`):\n  ${problems.join('\n  ')}`,
      );
    }
  } catch (e) {
    logger.debug(`could not check the staged policy: ${errorMessage(e)}`);
  }
  return 0;
}

/** The working ledger, or nothing (all lines untracked) when it cannot be opened. */
async function openedLedger(repo: RepoPaths, logger: Logger): Promise<Ledger | undefined> {
  try {
    if (!repo.root) return undefined;
    return await openLedger(repo.root, { logger, repo });
  } catch (e) {
    logger.warn(`the working ledger could not be opened (${errorMessage(e)}); staged lines count as untracked`);
    return undefined;
  }
}
