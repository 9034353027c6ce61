import type { ChangedFile } from '../core/gate';
import { decodePath } from '../core/commitObject';
import { parseRawEntry } from '../core/fileDeletion';
import { streamNulBuffers } from './nulStream';
import type { TipJudge } from './vouchedTip';

/**
 * What the reviewed side of each merge among a branch's unreviewed commits deleted (core/rangeBlast.ts
 * `reviewedSide`): a merge whose parent other than the first is a reviewed point brings in that point's approved
 * change (newuser25 N2: `git merge --no-ff` of an approved mass deletion, as the README says to land it; its
 * first-parent diff repeats the deletions two reviewers approved, and every later deleting push counted them
 * again). The side's changes are those of the approved span (TipJudge.spanBase..point), which the approvals
 * meeting the deletion tiers cover; rangeBlast leaves out of the merge only a change of a file made exactly so
 * there (the same objects before and after, as core/mergeView.ts matches a merge's change to its side's): not what
 * the merge drops of the first parent's own (a file main added or changed after the fork), nor what the side
 * branch did before its approved base. One `git diff-tree --stdin --raw` (tree comparisons: no file is read) for
 * all such merges; nothing when none; unreadable, none (every merge charged for its whole diff, as before).
 */
export async function reviewedSides(
  cwd: string,
  merges: ReadonlyArray<{ sha: string; parents: readonly string[] }>,
  points: ReadonlySet<string>,
  judge: TipJudge,
): Promise<Map<string, ChangedFile[]>> {
  const spans = new Map<string, { tip: string; base: string }>();
  for (const m of merges) {
    const side = m.parents.slice(1).find((p) => points.has(p));
    const base = side === undefined ? undefined : judge.spanBase(side);
    // A span from the empty tree deletes nothing; a side already asked for by another merge is diffed once.
    if (side !== undefined && typeof base === 'string' && m.parents.length === 2) spans.set(m.sha, { tip: side, base });
  }
  const out = new Map<string, ChangedFile[]>();
  if (spans.size === 0) return out;
  // `TIP BASE` a line: git diffs BASE to TIP (trees only: no file is read), printing TIP, then the raw entries.
  const bySide = new Map<string, ChangedFile[]>();
  let files: ChangedFile[] | undefined;
  let raw: { status: string; oids: { old: string; new: string } } | undefined;
  try {
    await streamNulBuffers(
      ['diff-tree', '--stdin', '-r', '--no-renames', '--raw', '-z'],
      cwd,
      (token) => {
        if (raw) {
          files?.push({ path: decodePath(token), added: undefined, deleted: undefined, ...raw });
          raw = undefined;
          return;
        }
        const text = token.toString('latin1').replace(/^\n/, '');
        const entry = parseRawEntry(text);
        if (entry) raw = { status: entry.status, oids: { old: entry.oldOid, new: entry.newOid } };
        else if (/^[0-9a-f]{40,64}$/.test(text)) bySide.set(text, (files = []));
      },
      [...new Set([...spans.values()].map((s) => `${s.tip} ${s.base}`))].join('\n') + '\n',
    );
  } catch {
    return out; // Not read: every merge is charged for its whole first-parent diff (fails closed).
  }
  for (const [merge, s] of spans) {
    const side = bySide.get(s.tip);
    if (side) out.set(merge, side);
  }
  return out;
}
