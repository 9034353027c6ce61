import type { ChangedFile, GateCommit } from '../core/gate';
import { runGit } from './gitRunner';

/**
 * Files changed from `from` to `to` as the gate's tiers read deletions: each path with the lines it loses
 * (`deleted`; none counted as added) and `D` when the file is gone. The same reader options as every diff
 * the gate judges (--no-renames, no external diff or textconv), so a rename is a deletion plus an addition.
 */
export async function lossBetween(cwd: string, from: string, to: string): Promise<ChangedFile[]> {
  const diffArgs = ['diff-tree', '-r', '-z', '--no-renames', '--no-ext-diff', '--no-textconv', from, to];
  const [numstat, deleted] = await Promise.all([
    runGit([...diffArgs.slice(0, 2), '--numstat', ...diffArgs.slice(2)], { cwd }),
    runGit([...diffArgs.slice(0, 2), '--name-only', '--diff-filter=D', ...diffArgs.slice(2)], { cwd }),
  ]);
  const gone = new Set(deleted.stdout.split('\0').filter(Boolean));
  const files: ChangedFile[] = [];
  // `--numstat -z` without renames: "ADDED\tDELETED\tPATH\0" per file ("-" for binary counts).
  for (const rec of numstat.stdout.split('\0')) {
    const m = /^(\d+|-)\t(\d+|-)\t([\s\S]+)$/.exec(rec);
    if (!m) continue;
    files.push({ path: m[3], added: 0, deleted: m[2] === '-' ? undefined : Number(m[2]), status: gone.has(m[3]) ? 'D' : 'M' });
  }
  return files;
}

/**
 * What the update `from` → `head` changes that none of its commits' own (first-parent) diffs shows. A merge
 * made with `-s ours` on an old ancestor takes that ancestor's tree: each commit's diff is harmless, yet the
 * branch loses files (outside tester, session 4). Those paths are charged to the head commit, as a rewind's
 * dropped files are, so tiers and review.paths judge them; a plain fast-forward or an ordinary merge changes
 * no path its commits do not, so nothing is charged twice.
 */
export async function unexplainedNetChange(cwd: string, from: string, head: string, commits: readonly GateCommit[]): Promise<ChangedFile[]> {
  const touched = new Set<string>();
  for (const c of commits) for (const f of c.files) touched.add(f.path);
  return (await lossBetween(cwd, from, head)).filter((f) => !touched.has(f.path));
}
