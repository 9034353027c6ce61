import type { SignedStatement, verifySignedStatement } from './approvalStatement';
import type { Policy, Reviewer } from './policy';
import type { SinceReviewed } from './reviewNeed';
import type { UntrackedSince } from './untrackedReview';
import type { TreeLinks } from './linkAliases';
import type { ReplayedTree } from './approvalReplayCheck';
import type { UnjudgedGitlink } from './gitlinkReview';
import type { Withdrawals } from './rewindWithdrawal';
import type { CountedFile } from './textLines';
import type { PathsOver } from './changedPaths';

/**
 * What the gate (core/gate.ts evaluateGate) reads and decides: the commits of one push, the policy and approvals
 * src/git/gateInput.ts gathers, and the decision per commit that pre-push, `verify` and pre-receive format.
 */

export type Person = { name: string; email: string };
/** `binary`, `oversized`: how its lines were counted (core/textLines.ts CountedFile). */
export interface ChangedFile extends Pick<CountedFile, 'binary' | 'oversized'> {
  path: string;
  /** Counted as text, binary files too (core/textLines.ts); undefined only where git printed no count. */
  added: number | undefined;
  deleted: number | undefined;
  /** git's status letter: A added, M modified, D deleted, T type change */
  status: string;
  /** For a submodule entry (mode 160000) added or changed here: the commit it now names. */
  gitlink?: string;
  /** The entry's object before and after (from git's raw diff): how core/mergeView.ts matches a merge's change to its side's. */
  oids?: { old: string; new: string };
  /** The entry's mode after (from git's raw diff; 000000 when gone): how src/git/treeLinks.ts follows symlinks. */
  mode?: string;
}

export interface GateCommit {
  sha: string;
  tree: string;
  parents: string[];
  author: Person;
  committer: Person;
  message: string;
  /** Why git and Countersign may read its object differently (core/commitObject.ts): provenance and identity unreadable. */
  headerProblem?: string;
  /** Its object's size when over core/commitBound.ts MAX_COMMIT_BYTES: left unread (no idents, no message), refused. */
  oversized?: number;
  /** Where reading stopped at core/changedPaths.ts MAX_JUDGED_PATHS: the range is listed, not read, and refused. */
  pathsOver?: PathsOver;
  files: ChangedFile[];
  /** Text of the refs/notes/ai note, when the commit has one. */
  aiNote?: string;
  /** Why the commit's note was left unread (core/noteBounds.ts: over the judgement's budget): it needs review. */
  aiNoteUnread?: string;
  /** Stable patch-id of the span base..this commit (src/git/patchId.ts), for approvals that survived a rebase. */
  patchIdFromBase?: string;
  /** Stable patch-id of this commit's own change, where a rebased approval must match commit by commit. */
  ownPatchId?: string;
  /** On the head commit: lines the update brings back that no commit of it writes, from `from`, where the head's first-parent
   * chain leaves the push (src/git/netChange.ts, core/restoredLines.ts). They count as AI lines. */
  restored?: { from: string; lines: number; files: Array<{ path: string; lines: number }> };
  /** Gitlinks this commit sets to a commit the gate does not vouch for (src/git/gitlinkPins.ts): they need review. */
  unjudgedGitlinks?: UnjudgedGitlink[];
  /** For a merge: its added lines found in none of its parents (src/git/mergeOwnLines.ts), held against its trailer. */
  mergeOwnAdded?: number;
  /** Lines it writes (renames found, white space ignored: src/git/untrackedEvidence.ts), where its labels could dilute. */
  written?: number;
  /** Lines its files' added bytes count beyond their newlines (core/untrackedReview.ts sizedLines, src/git/untrackedEvidence.ts). */
  sizedLines?: number;
  /** For a merge: paths of its first-parent diff whose content it leaves as the review base has it (core/mergeView.ts). */
  sameAsBase?: string[];
  /** Its tree's symlinks (src/git/treeLinks.ts), and its first parent's when it removes one (names under it go). */
  links?: TreeLinks;
  linksBefore?: TreeLinks;
}

export type PolicySource =
  | { kind: 'none'; looked: string[] }
  | { kind: 'ok'; policy: Policy; from: string }
  | { kind: 'error'; message: string; from: string; fix?: string };

export interface GateInput {
  /** The branch being updated (short name, e.g. `main`). */
  branch: string;
  policy: PolicySource;
  /** The branch's current value where the policy is enforced (remote / server); undefined for a new branch. */
  base: string | undefined;
  /**
   * The base approvals are reviewed against: `base`, or for a new branch the point where it leaves the
   * branch the policy came from. Patch-ids (`patchIdFromBase`) are computed from it.
   */
  reviewBase: string | undefined;
  /** The proposed new value; undefined when the push deletes the branch. */
  head: string | undefined;
  /** The commits that would land on the branch, oldest first (parents before children). */
  commits: GateCommit[];
  /**
   * `.countersign.json` differs between base and head although no commit in `commits` touches it (a push that
   * rewinds the branch to before the policy existed). The gate then treats the head commit, which must be in
   * `commits`, as a policy change.
   */
  policyChangedWithoutCommit?: boolean;
  /**
   * A policy change on the policy branch was judged with the refs as they will be after the push (its other
   * commands applied): the server must land those commands with it or not at all (landTogether.ts, issue 10).
   */
  judgedAfterPush?: true;
  /**
   * The update is not a fast-forward: `dropped` commits on the branch now would be gone, and `files` is the change
   * from the branch's value back to `point` (both ways). Refused unless the policy sets allowForcePushes; then it is
   * judged as one unreviewed change from `from` to the head (core/rewindReview.ts, src/git/rewind.ts).
   */
  rewind?: {
    dropped: number;
    files: ChangedFile[];
    /** Where the new value leaves the branch: the merge-base, or the empty tree. */
    point?: string;
    /** The branch's value (a tag's commit): only approvals of the head from this base count for the rewind. */
    from?: string;
    /** The head is already on the branch (a move back): its own change is not judged again, only the rewind. */
    carrier?: boolean;
    /** Stable patch-id of from..head, when a statement for the head from another base could carry it. */
    patchId?: string;
  };
  /** A protected tag that exists is being moved (never for a span judged for a vouched tip): protectedRefChange.ts. */
  tagMove?: true;
  /** The branch's unreviewed commits before the update: their deletions and untracked lines (src/git/reviewedPoint.ts). */
  sinceReviewed?: SinceReviewed;
  untrackedSince?: UntrackedSince;
  /** Every approval statement known, with the commit whose note held it. */
  statements: Array<{ attachedTo: string; signed: SignedStatement }>;
  /** Unreadable statement lines: the commit whose note held them and the parse error. */
  statementErrors: Array<{ attachedTo: string; error: string }>;
  /**
   * For approvals reviewed against another base than `base`: which of `commits` that base already contains
   * (null when the base object is not in this repository).
   */
  baseReach: Record<string, string[] | null>;
  /**
   * For approvals carried over a rebase by patch-id: per approved span (approvalRules.approvedSpanKey), the
   * own patch-ids of its commits oldest first, or null when unknown. Absent spans match only a single commit.
   */
  approvedPatches?: Record<string, string[] | null>;
  /** Per approved span carried by patch-id, its change replayed onto reviewBase (RangeIndex). */
  replayedTrees?: Record<string, ReplayedTree>;
  /**
   * Per valid rejection whose tip is not in `commits` (approvalRules.approvedSpanKey): the commits of `commits`
   * its base..tip contains. A rejection of T2 holds its prefix H too (statementStanding.ts).
   */
  rejectionReach?: Record<string, string[]>;
  /** Approvals an approved rewind in force on the branch withdraws, each with why (core/rewindWithdrawal.ts). */
  withdrawn?: Withdrawals;
  /** Problems gathering the input that must block (e.g. the remote could not be reached). */
  errors?: string[];
  /** Replaces signature verification in tests of the rules; production uses verifySignedStatement. */
  verify?: typeof verifySignedStatement;
}

export interface ApprovalRecord {
  reviewer: string;
  name: string;
  role?: string;
  tip: string;
  time: string;
  fingerprint: string;
  /** How the statement reached this commit: its exact span, the same patch rebased, or a tip reviewed against another base. */
  via: 'exact' | 'rebased' | 'tip';
  comment?: string;
}

export type ReviewReasonKind =
  'ai' | 'unattested' | 'untracked' | 'path' | 'tier' | 'policyChange' | 'unreadableNote' | 'gitlink';

export interface CommitDecision {
  sha: string;
  subject: string;
  author: Person;
  needsReview: boolean;
  /** Why it needs review, then (when blocked) what is missing — each a sentence a person can act on. */
  reasons: string[];
  kinds: ReviewReasonKind[];
  /** Valid approvals that count for this commit. */
  approvals: ApprovalRecord[];
  /** Approvals and rejections that were found but do not count, with why. */
  ignored: string[];
  /** Standing requests for changes by reviewers other than the commit's own author (what to address next). */
  changesRequested?: Array<{ name?: string; email: string; comment?: string }>;
  requiredApprovals: number;
  requiredRoles: string[];
  tiers: string[];
  /** Reviewers who may approve this commit (listed in the policy, not its author or committer). */
  eligibleReviewers: Reviewer[];
  /** GateCommit's, or (`noAddress`) approvalRules.missingAddress: no approval counts until the commit is re-created. */
  headerProblem?: string;
  noAddress?: string;
  ok: boolean;
}

export interface GateResult {
  ok: boolean;
  branch: string;
  protected: boolean;
  /** The protected-branch pattern that matched. */
  pattern?: string;
  policyFrom?: string;
  base?: string;
  head?: string;
  commits: CommitDecision[];
  /** Problems that block on their own (unreadable policy, unreachable remote, deleting a protected branch…). */
  errors: string[];
  /** Information: why the branch is not protected, notes that were skipped… */
  notices: string[];
  /** What to run to give the review that would unblock the push (when something is blocked). */
  approveCommand?: string;
  /** A remote branch that holds every blocked commit, when the head itself is not fetchable (newuser12 P7). */
  reviewFrom?: string;
  /** A push that makes the head fetchable for the reviewer; `protectedName`: the local name that cannot be pushed. */
  pushForReview?: { command: string; protectedName?: string };
  /** The policy on the protected branch is unreadable (a configuration error: `verify` exits 2). */
  policyError?: boolean;
}
