import * as fs from 'fs';
import * as path from 'path';
import type { AgentRemovals } from '../core/ledger/agentRemovals';
import type { QueueEntry } from '../core/ledger/records';
import { writeFileAtomic } from './atomicFile';
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
 * and the next fold takes it out (core/ledger/agentRemovals.ts settleRemovals). Otherwise it is dropped with the
 * other pending files, and the removals stand.
 */
export const SETTLE_FILES = { entry: 'settle', to: 'settle-to' };

export function prepareSettlement(
  pending: string,
  ledgerDir: string | undefined,
  carried: AgentRemovals,
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
  const entry: QueueEntry = { v: 1, id, at, kind: 'settle', removals: carried };
  // Durable: once moved, it is a queue entry like any other (ledgerStore.ts writeEntry).
  writeFileAtomic(entryFile, JSON.stringify(entry));
  writeFileAtomic(toFile, target + '\n', 0o644, false);
}
