import * as fs from 'fs';
import * as path from 'path';
import type { LineLabel } from '../core/attribution/labels';
import { canonicalAgent } from '../core/agents/agentIdentity';
import { unreadWriters } from '../core/agents/agentDeletionsNote';
import { countLabels } from '../core/marking/aiShare';
import { splitLines } from '../core/attribution/lines';
import { runGit } from './gitRunner';
import type { Ledger } from './ledger';
import { labelsFollowingRename, renamesFrom } from './renames';
import { changedPaths } from './workingFiles';
import { readWorkingTexts } from './workingText';

/**
 * `countersign status`: the attribution of the working tree's uncommitted files, counting every line of
 * each working-tree file by label. Which files: those git reports as changed (modified, added, untracked),
 * plus files the ledger tracks whose working-tree content differs from HEAD without git listing them
 * (ignored files an agent wrote). A file the ledger never saw written counts all its lines untracked.
 */
export interface FileCounts {
  ai: number;
  human: number;
  untracked: number;
  agents: string[];
}

/** FileCounts plus why the untracked lines are untracked (`status`'s text; the JSON keeps DESIGN's fields). */
export interface FileCountsDetail extends FileCounts {
  /**
   * The file is deleted in the working tree (no lines; `agents`: those whose tool call deleted it, whom the next
   * commit's Assisted-by names: core/agents/agentDeletionsNote.ts).
   */
  deleted?: true;
  /** Untracked lines that changed while Countersign watched but saw no writer (labels.UNOBSERVED_REASON). */
  unobserved: number;
}

export async function uncommittedAttribution(ledger: Ledger): Promise<Record<string, FileCountsDetail>> {
  const root = ledger.root;
  const changed = await changedPaths(root);
  const candidates = new Set(changed.present);
  const others = (await ledger.allFiles()).filter((p) => !candidates.has(p));
  if (others.length > 0) {
    // Tracked by the ledger but not listed by git status: clean if git knows the file, else ignored.
    const known = new Set(
      (await runGit(['ls-files', '-z', '--', ...others], { cwd: root, env: { GIT_LITERAL_PATHSPECS: '1' } })).stdout
        .split('\0')
        .filter(Boolean),
    );
    for (const p of others) if (!known.has(p) && fs.existsSync(path.join(root, p))) candidates.add(p);
  }
  const paths = [...candidates].sort();
  const attributions = await ledger.fileAttributions(paths);
  // A file staged as renamed (git mv) finds its labels under the old name, as the commit does (renames.ts).
  let staged: Promise<Map<string, string>> | undefined;
  const renames = () => (staged ??= renamesFrom(root, 'HEAD', { index: true }).catch(() => new Map<string, string>()));
  const result: Record<string, FileCountsDetail> = {};
  const unlabelled: string[] = [];
  for (const p of paths) {
    const a = await labelsFollowingRename(
      async (file, storedAs) =>
        storedAs === undefined ? attributions.get(file) : ledger.fileAttribution(file, storedAs),
      p,
      renames,
    );
    if (a) result[p] = fileCounts(a.labels);
    else unlabelled.push(p);
  }
  // A file the ledger never saw written: all its lines untracked, counted as the commit will store them
  // (workingText.ts). Regular files only, bounded: an untracked symlink to /dev/zero must not hang status (issue
  // 16, class 7); a directory (submodule), a file gone since git status, one too large or undecodable is left out.
  // A binary file has lines too, its bytes split on newlines, as the commit counts them (core/textLines.ts).
  // In slices, so that many large untracked files are never all held at once.
  for (let i = 0; i < unlabelled.length; i += 64) {
    for (const [p, content] of await readWorkingTexts(root, unlabelled.slice(i, i + 64))) {
      if (content !== undefined)
        result[p] = fileCounts(new Array<LineLabel>(splitLines(content).length).fill({ kind: 'untracked' }));
    }
  }
  const removals = paths.length > 0 || changed.deleted.length > 0 ? await ledger.agentRemovals() : {};
  // An agent whose call changed a file over the snapshot bound wrote lines no one could read, so none counts as
  // its; the next commit's Assisted-by names it all the same (agentDeletionsNote.unreadWriters), and so does this.
  for (const [p, counts] of Object.entries(result)) {
    const unread = unreadWriters(removals, [p]).map((w) => w.agent);
    if (unread.length > 0) counts.agents = [...new Set([...counts.agents, ...unread])].sort();
  }
  // Deletions are changes too (newuser22 F-status-deletion: "No uncommitted changes." over an agent's deletion the
  // next commit stamps Assisted-by): listed with the agents whose tool call deleted the file.
  for (const p of changed.deleted) {
    const by = (removals[p] ?? []).filter((r) => r.file).map((r) => canonicalAgent(r.agent));
    result[p] = { ai: 0, human: 0, untracked: 0, agents: [...new Set(by)].sort(), unobserved: 0, deleted: true };
  }
  return Object.fromEntries(Object.entries(result).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A file's counts as `status` reports them: the status bar's one count (core/marking/aiShare), agents listed. */
export function fileCounts(labels: readonly LineLabel[]): FileCountsDetail {
  const c = countLabels(labels);
  return {
    ai: c.ai,
    human: c.human,
    untracked: c.untracked,
    agents: Object.keys(c.byAgent).sort(),
    unobserved: c.unobserved,
  };
}
