import type { GateCommit } from '../core/gate';
import { mergeReadable } from '../core/mergeView';
import { anyUntracked, restoredLines, sizedLines, unobservedEvidence } from '../core/untrackedReview';
import { objectSizes } from './binaryFiles';
import { runGit } from './gitRunner';
import { MAX_DIFF_BLOB_BYTES } from '../core/textLines';
import { isNullObjectId } from '../core/nullObjectId';

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
 * `readAhead`: the review panel's answers for commits it read for every branch at once (branchReadAhead.ts).
 */
export async function attachUntrackedEvidence(
  cwd: string,
  commits: GateCommit[],
  readAhead?: (commits: readonly GateCommit[]) => Promise<Map<string, UntrackedEvidence>>,
): Promise<void> {
  // Whether labelled lines can dilute depends on the whole push: an answer read ahead without `written` where this
  // push wants it (the read-ahead's commits had no untracked line) is read again here.
  const dilutable = anyUntracked(commits);
  const known = (await readAhead?.(commits)) ?? new Map<string, UntrackedEvidence>();
  const wanted = new Map(commits.map((c) => [c.sha, unobservedEvidence(c, dilutable)]));
  const rest = commits.filter((c) => {
    const e = known.get(c.sha);
    return e === undefined || (e.written === undefined && wanted.get(c.sha)?.written === true);
  });
  if (rest.length > 0) for (const [sha, e] of await readUntrackedEvidence(cwd, rest, dilutable)) known.set(sha, e);
  // Only what this push weighs: the read-ahead may hold more (its commits had untracked lines), and the gate's
  // input must be verify's (reviewPanelAgreement.test.ts).
  const restored = restoredLines(commits);
  for (const c of commits) {
    const e = known.get(c.sha);
    const w = wanted.get(c.sha);
    if (w?.sizes && e?.sizedLines !== undefined) c.sizedLines = e.sizedLines;
    if (w?.written && e?.written !== undefined) c.written = Math.max(0, e.written - (restored.get(c.sha) ?? 0));
  }
}

/**
 * Everything the evidence of a commit is computed from (unobservedEvidence's selection, its files' blob ids and
 * added lines, its id for the written lines): equal inputs, equal evidence, so an answer read ahead for another copy
 * of the commit (branchReadAhead.ts) is used only where this is the same.
 */
export function evidenceInput(c: GateCommit): string {
  return JSON.stringify([
    c.sha,
    c.parents,
    c.message,
    c.headerProblem ?? null,
    c.mergeOwnAdded ?? null,
    c.sizedLines ?? null,
    c.files.map((f) => [f.path, f.added ?? null, f.oids?.old ?? null, f.oids?.new ?? null]),
  ]);
}

/** What untrackedEvidence adds to a commit; fixed by its id (its files' sizes, its diff against its parent). */
export interface UntrackedEvidence {
  sizedLines?: number;
  written?: number;
}

/**
 * The evidence of each of `commits` (an entry for every one, empty where there is nothing to weigh), for
 * attachUntrackedEvidence; the review panel's read-ahead asks it once for every branch's commits.
 */
export async function readUntrackedEvidence(
  cwd: string,
  commits: readonly GateCommit[],
  dilutable = anyUntracked(commits),
): Promise<Map<string, UntrackedEvidence>> {
  const out = new Map<string, UntrackedEvidence>(commits.map((c) => [c.sha, {}]));
  const weighed: GateCommit[] = [];
  const diluted: GateCommit[] = [];
  for (const c of commits) {
    const e = unobservedEvidence(c, dilutable);
    if (e?.sizes) weighed.push(c);
    if (e?.written) diluted.push(c);
  }
  if (weighed.length === 0 && diluted.length === 0) return out;
  const [sized, written] = await Promise.all([sizedLinesOf(cwd, weighed), writtenLinesOf(cwd, diluted)]);
  for (const [sha, n] of sized) (out.get(sha) as UntrackedEvidence).sizedLines = n;
  for (const [sha, n] of written) (out.get(sha) as UntrackedEvidence).written = n;
  return out;
}

/**
 * Each commit's extra lines for its size (where there are any): the ids are those of the gate's raw diff, and the
 * push's paths are bounded by core/changedPaths.ts MAX_JUDGED_PATHS, so at most twice that many ids. A merge's
 * file (its first-parent diff's) grows by its bytes over the largest of its parents' versions at that path (read as
 * `PARENT:PATH` in the same batch; attack31 F6): a file it takes from a parent grows by nothing, one found in no
 * parent by all it holds, as mergeOwnLines.ts counts a merge's own lines.
 */
async function sizedLinesOf(cwd: string, commits: readonly GateCommit[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const names = new Set<string>();
  const others = (c: GateCommit, path: string) =>
    c.parents.length > 1 && !path.includes('\n') ? c.parents.slice(1).map((p) => `${p}:${path}`) : [];
  for (const c of commits)
    for (const f of c.files)
      if (f.oids && !isNullObjectId(f.oids.new)) {
        for (const o of [f.oids.old, f.oids.new]) if (!isNullObjectId(o)) names.add(o);
        for (const n of others(c, f.path)) names.add(n);
      }
  if (names.size === 0) return out;
  const sizes = await blobSizes(cwd, [...names]);
  // A gitlink names a commit, not bytes of the tree: its one line is the diff's.
  const size = (name: string) => sizes.get(name)?.size ?? 0;
  for (const c of commits) {
    let extra = 0;
    for (const f of c.files) {
      if (!f.oids || isNullObjectId(f.oids.new)) continue;
      const mine = sizes.get(f.oids.new);
      const theirs = others(c, f.path).map((n) => sizes.get(n));
      if (!mine || theirs.some((t) => t?.oid === mine.oid)) continue;
      const before = Math.max(isNullObjectId(f.oids.old) ? 0 : size(f.oids.old), ...theirs.map((t) => t?.size ?? 0));
      const added = f.added ?? 0;
      extra += sizedLines(added, mine.size - before) - added;
    }
    if (extra > 0) out.set(c.sha, extra);
  }
  return out;
}

/** The blobs `names` (ids, or `REV:PATH`) name: their id and size (objectSizes; what is no blob has none). */
async function blobSizes(cwd: string, names: string[]): Promise<Map<string, { oid: string; size: number }>> {
  const out = new Map<string, { oid: string; size: number }>();
  for (const [name, o] of await objectSizes(cwd, names)) if (o.type === 'blob') out.set(name, o);
  return out;
}

/**
 * Each commit's written lines, in one batched `diff-tree` (with `-m`, a merge's against each parent: it writes at
 * most the fewest it adds over any one of them, since a line of its own is in none (attack31 F4); a merge git's
 * combined diff is not read for, core/mergeView.ts mergeReadable, writes 0); past MAX_WRITTEN_COUNTS, 0 (all
 * unobserved).
 * `commits`: ids and parents only, so the count since the last approval (unreviewedBefore.ts) reads it too.
 */
export async function writtenLinesOf(
  cwd: string,
  commits: readonly Pick<GateCommit, 'sha' | 'parents'>[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const counted = commits
    .slice(0, MAX_WRITTEN_COUNTS)
    .filter((c) => c.parents.length === 1 || mergeReadable(c.parents));
  for (const c of commits) out.set(c.sha, 0);
  if (counted.length === 0) return out;
  const r = await runGit(
    // core.bigFileThreshold: a file version over the gate's diff bound is binary to git here, never diffed (attack22
    // 01's diff bomb, which a merge's diff against its other parents met: git ran out of memory). Its "-" counts nothing,
    // which only makes the share larger.
    [
      '-c',
      'diff.renameLimit=1000',
      '-c',
      `core.bigFileThreshold=${MAX_DIFF_BLOB_BYTES}`,
      'diff-tree',
      '--stdin',
      '-m',
      '-r',
      '-M',
      '-w',
      '--numstat',
      '-z',
    ],
    {
      cwd,
      input: counted.map((c) => `${c.sha}\n`).join(''),
    },
  );
  // With -z: each commit's id as a token of its own (a merge's once per parent it differs from), then its records
  // "ADDED\tDELETED\tPATH" (a rename or copy: "ADDED\tDELETED\t", then FROM and TO as two tokens). A binary file's
  // "-" adds nothing here: its lines stay in the gate's own count, so leaving them out only makes the share larger.
  const sections = new Map<string, number[]>();
  let current: number[] | undefined;
  const tokens = r.stdout.split('\0');
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const m = /^(\d+|-)\t(\d+|-)\t/.exec(t);
    if (!m) {
      if (/^[0-9a-f]{40,64}$/.test(t)) {
        const list = sections.get(t) ?? [];
        sections.set(t, list);
        list.push(0);
        current = list;
      }
      continue;
    }
    if (t.length === m[0].length) i += 2;
    if (current !== undefined && m[1] !== '-') current[current.length - 1] += Number(m[1]);
  }
  // A parent the commit does not differ from prints nothing: against it, the commit writes nothing.
  for (const c of counted) {
    const list = sections.get(c.sha) ?? [];
    out.set(c.sha, list.length < c.parents.length ? 0 : Math.min(...list));
  }
  return out;
}
