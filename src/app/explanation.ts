import type { EarlierRevisionStatement } from '../core/earlierRevision';
import type { CoverageVia } from '../core/approvalRules';
import type { ApprovalStatement } from '../core/approvalStatement';
import type { CommitDecision } from '../core/gate';
import type { RecordedDeletion } from '../core/agents/agentDeletionsNote';
import type { RecordedAgentHook } from '../core/agents/agentHooksNote';
import type { CommitFacts } from '../core/report/commitFacts';
import type { Inconsistency } from '../core/report/consistency';
import type { AgentEvidence } from '../core/report/aiEvidence';

/**
 * What `countersign explain REV` finds about a commit (explainCommit.ts): the page `explain --json` prints
 * (docs/design.md) and the text page and the editor's document are drawn from.
 */
export interface ExplainedSession {
  session: string;
  agent: string;
  tool?: string;
  model?: string;
  conversationId?: string;
  humanAuthor?: string;
  lines: number;
}

export interface ExplainedApproval {
  attachedTo: string;
  decision: ApprovalStatement['decision'];
  reviewer: ApprovalStatement['reviewer'];
  time: string;
  tip: string;
  base: string;
  comment?: string;
  /** Signature checked against the reviewer's key in `policy`: ok, or why not. */
  verification: { ok: boolean; reason: string; fingerprint?: string };
  /** Whether it counts for this commit: verified, not by its author/committer. */
  counts: boolean;
  why?: string;
  /**
   * How the gate matched it to this commit, when the gate counted it: its own span (`exact`), the same change
   * carried by patch-id onto another base (`rebased`), or its tip reviewed against another base (`tip`).
   */
  via?: CoverageVia;
}

export interface GateVerdict {
  available: boolean;
  /** Why the gate could not be run (no branch known, …). */
  reason?: string;
  branch?: string;
  protected?: boolean;
  policyFrom?: string;
  /**
   * `landed`: REV is on the branch already, judged as the approved push that brought it (`landedWith`) or, when
   * none is found, alone against its first parent; `pending`: base..REV as a push would be.
   */
  judgedAs?: 'landed' | 'pending';
  /** The approved push (an approval's base..tip on the branch) a landed REV was judged with. */
  landedWith?: { base: string; tip: string };
  /** The range the gate judged, as a person reads it: `origin/main..1c98e4b0a1b2`, `PARENT..REV`, or REV alone. */
  range?: string;
  decision?: CommitDecision;
  /**
   * Set on a BLOCKED verdict computed in a clone that never fetched refs/notes/countersign (a plain clone): the
   * approvals were not there to count, which the verdict line says (newuser20 F6). explain fetches nothing.
   */
  withoutApprovals?: string;
  ok?: boolean;
  errors?: string[];
  notices?: string[];
}

export interface Explanation {
  commit: {
    sha: string;
    parents: string[];
    subject: string;
    message: string;
    author: { name: string; email: string; time: string };
    committer: { name: string; email: string; time: string };
  };
  provenance: {
    attested: boolean;
    aiProvenance: { raw: string; ai?: number; human?: number; untracked?: number } | null;
    trailers: Array<{ key: string; value: string }>;
    agents: AgentEvidence[];
    aiAssisted: boolean;
    aiLines: number;
    aiLinesFrom: CommitFacts['aiLinesFrom'];
    addedLines: number;
    /** `binary`: git calls it binary; its lines are counted as text all the same (core/textLines.ts). */
    files: Array<{ path: string; added: number; binary?: true }>;
    note:
      | null
      | { error: string }
      | {
          aiLines: number;
          humanLines: number;
          files: Array<{
            path: string;
            ai: Array<{ ranges: string; agent: string; model?: string; session: string }>;
            human: Array<{ ranges: string; author?: string }>;
          }>;
          sessions: ExplainedSession[];
        };
    inconsistencies: Inconsistency[];
    /** Agents' hooks as the note recorded them at commit time (empty when the note says nothing of them). */
    agentHooks: RecordedAgentHook[];
    /**
     * What agents deleted that this commit removes, as the note recorded it (attack26 06), with whether the commit
     * has lines that agent wrote (`wroteLines`).
     */
    agentDeletions: Array<RecordedDeletion & { wroteLines: boolean }>;
  };
  approvals: {
    policy: { from: string; status: 'ok' | 'none' | 'error'; message?: string };
    statements: ExplainedApproval[];
    errors: string[];
    /**
     * Valid statements about an earlier revision of this commit (amended or rebased with changes: same author and
     * author date, another id), by reviewers with no statement above (newuser12 P3). They do not count for it.
     */
    earlierRevisions?: EarlierRevisionStatement[];
  };
  gate: GateVerdict;
  /** What the clone lacked and how the commit was read without it: one sentence (issue 12). */
  warnings?: string[];
}
