import type { GateCommit } from './gate';
import { POLICY_FILE } from './policyFile';
import { shortSha } from './shortSha';
import { readMessageProvenance, type ProvenanceCounts } from './trailers';
import { isNullObjectId } from './nullObjectId';

/**
 * `review.untracked`: lines Countersign did not see being written are not presumed human. The agent that
 * caused the outage this product exists for ran with an engineer's permissions and may have had no hooks
 * (or removed them itself); its lines reach the commit as `untracked`. A commit whose untracked added lines
 * reach both thresholds needs review like an AI-attributed one.
 *
 * Both thresholds, so that ordinary small edits made in another editor (a 5-line fix in vim) pass, while a
 * commit that is mostly unobserved code (300 of 300 lines) does not.
 */
export interface UntrackedThreshold {
  /** At least this many untracked added lines… */
  lines: number;
  /** …and at least this share (0 to 1) of the commit's added lines. */
  share: number;
}

/** What `policy init` writes and what an omitted `review.untracked` means. Why these numbers: docs/choices.md, "Untracked lines are not a free pass". */
export const DEFAULT_UNTRACKED_THRESHOLD: UntrackedThreshold = Object.freeze({
  lines: 20,
  share: 0.5,
}) as UntrackedThreshold;

/**
 * Bytes a counted line may hold (attack30 F1): the rule counts newlines, so unobserved code of any size landed as one
 * long line (a 318 KB one-line module: untracked=1) or a binary with no newline byte. A file's added bytes count as at
 * least one line per LINE_BYTES (sizedLines); 1,000 so that a person's long documentation paragraph or a generated
 * lockfile line does not weigh more than its line (docs/choices.md, "Long lines weigh their size").
 */
export const LINE_BYTES = 1_000;

/**
 * The lines the rule counts for a file whose diff adds `added` lines and grows it by `bytes` (its new version's size
 * less its old one's: src/git/untrackedEvidence.ts): at least one per LINE_BYTES. The same as counting each added line of
 * over LINE_BYTES as ceil(length / LINE_BYTES) lines for a file that is one line, a lower bound otherwise. Lone CRs are
 * not line breaks here (git, the engine and the trailer split on LF): CR-separated code weighs its bytes like a long line.
 */
export function sizedLines(added: number, bytes: number): number {
  return Math.max(added, Math.ceil(Math.max(0, bytes) / LINE_BYTES));
}

/** A commit's lines as the rule counts them: untracked (with lines its diff adds beyond its trailer) of total. */
export interface UntrackedCount {
  untracked: number;
  total: number;
  /** Added by the commit's diff but missing from its AI-Provenance trailer: counted as untracked. */
  unaccounted: number;
  /** The total before what the commit writes capped it (`written`): larger when moves or re-indents diluted it. */
  added: number;
}

/**
 * `provenance`: the commit's AI-Provenance trailer, whose counts should add up to the commit's added lines. `added`,
 * when given, is the added-line total of the commit's own diff as the gate counts it (every file as text): lines
 * beyond the trailer's total are lines nobody accounted for, so they count as untracked. A hook that missed them (an
 * outside tester's bypass, session 5: files git diffs as binary were stamped ai=0 human=0 untracked=0) or a
 * hand-edited trailer cannot make them vanish. Undefined without a trailer (the unattested rule's commit).
 */
export function untrackedCount(
  provenance: ProvenanceCounts | undefined,
  added?: number,
  written?: number,
): UntrackedCount | undefined {
  if (provenance === undefined) return undefined;
  const stated = provenance.ai + provenance.human + provenance.untracked;
  const unaccounted = added !== undefined && added > stated ? added - stated : 0;
  const untracked = provenance.untracked + unaccounted;
  // `written`: what the commit writes (renames found, white space ignored). Moved or re-indented lines keep their
  // label but write nothing, so they do not dilute the share (attack30 F2); only ever a smaller total.
  const total =
    written === undefined ? stated + unaccounted : Math.max(untracked, Math.min(stated + unaccounted, written));
  return { untracked, total, unaccounted, added: stated + unaccounted };
}

/**
 * The lines the rule counts added up, so that unobserved code committed in steps is judged as the whole it is
 * (attack29 F7: 190 lines as 10 commits of 19 each passed, one commit at a time). Over a push (`commits`: those with
 * a trailer) and, where the gate read them (src/git/unreviewedBefore.ts), with the unreviewed commits on the branch
 * before it: those since its last approved commit, as the deletion tiers count what it lost (core/reviewNeed.ts).
 */
export interface UntrackedTally {
  untracked: number;
  total: number;
  commits: number;
  since?: UntrackedSince;
}

/** The trailers' lines of the commits a protected branch holds since its last approved commit (`point`). */
export interface UntrackedSince {
  branch: string;
  point?: string;
  untracked: number;
  total: number;
  count: number;
  /** No approved commit within the window the gate reads, or more to read than it reads per push: fails closed. */
  unknown?: true;
  /** The commit that brought the policy into force (src/git/unreviewedBefore.ts): the window starts after it too. */
  adopted?: string;
}

/** Whether `untracked` of `total` added lines reach both thresholds. */
export function meetsUntracked(threshold: UntrackedThreshold, untracked: number, total: number): boolean {
  return untracked > 0 && total > 0 && untracked >= threshold.lines && untracked / total >= threshold.share;
}

const UNOBSERVED = 'written by something Countersign did not observe (untracked)';
const MOVED =
  ' (counting the lines it writes: lines it moves, re-indents or restores keep their label but write nothing)';
/** The rule and where it is set, as AI and tier reasons name theirs (newuser24 F5). */
const held = (t: UntrackedThreshold) =>
  `review.untracked in ${POLICY_FILE} holds a commit with at least ${t.lines} untracked added line(s) making up at least ${Math.round(t.share * 100)}% of its added lines`;

/**
 * Why the commit needs review for its untracked lines, or undefined when it does not: its own lines
 * (untrackedCount) reach both thresholds, or it has untracked lines and those of `range` (the push, and the
 * unreviewed commits before it) reach them together. One approval of the push's tip covers every commit of it.
 * `false` turns the rule off.
 */
export function untrackedReviewReason(
  threshold: UntrackedThreshold | false,
  provenance: ProvenanceCounts | undefined,
  added?: number,
  range?: UntrackedTally,
  written?: number,
  sized = 0,
): string | undefined {
  if (threshold === false) return undefined;
  const own = untrackedCount(provenance, added, written);
  if (own === undefined || own.untracked === 0) return undefined;
  if (meetsUntracked(threshold, own.untracked, own.total)) {
    // What the rule added beyond the trailer, in two kinds (newuser25 N5: "missing from its trailer" read as tampering
    // for an honest commit of a 300 KB image): lines the diff adds that the trailer leaves out, and lines for size.
    const forSize = Math.min(own.unaccounted, sized);
    const missing = own.unaccounted - forSize;
    const clauses = [
      missing > 0 ? `${missing} of them added by the commit's diff but missing from its AI-Provenance trailer` : '',
      forSize > 0
        ? `${forSize} of them for size: review.untracked weighs a file's added bytes as at least one line per ${LINE_BYTES.toLocaleString('en-US')}, so a long line or a binary file is not one line`
        : '',
    ].filter((t) => t !== '');
    const beyond = clauses.length > 0 ? ` (${clauses.join('; ')})` : '';
    const moved = own.total < own.added ? MOVED : '';
    return `${own.untracked} of ${own.total} added lines were ${UNOBSERVED}${beyond}${moved}: ${held(threshold)}`;
  }
  if (!range) return undefined;
  const rule = `review.untracked in ${POLICY_FILE} (${threshold.lines} lines and ${Math.round(threshold.share * 100)}%) counts them however the commits are split`;
  if (range.commits > 1 && meetsUntracked(threshold, range.untracked, range.total))
    return `${range.untracked} of ${range.total} added lines of this push (${range.commits} commits) were ${UNOBSERVED}: ${rule} — fix: have the push reviewed (a reviewer approves its tip)`;
  const s = range.since;
  if (!s) return undefined;
  if (s.unknown)
    return `this commit adds untracked lines, and the gate cannot count those of the unreviewed commits on ${s.branch} before this push (no approved commit among the commits it reads on each push), so ${rule} cannot be shown unmet — fix: have the push reviewed (a reviewer approves its tip), which restarts the count`;
  const untracked = range.untracked + s.untracked;
  const total = range.total + s.total;
  if (!meetsUntracked(threshold, untracked, total)) return undefined;
  const since = s.point
    ? `since ${shortSha(s.point)}, its last approved commit`
    : s.adopted
      ? `since ${shortSha(s.adopted)}, the commit that brought the policy into force (none is approved yet)`
      : '(none is approved yet)';
  return `${untracked} of ${total} added lines of this push and the ${s.count} unreviewed commit(s) on ${s.branch} ${since} were ${UNOBSERVED}: ${rule}, across pushes too — fix: have the push reviewed (a reviewer approves its tip${s.point ? ` from ${shortSha(s.point)}` : ''}), which restarts the count`;
}

/** What the tally reads of a commit: its message (for the trailer), its diff's added lines, a merge's own. */
export type TalliedCommit = Pick<
  GateCommit,
  'message' | 'parents' | 'files' | 'mergeOwnAdded' | 'headerProblem' | 'written' | 'sizedLines'
>;

/** The push's untracked lines added up (untrackedCount of each commit with a readable trailer), with `since`. */
export function untrackedTally(commits: readonly TalliedCommit[], since?: UntrackedSince): UntrackedTally {
  const tally: UntrackedTally = { untracked: 0, total: 0, commits: 0, ...(since ? { since } : {}) };
  // Commits without untracked lines count toward the share too: their lines are in the push as well.
  for (const c of commits) {
    const n = untrackedCount(commitProvenance(c), commitAdded(c), c.written);
    if (!n) continue;
    tally.untracked += n.untracked;
    tally.total += n.total;
    if (n.untracked > 0) tally.commits++;
  }
  return tally;
}

/**
 * The added lines the rule holds against a commit's trailer: its diff's, with the lines its files' sizes add
 * (sizedLines); a merge's own lines (mergeOwnLines.ts), not its diff, with what its own files' sizes add.
 */
export function commitAdded(
  c: Pick<GateCommit, 'parents' | 'files' | 'mergeOwnAdded' | 'sizedLines'>,
): number | undefined {
  if (c.parents.length > 1) return c.mergeOwnAdded === undefined ? undefined : c.mergeOwnAdded + (c.sizedLines ?? 0);
  return c.files.reduce((n, f) => n + (f.added ?? 0), 0) + (c.sizedLines ?? 0);
}

type Weighed = Pick<GateCommit, 'message' | 'headerProblem' | 'parents' | 'files' | 'mergeOwnAdded' | 'sizedLines'>;

/** Whether any of `commits` (a push) has untracked lines: only then can labelled lines dilute anything. */
export function anyUntracked(commits: readonly Weighed[]): boolean {
  return commits.some((c) => (untrackedCount(commitProvenance(c), commitAdded(c))?.untracked ?? 0) > 0);
}

/**
 * What the gate weighs of a commit (src/git/untrackedEvidence.ts), or undefined when nothing: `sizes`, its files'
 * growth in bytes (sizedLines), where it has unobserved lines (its trailer counts untracked lines or its diff adds
 * lines the trailer leaves out), a merge's own files too (attack31 F6: a 295 KB one-line module a merge added
 * counted as one line); `written`, what it writes, where its labelled lines (ai + human, which no weighing changes)
 * could dilute a share: when `dilutable` (its push has untracked lines anywhere: anyUntracked), for every commit
 * with a parent, since the push's share counts every commit's lines (attack31 F3: a separate `git mv` commit,
 * human=400, diluted 16 commits of 19 unobserved lines), a merge too (F4: a move inside one, `human=400
 * untracked=300`, was counted as stated). A root writes all it adds.
 */
export function unobservedEvidence(c: Weighed, dilutable: boolean): { sizes: boolean; written: boolean } | undefined {
  const n = untrackedCount(commitProvenance(c), commitAdded(c));
  if (n === undefined) return undefined;
  const sizes = n.untracked > 0;
  const written = dilutable && c.parents.length >= 1 && n.added > n.untracked;
  return sizes || written ? { sizes, written } : undefined;
}

/**
 * The lines each commit of a push (oldest first) restores: those of its files whose new version is one an earlier
 * commit of the push replaced or deleted. They keep their first writer's label (a revert's lines, provenanceCompute's
 * line origins) and git counts them written, but the push only brings back what it took away (attack31 F5: `git rm`
 * of a person's 400-line file, then `revert --no-commit` of that + 300 unobserved lines, stamped `human=400
 * untracked=300`, landed), so what a commit writes excludes them (src/git/untrackedEvidence.ts). By version id, so
 * a restored file counts wherever it is put back; a version only a landed commit removed is not seen.
 */
export function restoredLines(commits: readonly Pick<GateCommit, 'sha' | 'files'>[]): Map<string, number> {
  const removed = new Set<string>();
  const out = new Map<string, number>();
  for (const c of commits) {
    let n = 0;
    for (const f of c.files) if (f.oids && !isNullObjectId(f.oids.new) && removed.has(f.oids.new)) n += f.added ?? 0;
    if (n > 0) out.set(c.sha, n);
    for (const f of c.files) if (f.oids && !isNullObjectId(f.oids.old)) removed.add(f.oids.old);
  }
  return out;
}

/**
 * Whether the count since the last approval (src/git/unreviewedBefore.ts) reads what an earlier commit writes: a
 * single-parent commit with labelled lines (those its trailer states ai or human), which a move could dilute with.
 */
export function windowWrittenWanted(parents: number, counts: ProvenanceCounts): boolean {
  return parents === 1 && counts.ai + counts.human > 0;
}

/**
 * An earlier commit's lines in the count since the last approval, from its trailer and what it writes (`written`,
 * where read): labelled lines count up to what it writes (attack31 F3: a `git mv` of a person's 400-line file pushed
 * once diluted every later push of 19 unobserved lines). A merge or root, or a commit past what the gate reads,
 * counts only its untracked lines. Lines its diff added beyond its trailer were counted when it was pushed.
 */
export function windowCount(counts: ProvenanceCounts, written: number | undefined): UntrackedCount {
  return untrackedCount(counts, undefined, written ?? 0) as UntrackedCount;
}

/** A commit's readable AI-Provenance counts (none when unreadable, absent, or its header cannot be trusted). */
export function commitProvenance(c: Pick<GateCommit, 'message' | 'headerProblem'>): ProvenanceCounts | undefined {
  if (c.headerProblem !== undefined) return undefined;
  const r = readMessageProvenance(c.message);
  return r.kind === 'ok' ? r.counts : undefined;
}

/** The rule in one sentence, for `policy check` and the JSON Schema's description. */
export function describeUntrackedThreshold(threshold: UntrackedThreshold | false): string {
  if (threshold === false) return 'untracked lines never need review on their own (review.untracked is false)';
  return `a commit with at least ${threshold.lines} untracked added line(s) making up at least ${Math.round(threshold.share * 100)}% of its added lines needs review (review.untracked)`;
}
