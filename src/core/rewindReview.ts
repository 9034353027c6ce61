import type { ApprovalStatement } from './approvalStatement';
import { EMPTY_PATCH_ID } from './approvalStatement';
import type { CountedApproval } from './approvalDecision';
import { approveCommandFor, type GateCommit, type GateInput } from './gate';
import { personLabel } from './approvalRules';
import { POLICY_FILE, type Policy } from './policy';
import type { PolicyMatchers } from './policyPaths';
import { reviewNeedOf, type RangeBlast, type ReviewNeed } from './reviewNeed';
import { shortSha } from './shortSha';

/**
 * An allowed rewind as the gate judges it (docs/design.md, "The policy": allowForcePushes; attack23 1). A
 * non-fast-forward update O → N does, beyond the commits it adds, the change from O back to where N leaves O's
 * history (src/git/rewind.ts). Nobody has reviewed that change: N's own approvals were given for N's base..N,
 * not for undoing what O has (a keyless pusher rewound main to an old approved commit and undid an approved
 * policy change, an infrastructure fix, a release tag, and 800 lines, on those stale approvals). So:
 * - the change is judged whole, under the policy in force (O's): every path it touches for the tiers,
 *   review.paths and the policy rule, what O loses as deleted, what comes back as AI-written (no commit of the
 *   push carries its provenance: core/restoredLines.ts' rule);
 * - where it needs review, only approvals of N reviewed from base O count for N (or a statement carrying the
 *   same O..N change by patch-id); they cover N's own commits too, since base O..N holds them.
 * A move back to a commit already on the branch (`carrier`) adds no commit: the rewind is all that is judged.
 */
export type RewindInput = NonNullable<GateInput['rewind']>;

/** Why the rewind itself needs review (empty kinds: it does not), judged as one change with no provenance. */
export function rewindNeed(
  policy: Policy,
  rewind: RewindInput,
  head: GateCommit,
  blast: RangeBlast,
  matchers: PolicyMatchers,
): ReviewNeed {
  const back = rewind.files.filter((f) => (f.added ?? 0) > 0);
  const lines = back.reduce((n, f) => n + (f.added ?? 0), 0);
  const change = {
    sha: head.sha,
    parents: [rewind.from ?? rewind.point ?? ''],
    author: head.author,
    committer: head.committer,
    // Lines brought back are the restored rule's (as AI), not untracked lines missing from a trailer as well.
    files: rewind.files.map((f) => ({ ...f, added: 0 })),
    ...(lines > 0
      ? {
          restored: {
            from: rewind.point ?? '',
            lines,
            files: back.map((f) => ({ path: f.path, lines: f.added ?? 0 })),
          },
        }
      : {}),
    ...(head.links ? { links: head.links } : {}),
  };
  // Attested as writing nothing itself: what it brings back is counted (as AI) by the restored-lines rule.
  const evidence = { provenance: { ai: 0, human: 0, untracked: 0 }, agents: [], aiAssisted: false };
  const policyChanged = rewind.files.some((f) => f.path === POLICY_FILE);
  return reviewNeedOf(policy, change, evidence, undefined, policyChanged, blast, rewind.files, matchers);
}

/** The commits as the deletion tiers read them: the head carries the rewind's files (a carrier, only those). */
export function withRewindFiles(commits: GateCommit[], rewind: RewindInput | undefined, head: string | undefined) {
  if (!rewind) return commits;
  const files = (c: GateCommit) => (rewind.carrier ? rewind.files : [...c.files, ...rewind.files]);
  return commits.map((c) => (c.sha === head ? { ...c, files: files(c) } : c));
}

/** The head's need: its own (none for a carrier, already on the branch) and the rewind's, both to be met. */
export function withRewind(own: ReviewNeed | undefined, rewind: ReviewNeed): ReviewNeed {
  if (!own) return rewind;
  const union = <T>(a: T[], b: T[]) => [...new Set([...a, ...b])];
  return {
    kinds: union(rewind.kinds, own.kinds),
    reasons: union(rewind.reasons, own.reasons), // the policy rule may speak for both: said once
    tiers: union(rewind.tiers, own.tiers),
    approvals: Math.max(rewind.approvals, own.approvals),
    roles: union(rewind.roles, own.roles),
  };
}

/** Whether a statement reviewed the rewind O → N: tip N from base O, or the same O..N change by patch-id. */
export function reviewsRewind(st: ApprovalStatement, rewind: RewindInput, head: string): boolean {
  if (st.tip !== head) return false;
  if (st.base === rewind.from) return true;
  return rewind.patchId !== undefined && st.patchId !== EMPTY_PATCH_ID && st.patchId === rewind.patchId;
}

/** The head's counted approvals that count for the rewind, and a reason for each that does not. */
export function rewindApprovals(
  approvals: CountedApproval[],
  rewind: RewindInput,
  head: string,
): { counted: CountedApproval[]; ignored: string[] } {
  const counted: CountedApproval[] = [];
  const ignored: string[] = [];
  for (const a of approvals) {
    const st = a.signed.statement;
    if (reviewsRewind(st, rewind, head)) counted.push(a);
    else
      ignored.push(
        `approval by ${personLabel(a.reviewer)} of ${shortSha(st.tip)} does not count for this force-push: it reviewed ${shortSha(st.base)}..${shortSha(st.tip)}, not the change from ${shortSha(rewind.from ?? '')} to ${shortSha(head)}`,
      );
  }
  return { counted, ignored };
}

/** The rewind's lead reason: one sentence naming the ref, O, N and the approval that lets it through. */
export function rewindLead(branch: string, rewind: RewindInput, head: string): string {
  const lost = rewind.files.filter((f) => f.status === 'D').length;
  const lines = rewind.files.reduce((n, f) => n + (f.deleted ?? 0), 0);
  const back = rewind.files.reduce((n, f) => n + (f.added ?? 0), 0);
  const from = rewind.from ?? '';
  return `force-push of ${branch} from ${from} to ${head}: it drops ${rewind.dropped} commit(s) now on ${branch}, which counts as deleting ${lost} file(s) and ${lines} line(s) and bringing back ${back} line(s), one change nobody has reviewed yet, so only approvals of ${shortSha(head)} from base ${shortSha(from)} count: a reviewer runs \`${approveCommandFor(head, from, true)}\``;
}
