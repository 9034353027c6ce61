import type { GateCommit } from '../core/gate';
import { commitProvenance, untrackedCount, commitAdded } from '../core/untrackedReview';
import { runGit } from './gitRunner';

/** The most commits of one push whose written lines are counted; past it, the rest count as all unobserved. */
export const MAX_WRITTEN_COUNTS = 2_000;

/**
 * The lines each commit of a push writes, for review.untracked's share (attack30 F2): the gate counts a move as a
 * deletion plus an addition, and a moved or re-indented file's lines keep their writer's label (a move writes no
 * characters), so `git mv` of a 400-line human file diluted 300 unobserved lines to 43% and they landed unreviewed.
 * What the commit writes is git's own answer with renames found and white space ignored (`-M -w`): the share is taken
 * over that (core/untrackedReview.ts untrackedCount), which can only make it larger. Counted only for a commit that
 * can be diluted (a single-parent commit with untracked lines and labelled ones), in one batched `diff-tree`; past
 * MAX_WRITTEN_COUNTS a commit's written lines are its untracked ones (fails closed: all unobserved).
 */
export async function attachWrittenLines(cwd: string, commits: GateCommit[]): Promise<void> {
  const diluted = commits.filter((c) => {
    if (c.parents.length !== 1) return false;
    const n = untrackedCount(commitProvenance(c), commitAdded(c));
    return n !== undefined && n.untracked > 0 && n.total > n.untracked;
  });
  if (diluted.length === 0) return;
  const counted = diluted.slice(0, MAX_WRITTEN_COUNTS);
  for (const c of diluted.slice(MAX_WRITTEN_COUNTS)) c.written = 0;
  const r = await runGit(['-c', 'diff.renameLimit=1000', 'diff-tree', '--stdin', '-r', '-M', '-w', '--numstat', '-z'], {
    cwd,
    input: counted.map((c) => `${c.sha}\n`).join(''),
  });
  // With -z: each commit's id as a token of its own, then its records "ADDED\tDELETED\tPATH" (a rename or copy:
  // "ADDED\tDELETED\t", then FROM and TO as two tokens). A binary file's "-" adds nothing here: its lines stay in the
  // gate's own count, so leaving them out only makes the share larger.
  const written = new Map<string, number>();
  let current: string | undefined;
  const tokens = r.stdout.split('\0');
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const m = /^(\d+|-)\t(\d+|-)\t/.exec(t);
    if (!m) {
      if (/^[0-9a-f]{40,64}$/.test(t)) written.set((current = t), 0);
      continue;
    }
    if (t.length === m[0].length) i += 2;
    if (current !== undefined && m[1] !== '-') written.set(current, (written.get(current) as number) + Number(m[1]));
  }
  for (const c of counted) c.written = written.get(c.sha) ?? 0;
}
