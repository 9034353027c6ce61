import type { ChangedFile, GateCommit } from '../core/gate';
import { decodePath } from '../core/commitObject';
import { runGit } from './gitRunner';

/**
 * Files changed from `from` to `to` as the gate's tiers read deletions: each path with the lines it loses
 * (`deleted`; none counted as added) and `D` when the file is gone. The same reader options as every diff
 * the gate judges (--no-renames, no external diff or textconv), so a rename is a deletion plus an addition.
 */
export async function lossBetween(cwd: string, from: string, to: string): Promise<ChangedFile[]> {
  const diffArgs = ['diff-tree', '-r', '-z', '--no-renames', '--no-ext-diff', '--no-textconv', from, to];
  const [numstat, deleted] = await Promise.all([
    runGit([...diffArgs.slice(0, 2), '--numstat', ...diffArgs.slice(2)], { cwd, bytes: true }),
    runGit([...diffArgs.slice(0, 2), '--name-only', '--diff-filter=D', ...diffArgs.slice(2)], { cwd, bytes: true }),
  ]);
  // Paths decoded as the commit reader decodes them, so a path that is not valid UTF-8 is the same path in
  // both (a lossy decode made five such deleted files look untouched by their commit: charged twice).
  const path = (latin1: string) => decodePath(Buffer.from(latin1, 'latin1'));
  const gone = new Set(deleted.stdout.split('\0').filter(Boolean).map(path));
  const files: ChangedFile[] = [];
  // `--numstat -z` without renames: "ADDED\tDELETED\tPATH\0" per file ("-" for binary counts).
  for (const rec of numstat.stdout.split('\0')) {
    const m = /^(\d+|-)\t(\d+|-)\t([\s\S]+)$/.exec(rec);
    if (!m) continue;
    const p = path(m[3]);
    files.push({ path: p, added: 0, deleted: m[2] === '-' ? undefined : Number(m[2]), status: gone.has(p) ? 'D' : 'M' });
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
