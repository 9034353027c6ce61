import type { ProvenanceCounts } from './trailers';

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
 * Why the commit needs review for its untracked lines, or undefined when it does not. `provenance` is the
 * commit's AI-Provenance trailer, whose counts should add up to the commit's added lines. `added`, when given,
 * is the added-line total of the commit's own diff as the gate counts it (every file as text): lines beyond the
 * trailer's total are lines nobody accounted for, so they count as untracked. A hook that missed them (an
 * outside tester's bypass, session 5: files git diffs as binary were stamped ai=0 human=0 untracked=0) or a
 * hand-edited trailer cannot make them vanish. `false` turns the rule off.
 */
export function untrackedReviewReason(
  threshold: UntrackedThreshold | false,
  provenance: ProvenanceCounts | undefined,
  added?: number,
): string | undefined {
  if (threshold === false || provenance === undefined) return undefined;
  const stated = provenance.ai + provenance.human + provenance.untracked;
  const unaccounted = added !== undefined && added > stated ? added - stated : 0;
  const untracked = provenance.untracked + unaccounted;
  const total = stated + unaccounted;
  if (untracked === 0 || total === 0) return undefined;
  if (untracked < threshold.lines || untracked / total < threshold.share) return undefined;
  const missing =
    unaccounted > 0
      ? ` (${unaccounted} of them added by the commit's diff but missing from its AI-Provenance trailer)`
      : '';
  return `${untracked} of ${total} added lines were written by something Countersign did not observe (untracked)${missing}`;
}

/** The rule in one sentence, for `policy check` and the JSON Schema's description. */
export function describeUntrackedThreshold(threshold: UntrackedThreshold | false): string {
  if (threshold === false) return 'untracked lines never need review on their own (review.untracked is false)';
  return `a commit with at least ${threshold.lines} untracked added line(s) making up at least ${Math.round(threshold.share * 100)}% of its added lines needs review (review.untracked)`;
}
