import * as fs from 'fs';
import * as path from 'path';
import { addRemovals, pruneSettled, type AgentRemovals, type RemovalContext } from '../core/ledger/agentRemovals';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { QueueEntry } from '../core/ledger/records';
import { writeFileAtomic } from './atomicFile';
import { runGit } from './gitRunner';
import { newEntryId } from './ledgerStore';

/**
 * A commit settles the agents' removals it carries (newuser24 F1): without it, the working ledger's record of an
 * agent's `git rm` outlived the commit that carried it, and the next commit removing that file again — the
 * author's `git merge --no-ff` of the approved branch, a human's own `git rm` after a checkout brought it back —
 * was stamped `Assisted-by` for the agent. The same for lines a revert or a reset brought back unseen.
 *
 * prepare-commit-msg knows what the commit carries (core/agents/agentDeletionsNote.ts carriedRemovals) but not
 * whether the commit will be made (an empty message aborts it, and the agent's deletion must then still mark the
 * commit that does carry it). So it leaves a ledger queue entry in the pending folder, with the path it goes to;
 * post-commit (post-merge for a merge) moves it into the ledger's queue — one `mv`, only for such a commit —
 * when HEAD is the commit it was computed for (same tree, same parent: src/git/shell/clientHook.sh attach_note),
 * and the next fold takes it out (core/ledger/agentRemovals.ts applySettlement). Otherwise it is dropped with the
 * other pending files, and the removals stand.
 *
 * A settlement holds only while its commit is in the history of the commit being made (attack31 F1): undone
 * (`git reset --soft HEAD~1`, VS Code's "Undo Last Commit", `git reset HEAD~1`), the commit is gone and the
 * removal it carried, still staged or in the work tree, is the agent's again. So the entry is completed by
 * post-commit with the commit it settles (the id is not known before: the entry is written up to
 * `"commit":"`, and the shell appends the id and `"}` with printf, no process), the fold keeps it with that
 * commit (core/ledger/agentRemovals.ts applySettlement), and prepare-commit-msg asks git, in one process and only
 * when settled records exist, which of their commits are in the new commit's parents' history (undoneSettlements).
 */
export const SETTLE_FILES = { entry: 'settle', to: 'settle-to' };

export function prepareSettlement(
  pending: string,
  ledgerDir: string | undefined,
  carried: AgentRemovals,
  from: string[] = [],
  now = Date.now(),
): void {
  const entryFile = path.join(pending, SETTLE_FILES.entry);
  const toFile = path.join(pending, SETTLE_FILES.to);
  const at = now;
  const id = newEntryId(at);
  // Forward slashes: Git for Windows' mv takes C:/…; a path the shell's `read` cannot take whole is not settled.
  const target = ledgerDir && path.join(ledgerDir, 'queue', `${id}.json`).split(path.sep).join('/');
  if (!target || /[\r\n]/.test(target) || Object.keys(carried).length === 0) {
    fs.rmSync(entryFile, { force: true });
    fs.rmSync(toFile, { force: true });
    return;
  }
  const entry: QueueEntry = { v: 1, id, at, kind: 'settle', removals: carried, ...(from.length ? { from } : {}) };
  // Durable: once moved, it is a queue entry like any other (ledgerStore.ts writeEntry). Open-ended: post-commit
  // appends the commit's id and `"}` (an entry cut short is set aside by the fold, and the removals stand).
  writeFileAtomic(entryFile, JSON.stringify(entry).replace(/}$/, ',"commit":"'));
  writeFileAtomic(toFile, target + '\n', 0o644, false);
}

/** What a commit hook counts as agents' removals: the standing ones and those of undone settlements (`from`). */
export interface RemovalsAtCommit {
  removals: AgentRemovals;
  from: string[];
}

const COMMIT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * The removals standing for a commit whose parents are `parents` (none: a root commit): the ledger's standing
 * removals, and those settled by a commit that is not in the parents' history (attack31 F1). No git process
 * unless a settled record exists; then one: `rev-list --boundary` from the parents down to the parents of the
 * oldest settling commit. A settling commit is in history when it is a parent, listed, or on the boundary (the
 * parent of a listed commit): exact, since every other settling commit was made after the oldest, so none is an
 * ancestor of its parents. The walk is bounded by the records' bound (SETTLED_LIMITS, 30 days) and the output by
 * 4 MB; a commit not seen (git failed, a missing oldest commit) counts as undone: the agent is named again.
 */
export async function removalsAtCommit(
  cwd: string,
  ctx: RemovalContext,
  parents: string[],
  logger?: Logger,
  now = Date.now(),
): Promise<RemovalsAtCommit> {
  const removals = structuredClone(ctx.removals ?? {});
  const settled = pruneSettled(ctx.settled ?? [], now).filter((r) => COMMIT_ID.test(r.commit));
  if (settled.length === 0) return { removals, from: [] };
  const commits = [...new Set(settled.map((r) => r.commit))];
  const oldest = settled.reduce((a, b) => (b.at < a.at ? b : a)).commit;
  const inHistory = new Set(parents);
  if (parents.length > 0) {
    const input = [...parents, `^${oldest}^@`].join('\n') + '\n';
    try {
      const args = ['rev-list', '--boundary', '--ignore-missing', '--stdin'];
      const r = await runGit(args, { cwd, input, maxStdoutBytes: 4 << 20 });
      for (const line of r.stdout.split('\n')) inHistory.add(line.replace(/^-/, ''));
    } catch (e) {
      logger?.warn(`[provenance] could not tell which commits settled agents' deletions: ${errorMessage(e)}`);
    }
  }
  const from = commits.filter((c) => !inHistory.has(c));
  for (const r of settled) if (!inHistory.has(r.commit)) addRemovals(removals, r.removals);
  return { removals, from };
}
