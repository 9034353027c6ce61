import type { GateCommit } from '../core/gate';
import { sizedLines, unobservedEvidence } from '../core/untrackedReview';
import { objectSizes } from './binaryFiles';
import { runGit } from './gitRunner';

const NULL_OID = /^0+$/;

/** The most commits of one push whose written lines are counted; past it, the rest count as all unobserved. */
export const MAX_WRITTEN_COUNTS = 2_000;

/**
 * What review.untracked weighs beyond a commit's trailer and newlines, for the commits core/untrackedReview.ts
 * unobservedEvidence picks (something unobserved to weigh); a push of commits whose every line a hook saw written
 * starts no process. Two git processes at most per push, run together:
 * - sizes (attack30 F1: a 318 KB one-line module or a 64 KB binary counted as one line): each file's growth in bytes
 *   from one `cat-file --batch-check`, as at least one line per LINE_BYTES (sizedLines) → `sizedLines`;
 * - written lines (attack30 F2: `git mv` of a 400-line human file diluted 300 unobserved lines to 43%, since a move
 *   counts as lines added and moved lines keep their label): git's own count with renames found and white space
 *   ignored (`diff-tree -M -w --numstat`) → `written`, over which the share is taken (it can only grow).
 * Neither changes which commits the other reads: weighing adds the same lines to a commit's untracked and total.
 */
export async function attachUntrackedEvidence(cwd: string, commits: GateCommit[]): Promise<void> {
  const weighed: GateCommit[] = [];
  const diluted: GateCommit[] = [];
  for (const c of commits) {
    const e = unobservedEvidence(c);
    if (!e) continue;
    weighed.push(c);
    if (e.written) diluted.push(c);
  }
  if (weighed.length === 0) return;
  await Promise.all([attachSizes(cwd, weighed), attachWritten(cwd, diluted)]);
}

/**
 * `sizedLines` of each commit: the ids are those of the gate's raw diff, and the push's paths are bounded by
 * core/changedPaths.ts MAX_JUDGED_PATHS, so at most twice that many ids.
 */
async function attachSizes(cwd: string, commits: GateCommit[]): Promise<void> {
  const oids = new Set<string>();
  for (const c of commits)
    for (const f of c.files)
      if (f.oids && !NULL_OID.test(f.oids.new))
        for (const o of [f.oids.old, f.oids.new]) if (!NULL_OID.test(o)) oids.add(o);
  if (oids.size === 0) return;
  const sizes = await objectSizes(cwd, oids);
  // A gitlink names a commit, not bytes of the tree: its one line is the diff's.
  const size = (oid: string) => (sizes.get(oid)?.type === 'blob' ? (sizes.get(oid)?.size ?? 0) : 0);
  for (const c of commits) {
    let extra = 0;
    for (const f of c.files) {
      if (!f.oids || NULL_OID.test(f.oids.new)) continue;
      const added = f.added ?? 0;
      extra += sizedLines(added, size(f.oids.new) - (NULL_OID.test(f.oids.old) ? 0 : size(f.oids.old))) - added;
    }
    if (extra > 0) c.sizedLines = extra;
  }
}

/** `written` of each commit, in one batched `diff-tree`; past MAX_WRITTEN_COUNTS, its untracked lines (all unobserved). */
async function attachWritten(cwd: string, commits: GateCommit[]): Promise<void> {
  if (commits.length === 0) return;
  const counted = commits.slice(0, MAX_WRITTEN_COUNTS);
  for (const c of commits.slice(MAX_WRITTEN_COUNTS)) c.written = 0;
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
