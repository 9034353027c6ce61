import type { SignedStatement, verifySignedStatement } from './approvalStatement';
import { eligibleReviewers, personLabel, RangeIndex, ReviewerKeys, samePerson } from './approvalRules';
import { aiLinesByAgent } from './noteOwners';
import { countRangeLines } from './lineRanges';
import { parseAuthorshipNote } from './authorshipNote';
import { errorMessage } from './errors';
import { matchAnyPath } from './glob';
import { isProtected, POLICY_FILE, TAG_PREFIX, type Policy, type Reviewer } from './policy';

export { personLabel } from './approvalRules';
import { aiBeyondCounts, commitEvidence, describeEvidence } from './report/aiEvidence';
import { AI_PROVENANCE_FIX, parseTrailers } from './trailers';
import { StatementStanding } from './statementStanding';
import { untrackedReviewReason } from './untrackedReview';

/**
 * The gate (docs/design.md, "The gate"): a pure function from everything git knows about one push to a protected
 * branch to a decision per commit. src/git/gateInput.ts gathers the input; the pre-push hook, `verify` and
 * the pre-receive hook only format the result. Every rule that decides whether code may land is here.
 *
 * Fail closed: an unreadable policy blocks everything; an unreadable provenance note makes its commit need
 * review; an unreadable approval note blocks the commits it might have covered (it could hold a rejection).
 */

export interface Person {
  name: string;
  email: string;
}

export interface ChangedFile {
  path: string;
  /** undefined for binary files */
  added: number | undefined;
  deleted: number | undefined;
  /** git's status letter: A added, M modified, D deleted, T type change */
  status: string;
}

export interface GateCommit {
  sha: string;
  tree: string;
  parents: string[];
  author: Person;
  committer: Person;
  message: string;
  files: ChangedFile[];
  /** Text of the refs/notes/ai note, when the commit has one. */
  aiNote?: string;
  /** Stable patch-id of the span base..this commit (src/git/patchId.ts), for approvals that survived a rebase. */
  patchIdFromBase?: string;
  /** Stable patch-id of this commit's own change, where a rebased approval must match commit by commit. */
  ownPatchId?: string;
  /**
   * On the head commit: lines the update brings back that no commit of it writes, from `from`, where the head's
   * first-parent chain leaves the push (src/git/netChange.ts, core/restoredLines.ts). They count as AI lines.
   */
  restored?: { from: string; lines: number; files: Array<{ path: string; lines: number }> };
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
   * The update is not a fast-forward: `dropped` commits on the branch now would be gone, and `files` is what
   * undoing them deletes. Refused unless the policy sets allowForcePushes; then the head commit carries it.
   */
  rewind?: { dropped: number; files: ChangedFile[] };
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
  /**
   * Per valid rejection whose tip is not in `commits` (approvalRules.approvedSpanKey): the commits of `commits`
   * its base..tip contains. A rejection of T2 holds its prefix H too (statementStanding.ts).
   */
  rejectionReach?: Record<string, string[]>;
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

export type ReviewReasonKind = 'ai' | 'unattested' | 'untracked' | 'path' | 'tier' | 'policyChange' | 'unreadableNote';

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
  requiredApprovals: number;
  requiredRoles: string[];
  tiers: string[];
  /** Reviewers who may approve this commit (listed in the policy, not its author or committer). */
  eligibleReviewers: Reviewer[];
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
  /** The policy on the protected branch is unreadable (a configuration error: `verify` exits 2). */
  policyError?: boolean;
}

function short(sha: string): string {
  return sha.slice(0, 12);
}

/** Commits of `commits` reachable from `tip` (including it), walking parents inside the set only. */
function ancestorsInRange(tip: string, byId: Map<string, GateCommit>): Set<string> {
  const out = new Set<string>();
  const stack = [tip];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (out.has(id) || !byId.has(id)) continue;
    out.add(id);
    stack.push(...(byId.get(id)?.parents ?? []));
  }
  return out;
}

/**
 * The push's blast radius as a whole, so that a mass deletion split into small commits is still a mass
 * deletion. Files: distinct paths deleted by any commit of the range — a file deleted in one commit and
 * re-added in another still counts, since "delete and recreate" is the danger. Lines: the lines each commit
 * deletes, summed. A merge's first-parent diff repeats the changes of the commits it brings in, so a merge
 * counts only the lines it deletes beyond those of its side commits in the range (an evil merge still counts).
 */
export interface RangeBlast {
  files: number;
  lines: number;
  /** Commits that delete something of their own: the ones a range-wide tier applies to. */
  contributors: Set<string>;
}

export function rangeBlast(commits: GateCommit[]): RangeBlast {
  const byId = new Map(commits.map((c) => [c.sha, c]));
  const deletedPaths = new Set<string>();
  const contributors = new Set<string>();
  let lines = 0;
  for (const c of commits) {
    const deletes = c.files.filter((f) => f.status === 'D').map((f) => f.path);
    for (const p of deletes) deletedPaths.add(p);
    let own = 0;
    let ownFiles = deletes.length;
    if (c.parents.length > 1) {
      const first = ancestorsInRange(c.parents[0], byId);
      const side = new Set<string>();
      for (const p of c.parents.slice(1)) for (const a of ancestorsInRange(p, byId)) if (!first.has(a)) side.add(a);
      const sideLines = new Map<string, number>();
      const sideDeleted = new Set<string>();
      for (const id of side) {
        for (const f of byId.get(id)?.files ?? []) {
          sideLines.set(f.path, (sideLines.get(f.path) ?? 0) + (f.deleted ?? 0));
          if (f.status === 'D') sideDeleted.add(f.path);
        }
      }
      for (const f of c.files) own += Math.max(0, (f.deleted ?? 0) - (sideLines.get(f.path) ?? 0));
      ownFiles = deletes.filter((p) => !sideDeleted.has(p)).length;
    } else {
      own = c.files.reduce((n, f) => n + (f.deleted ?? 0), 0);
    }
    lines += own;
    if (own > 0 || ownFiles > 0) contributors.add(c.sha);
  }
  return { files: deletedPaths.size, lines, contributors };
}

interface ReviewNeed {
  kinds: ReviewReasonKind[];
  reasons: string[];
  tiers: string[];
  approvals: number;
  roles: string[];
}

/** Why this commit needs review under `policy` (empty kinds: it does not). */
export function reviewNeed(policy: Policy, c: GateCommit, policyChangedHere: boolean, range?: RangeBlast): ReviewNeed {
  const kinds: ReviewReasonKind[] = [];
  const reasons: string[] = [];
  const add = (k: ReviewReasonKind, why: string) => {
    if (!kinds.includes(k)) kinds.push(k);
    reasons.push(why);
  };
  const paths = c.files.map((f) => f.path);
  if (policyChangedHere || paths.includes(POLICY_FILE)) {
    add('policyChange', `changes ${POLICY_FILE}: a policy change always needs review under the policy it replaces`);
  }

  const trailers = parseTrailers(c.message);
  const evidence = commitEvidence({ authorName: c.author.name, authorEmail: c.author.email }, trailers, c.message);
  const added = c.files.reduce((n, f) => n + (f.added ?? 0), 0);
  let noteAi: { lines: number; agents: string[] } | undefined;
  if (c.aiNote !== undefined) {
    try {
      const byAgent = aiLinesByAgent(parseAuthorshipNote(c.aiNote, `the refs/notes/ai note on ${short(c.sha)}`));
      let lines = 0;
      for (const files of byAgent.values()) for (const ranges of files.values()) lines += countRangeLines(ranges);
      noteAi = { lines, agents: [...byAgent.keys()] };
    } catch (e) {
      add('unreadableNote', `its provenance note (refs/notes/ai) is unreadable, so its AI lines are unknown: ${errorMessage(e)}`);
    }
  }
  if (evidence.provenanceError !== undefined) {
    // Unreadable fails closed, whatever review.unattested says: the commit claims to be attested.
    add('unattested', `unattested: the AI-Provenance of commit ${short(c.sha)} is unreadable: ${evidence.provenanceError} — fix: ${AI_PROVENANCE_FIX}`);
  } else if (evidence.provenance === undefined && policy.review.unattested) {
    add('unattested', 'unattested: no AI-Provenance trailer (Countersign\'s hooks were bypassed or not installed), so nobody can say how much of it AI wrote');
  }
  // The larger of the two: a note cannot talk a trailer's AI count down (nor the other way round).
  const counts = [noteAi?.lines, evidence.provenance?.ai].filter((n): n is number => n !== undefined);
  const aiLines = counts.length > 0 ? Math.max(...counts) : undefined;
  const total = evidence.provenance ? evidence.provenance.ai + evidence.provenance.human + evidence.provenance.untracked : added;
  const agents = [...new Set([...(noteAi?.agents ?? []), ...evidence.agents.map((a) => a.agent)])];
  const agentText = agents.length > 0 ? ` (${agents.join(', ')})` : '';
  const named = aiBeyondCounts(evidence, aiLines);
  if (named.length > 0) {
    const counted = aiLines === undefined ? ' (no line counts, so every threshold is treated as met)' : `, ${aiLines} AI line(s) counted`;
    add('ai', `AI-attributed: ${named.map(describeEvidence).join('; ')}${counted}`);
  } else if (aiLines !== undefined && aiLines > 0) {
    const share = total > 0 ? aiLines / total : 1;
    if (aiLines >= policy.review.aiLines && share >= policy.review.aiShare) {
      add('ai', `AI-attributed: ${aiLines} of ${total} added line(s) written by AI${agentText}${noteAi ? '' : ' (AI-Provenance trailer)'}`);
    }
  }
  const restored = c.restored?.lines ?? 0;
  if (restored > 0 && c.restored) {
    // No commit of the push shows these lines, so the push carries no provenance for them: counted as AI.
    const shown = c.restored.files.slice(0, 5).map((f) => `${f.path}: ${f.lines}`).join(', ');
    const more = c.restored.files.length > 5 ? `, and ${c.restored.files.length - 5} more file(s)` : '';
    const why = `brings back ${restored} line(s) that no commit of this push writes (${shown}${more}), from ${short(c.restored.from)} where its first-parent history leaves the push — their provenance is not in this push, so they count as AI-written`;
    const ai = (aiLines ?? 0) + restored;
    if (kinds.includes('ai') || (ai >= policy.review.aiLines && ai / (total + restored) >= policy.review.aiShare)) add('ai', `AI-attributed: ${why}`);
  }
  const untracked = untrackedReviewReason(policy.review.untracked, evidence.provenance);
  if (untracked) add('untracked', untracked);

  for (const p of paths) {
    const pattern = matchAnyPath(policy.review.paths, p);
    if (pattern) {
      add('path', `touches ${p}, which always needs review ("${pattern}" in review.paths)`);
      break;
    }
  }

  const tiers: string[] = [];
  let approvals = policy.approvals;
  const roles: string[] = [];
  const deletedFiles = c.files.filter((f) => f.status === 'D').length;
  const deletedLines = c.files.reduce((n, f) => n + (f.deleted ?? 0), 0);
  const pending: Array<{ tier: Policy['tiers'][number]; why: string }> = [];
  for (const t of policy.tiers) {
    const whys: string[] = [];
    const hit = paths.find((p) => matchAnyPath(t.paths, p, { ignoreCase: t.ignoreCase }));
    if (hit) whys.push(`touches ${hit}`);
    if (t.deletedFiles !== undefined && deletedFiles >= t.deletedFiles) whys.push(`deletes ${deletedFiles} file(s)`);
    if (t.deletedLines !== undefined && deletedLines >= t.deletedLines) whys.push(`deletes ${deletedLines} line(s)`);
    if (whys.length > 0) {
      pending.push({ tier: t, why: whys.join(', ') });
      continue;
    }
    // The push as a whole: each commit that deletes something carries the tier, so one approval of the tip
    // (from the branch's base) by enough reviewers covers them all.
    if (range && range.contributors.has(c.sha) && range.contributors.size > 1) {
      const rangeWhys: string[] = [];
      if (t.deletedFiles !== undefined && range.files >= t.deletedFiles) rangeWhys.push(`${range.files} files`);
      if (t.deletedLines !== undefined && range.lines >= t.deletedLines) rangeWhys.push(`${range.lines} lines`);
      if (rangeWhys.length > 0) pending.push({ tier: t, why: `this push deletes ${rangeWhys.join(' and ')} across ${range.contributors.size} commits` });
    }
  }
  for (const { tier, why } of pending) {
    if (tier.scope === 'review' && kinds.length === 0) continue;
    tiers.push(tier.name);
    approvals = Math.max(approvals, tier.approvals);
    for (const r of tier.roles) if (!roles.includes(r)) roles.push(r);
    const needs = [`${tier.approvals} approval(s)`, ...tier.roles.map((r) => `one from a reviewer with role '${r}'`)].join(' and ');
    add('tier', `tier '${tier.name}': ${why} — needs ${needs}`);
  }
  return { kinds, reasons, tiers, approvals, roles };
}

/** An unprotected branch passes; problems gathering the input (an unreachable remote) are only worth a notice. */
function unprotected(result: GateResult): GateResult {
  result.notices.push(...result.errors);
  result.errors = [];
  result.ok = true;
  return result;
}

export function evaluateGate(input: GateInput): GateResult {
  const result: GateResult = {
    ok: true,
    branch: input.branch,
    protected: false,
    base: input.base,
    head: input.head,
    commits: [],
    errors: [...(input.errors ?? [])],
    notices: [],
  };
  if (input.policy.kind === 'none') {
    result.notices.push(`${input.branch} is not protected: no ${POLICY_FILE} found (looked in ${input.policy.looked.join(', ') || 'nothing'}).`);
    return unprotected(result);
  }
  if (input.policy.kind === 'error') {
    // Fail closed: without a readable policy nobody can say the branch is unprotected.
    result.protected = true;
    result.policyError = true;
    result.policyFrom = input.policy.from;
    result.errors.push(`${input.policy.message}\n${input.policy.fix ?? `fix: correct ${POLICY_FILE} on the policy branch (a fix needs review like any policy change); if the gate refuses the fix itself, an administrator runs \`countersign install --server --recover\` in the server's repository`}`);
    result.ok = false;
    return result;
  }
  const policy = input.policy.policy;
  result.policyFrom = input.policy.from;
  const pattern = isProtected(policy, input.branch);
  if (!pattern) {
    result.notices.push(`${input.branch} is not protected by ${input.policy.from} (protectedBranches: ${JSON.stringify(policy.protectedBranches)}).`);
    return unprotected(result);
  }
  result.protected = true;
  result.pattern = pattern;
  const what = input.branch.startsWith(TAG_PREFIX) ? `tag ${input.branch.slice(TAG_PREFIX.length)}` : `branch ${input.branch}`;
  if (input.head === undefined) {
    result.errors.push(`deleting the protected ${what} is not allowed (it matches "${pattern}" in ${input.policy.from}); an administrator can delete it on the server.`);
    result.ok = false;
    return result;
  }
  if (input.rewind && !policy.allowForcePushes) {
    result.errors.push(`a non-fast-forward update of the protected ${what} is not allowed: it would drop ${input.rewind.dropped} commit(s) already on it (allowForcePushes is not set in ${input.policy.from}); push a commit that reverts what you want gone instead, which is judged like any other change.`);
    result.ok = false;
    return result;
  }

  const range = new RangeIndex(input.commits, input.reviewBase, input.baseReach, input.approvedPatches);
  const standing = new StatementStanding({
    range, keys: new ReviewerKeys(policy, input.verify), statements: input.statements, statementErrors: input.statementErrors,
    ...(input.rejectionReach ? { rejectionReach: input.rejectionReach } : {}),
  });
  result.notices.push(...standing.notices);

  let anyBlocked = false;
  // An allowed rewind: the head commit carries the deletions of what it drops, for the tiers.
  const rewind = input.rewind;
  const judged = rewind ? input.commits.map((c) => (c.sha === input.head ? { ...c, files: [...c.files, ...rewind.files] } : c)) : input.commits;
  const blast = rangeBlast(judged);
  for (const c of judged) {
    const policyChangedHere = input.policyChangedWithoutCommit === true && c.sha === input.head;
    const need = reviewNeed(policy, c, policyChangedHere, blast);
    if (rewind && c.sha === input.head && need.kinds.length > 0) {
      need.reasons.unshift(`force-push: drops ${rewind.dropped} commit(s) now on ${input.branch}; what they added counts as deleted (${rewind.files.filter((f) => f.status === 'D').length} file(s), ${rewind.files.reduce((n, f) => n + (f.deleted ?? 0), 0)} line(s))`);
    }
    const eligible = eligibleReviewers(policy, c);
    const decision: CommitDecision = {
      sha: c.sha,
      subject: c.message.split('\n')[0] ?? '',
      author: c.author,
      needsReview: need.kinds.length > 0,
      reasons: [...need.reasons],
      kinds: need.kinds,
      approvals: [],
      ignored: [],
      requiredApprovals: need.kinds.length > 0 ? need.approvals : 0,
      requiredRoles: need.roles,
      tiers: need.tiers,
      eligibleReviewers: eligible,
      ok: true,
    };
    result.commits.push(decision);
    if (!decision.needsReview) continue;

    // Unreadable approval lines on this commit or a descendant in the push could be rejections: fail closed.
    const counted = standing.forCommit(c);
    const unreadable = counted.unreadable;
    if (unreadable) {
      for (const e of unreadable.shown) {
        decision.reasons.push(`an approval note it depends on is unreadable: ${e.error} — fix: remove that line with \`git notes --ref=refs/notes/countersign edit ${short(e.attachedTo)}\` and ask the reviewer to approve again`);
      }
      if (unreadable.more > 0) decision.reasons.push(`…and ${unreadable.more} more unreadable approval line(s) in notes on this push's commits`);
    }
    decision.ignored.push(...counted.ignored);
    for (const { reject, voided } of counted.rejections) {
      const comment = reject.signed.statement.comment ? `: "${reject.signed.statement.comment}"` : '';
      // A standing request for changes holds the commit whatever other approvals say (as a "changes requested"
      // review does on a forge) until that reviewer approves again: saying so saves a reviewer's round trip.
      decision.reasons.push(`${personLabel(reject.reviewer)} requested changes on ${short(reject.signed.statement.tip)} at ${reject.signed.statement.time}${comment}${voided ? ' (after approving; the approval no longer counts)' : ''} — it holds the commit until ${reject.reviewer.name ?? reject.reviewer.email} approves a new revision or this one again`);
    }
    for (const a of counted.approvals) {
      const st = a.signed.statement;
      decision.approvals.push({
        reviewer: a.reviewer.email, name: a.reviewer.name, ...(a.reviewer.role ? { role: a.reviewer.role } : {}), tip: st.tip,
        time: st.time, fingerprint: a.fingerprint, via: a.via, ...(st.comment ? { comment: st.comment } : {}),
      });
    }

    const count = decision.approvals.length;
    const missingRoles = need.roles.filter((role) => !decision.approvals.some((a) => a.role === role));
    decision.ok = !unreadable && count >= need.approvals && missingRoles.length === 0 && counted.rejections.length === 0;
    if (!decision.ok) {
      anyBlocked = true;
      if (count < need.approvals) decision.reasons.push(`has ${count} of ${need.approvals} required approval(s)`);
      for (const role of missingRoles) decision.reasons.push(`needs an approval from a reviewer with role '${role}' (${eligible.filter((r) => r.role === role).map(personLabel).join(', ') || 'no eligible reviewer has it: update the policy'})`);
      // Name only reviewers whose signature would still change the outcome: not those who already approved.
      const remaining = eligible.filter((r) => !decision.approvals.some((a) => samePerson(a.reviewer, r.email)));
      decision.reasons.push(remaining.length > 0
        ? `may approve: ${remaining.map(personLabel).join(', ')}`
        : eligible.length > 0
          ? `no other reviewer may approve: the policy lists ${eligible.length} eligible reviewer(s) and all have approved — add reviewers to ${POLICY_FILE} (through review) or lower the requirement`
          : `nobody may approve: the policy lists no reviewer other than this commit's author/committer, and nobody approves their own change — to add a reviewer, have the reviewer being added author the ${POLICY_FILE} change that lists them (you then approve it), or list every reviewer in the first policy (countersign init / policy init --reviewer … --key …) before it reaches the branch (docs/rollout.md)`);
    }
  }

  const blockedIds = result.commits.filter((c) => !c.ok).map((c) => c.sha);
  if (anyBlocked && input.head) {
    result.approveCommand = `countersign approve ${input.head}${input.reviewBase ? ` --base ${input.reviewBase}` : ''}`;
  }
  result.ok = blockedIds.length === 0 && result.errors.length === 0;
  return result;
}
