import type { ApprovalStatement, SignedStatement } from '../core/approvalStatement';
import { samePerson, type CheckedStatement } from '../core/approvalRules';
import type { CommitStanding } from '../core/statementStanding';
import type { CommitDecision } from '../core/gate';
import { errorMessage, CountersignError } from '../core/errors';
import { POLICY_FILE, type Policy } from '../core/policy';
import { CommitGraph } from '../core/report/commitGraph';
import { commitFacts, overclaimedPaths, type CommitFacts } from '../core/report/commitFacts';
import { commitInconsistencies, type Inconsistency } from '../core/report/consistency';
import { agentHooksAtCommit, type RecordedAgentHook } from '../core/agents/agentHooksNote';
import { formatRanges } from '../core/lineRanges';
import { parseAuthorshipNote } from '../core/authorshipNote';
import type { AgentEvidence } from '../core/report/aiEvidence';
import type { LineRange } from '../core/lineRanges';
import { readPolicyFrom } from './gateInput';
import { fileLineCounts } from './fileLineCounts';
import { runGit, withGitReadCache } from './gitRunner';
import { streamHistory, type HistoryCommit } from './historyStream';
import { isPartialClone } from './missingObjects';
import { absentNoteBlobs, AI_NOTES_REF, APPROVALS_NOTES_REF, readNotes } from './notesReader';
import { historyStanding } from './historyStanding';
import { readStatements, statementKeys } from './provenanceHistory';
import { remoteDefaultBranch, policySourceAt } from './policyBranch';
import { targetBranch, verifyRange } from './pushGate';
import { parentsAbove } from './spanReach';

/**
 * `countersign explain REV` (docs/design.md): the page an incident review starts from — the commit's provenance
 * (trailers and note), the approvals that cover it with their verification result under a named policy, and
 * the gate's verdict for it. Read-only: it fetches nothing (run `git fetch` first for the remote's view).
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
}

export interface GateVerdict {
  available: boolean;
  /** Why the gate could not be run (no branch known, …). */
  reason?: string;
  branch?: string;
  protected?: boolean;
  policyFrom?: string;
  /** `landed`: REV is on the branch already, judged alone against its first parent; `pending`: base..REV as a push would be. */
  judgedAs?: 'landed' | 'pending';
  decision?: CommitDecision;
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
    files: Array<{ path: string; added: number }>;
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
  };
  approvals: {
    policy: { from: string; status: 'ok' | 'none' | 'error'; message?: string };
    statements: ExplainedApproval[];
    errors: string[];
  };
  gate: GateVerdict;
  /** What the clone lacked and how the commit was read without it: one sentence (issue 12). */
  warnings?: string[];
}

function iso(sec: number): string {
  return new Date(sec * 1000).toISOString();
}

function rangesText(iv: LineRange[]): string {
  return formatRanges(iv);
}

export interface ExplainOptions {
  branch?: string;
  remote?: string;
}

/**
 * The protected branch REV is judged for, and where the policy comes from, as `verify` chooses them: without
 * --branch, the upstream when the policy protects it, else the remote's default branch (the policy branch),
 * where a feature branch lands — never a feature branch's own upstream.
 */
async function judgingContext(
  cwd: string,
  opts: ExplainOptions,
): Promise<{ branch?: string; remote?: string; trackingSha?: string; trackingLabel?: string }> {
  let branch = opts.branch;
  let remote = opts.remote;
  if (!branch) {
    const up = await runGit(['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{upstream}'], {
      cwd,
      okCodes: [128],
    });
    const name = up.code === 0 ? up.stdout.trim() : '';
    const slash = name.indexOf('/');
    let own: string | undefined;
    if (slash > 0 && (remote === undefined || remote === name.slice(0, slash))) {
      remote ??= name.slice(0, slash);
      own = name.slice(slash + 1);
    }
    const r = remote ?? 'origin';
    const policyBranch = await remoteDefaultBranch(cwd, r);
    const policyTip = policyBranch ? await commitOf(cwd, `refs/remotes/${r}/${policyBranch}`) : undefined;
    branch =
      policyTip && policyBranch
        ? targetBranch(own, await policySourceAt(cwd, policyTip, `${r}/${policyBranch}`, policyBranch), policyBranch)
        : own;
  }
  if (!branch) return {};
  remote ??= 'origin';
  for (const [ref, label] of [
    [`refs/remotes/${remote}/${branch}`, `${remote}/${branch}`],
    [`refs/heads/${branch}`, branch],
  ]) {
    const sha = await commitOf(cwd, ref);
    if (sha) return { branch, remote, trackingSha: sha, trackingLabel: label };
  }
  return { branch, remote };
}

async function commitOf(cwd: string, ref: string): Promise<string | undefined> {
  const r = await runGit(['rev-parse', '--verify', '-q', `${ref}^{commit}`], { cwd, okCodes: [1, 128] });
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/**
 * Reads only (nothing is fetched or written), so one read cache answers the questions its parts ask alike — the
 * repository, the remote and its default branch, the policy blob, the notes tips, the partial-clone check — once:
 * 46 git processes became 30–32 (issue 17: a 10-commit repository, `test/unit/git/explainProcesses.test.ts`).
 */
export function explainCommit(cwd: string, rev: string, opts: ExplainOptions = {}): Promise<Explanation> {
  return withGitReadCache(() => explainOnce(cwd, rev, opts));
}

async function explainOnce(cwd: string, rev: string, opts: ExplainOptions): Promise<Explanation> {
  if (rev.startsWith('-')) throw new CountersignError('usage', `explain: '${rev}' is not a revision`);
  const resolved = await runGit(['rev-parse', '--verify', '-q', `${rev}^{commit}`], { cwd, okCodes: [1] });
  if (resolved.code !== 0)
    throw new CountersignError(
      'usage',
      `explain: '${rev}' is not a commit in this repository (git fetch it, or check the name)`,
    );
  const sha = resolved.stdout.trim();

  // What this clone lacks is not fetched (issue 12): a partial clone is read without diff stats (they would
  // fetch the commit's blobs), a snapshot that lost a blob is read again without them, and notes whose blobs
  // are missing are left out; one warning line says so.
  const lacking: string[] = [];
  const partial = await isPartialClone(cwd);
  let record: HistoryCommit | undefined;
  const readCommit = (numstat: boolean) =>
    streamHistory(cwd, { revs: [sha], numstat, extra: ['--no-walk'] }, (c) => {
      record = c;
    });
  try {
    await readCommit(!partial);
    if (partial) lacking.push('added lines were not counted (a partial clone lacks the file contents)');
  } catch (e) {
    if (partial || !CountersignError.is(e, 'missingObject')) throw e;
    await readCommit(false);
    lacking.push('added lines were not counted (the repository lacks some of its file contents)');
  }
  if (!record) throw new CountersignError('git', `git log printed nothing for ${sha}`);
  const noteText = (
    await readNotes(cwd, AI_NOTES_REF, [sha], () =>
      lacking.push(
        'its refs/notes/ai note was not read (the clone lacks its content): it is counted by its trailers alone',
      ),
    )
  ).get(sha);
  let facts = commitFacts(record, noteText);
  const overclaimed = overclaimedPaths(facts);
  if (overclaimed.length > 0) {
    // A note claiming more of a file than the commit added: its claim stops at the file's last line.
    const lengths = await fileLineCounts(
      cwd,
      overclaimed.map((path) => ({ commit: sha, path })),
    );
    facts = commitFacts(record, noteText, lengths(sha));
  }

  const provenance: Explanation['provenance'] = {
    attested: facts.attested,
    aiProvenance:
      facts.evidence.provenanceRaw === undefined
        ? null
        : { raw: facts.evidence.provenanceRaw, ...(facts.evidence.provenance ?? {}) },
    trailers: facts.trailers,
    agents: facts.evidence.agents,
    aiAssisted: facts.aiAssisted,
    aiLines: facts.aiLines,
    aiLinesFrom: facts.aiLinesFrom,
    addedLines: facts.addedLines,
    files: [...(facts.added ?? [])].map(([path, added]) => ({ path, added })),
    note: null,
    inconsistencies: commitInconsistencies(facts),
    agentHooks:
      noteText !== undefined && !facts.noteError ? agentHooksAtCommit(parseAuthorshipNote(noteText).meta) : [],
  };
  if (facts.noteError) provenance.note = { error: facts.noteError };
  else if (facts.note) {
    const sessions = new Map<string, ExplainedSession>();
    const files = facts.note.files.map((f) => {
      const ai = new Map<string, { iv: LineRange[]; agent: string; model?: string; session: string }>();
      const human = new Map<string, { iv: LineRange[]; author?: string }>();
      for (const r of f.runs) {
        const s = r.source;
        if (s.kind === 'ai') {
          const e = ai.get(s.key) ?? {
            iv: [],
            agent: s.agent,
            ...(s.model ? { model: s.model } : {}),
            session: s.session,
          };
          e.iv.push([r.start, r.end]);
          ai.set(s.key, e);
          const ses = sessions.get(s.session) ?? {
            session: s.session,
            agent: s.agent,
            ...(s.tool ? { tool: s.tool } : {}),
            ...(s.model ? { model: s.model } : {}),
            ...(s.conversationId ? { conversationId: s.conversationId } : {}),
            ...(s.humanAuthor ? { humanAuthor: s.humanAuthor } : {}),
            lines: 0,
          };
          ses.lines += r.end - r.start + 1;
          sessions.set(s.session, ses);
        } else {
          const e = human.get(s.key) ?? { iv: [], ...(s.author ? { author: s.author } : {}) };
          e.iv.push([r.start, r.end]);
          human.set(s.key, e);
        }
      }
      return {
        path: f.path,
        ai: [...ai.values()].map(({ iv, ...rest }) => ({ ranges: rangesText(iv), ...rest })),
        human: [...human.values()].map(({ iv, ...rest }) => ({ ranges: rangesText(iv), ...rest })),
      };
    });
    provenance.note = {
      aiLines: facts.note.aiLineCount,
      humanLines: facts.note.humanLineCount,
      files,
      sessions: [...sessions.values()],
    };
  }

  const ctx = await judgingContext(cwd, opts);
  const approvals = await explainApprovals(cwd, facts, ctx);
  if (partial) {
    const absent = (await absentNoteBlobs(cwd, APPROVALS_NOTES_REF)).size;
    if (absent > 0)
      lacking.push(
        `${absent} refs/notes/countersign note(s) were not read (the clone lacks their content), so approvals in them are not listed`,
      );
  }
  const gate: GateVerdict = partial
    ? {
        available: false,
        ...(ctx.branch ? { branch: ctx.branch } : {}),
        reason:
          "this is a partial clone: the gate reads file contents it lacks (nothing was fetched; 'git fetch --refetch' or a full clone, or countersign verify in CI)",
      }
    : await gateVerdict(cwd, sha, record.parents, ctx);
  if (partial) lacking.push('the gate was not run');
  return {
    commit: {
      sha,
      parents: record.parents,
      subject: facts.subject,
      message: record.message,
      author: { name: record.authorName, email: record.authorEmail, time: iso(record.authorTime) },
      committer: { name: record.committerName, email: record.committerEmail, time: iso(record.committerTime) },
    },
    provenance,
    approvals,
    gate,
    ...(lacking.length > 0
      ? {
          warnings: [
            `this clone lacks objects ${sha.slice(0, 12)} needs, and nothing was fetched: ${lacking.join('; ')}`,
          ],
        }
      : {}),
  };
}

async function explainApprovals(
  cwd: string,
  facts: CommitFacts,
  ctx: Awaited<ReturnType<typeof judgingContext>>,
): Promise<Explanation['approvals']> {
  // The policy approvals are judged under: the protected branch as this clone knows it, else HEAD's.
  const source = ctx.trackingSha
    ? await readPolicyFrom(cwd, [{ rev: ctx.trackingSha, label: ctx.trackingLabel ?? ctx.trackingSha }])
    : await readPolicyFrom(cwd, [{ rev: 'HEAD', label: 'HEAD (no protected branch known: pass --branch)' }]);
  let policy: Policy | undefined;
  let policyInfo: Explanation['approvals']['policy'];
  if (source.kind === 'ok') {
    policy = source.policy;
    policyInfo = { from: source.from, status: 'ok' };
  } else if (source.kind === 'error') policyInfo = { from: source.from, status: 'error', message: source.message };
  else policyInfo = { from: `${POLICY_FILE} (looked in ${source.looked.join(', ') || 'nothing'})`, status: 'none' };

  const { statements, errors, unreadable } = await readStatements(cwd);
  // The gate's rules (core/statementStanding.ts) over the commits the statements' tips reach that the
  // commit's parents do not: which statements cover it, and which of them count.
  const keys = policy ? statementKeys(policy) : undefined;
  const graph = await graphAbove(
    cwd,
    facts.parents,
    statements.map((s) => s.signed.statement.tip),
  );
  const commits = graph.commits;
  const standing = await historyStanding(
    cwd,
    graph.graph,
    commits,
    statements.map((s) => ({ attachedTo: s.noteCommit, signed: s.signed })),
    unreadable,
    keys ?? statementKeys(undefined),
    facts.parents,
  );
  const commit = { sha: facts.sha, author: { email: facts.authorEmail }, committer: { email: facts.committerEmail } };
  const counted = standing.forCommit(commit);
  const on = standing.statementsOn(facts.sha);
  const noteOf = new Map(statements.map((s) => [s.signed, s.noteCommit]));
  const out: ExplainedApproval[] = [];
  const entry = (
    signed: SignedStatement,
    verification: ExplainedApproval['verification'],
    why: string | undefined,
  ): ExplainedApproval => {
    const st = signed.statement;
    return {
      attachedTo: noteOf.get(signed) ?? st.tip,
      decision: st.decision,
      reviewer: st.reviewer,
      time: st.time,
      tip: st.tip,
      base: st.base,
      ...(st.comment ? { comment: st.comment } : {}),
      verification,
      counts: why === undefined,
      ...(why ? { why } : {}),
    };
  };
  for (const v of on.valid) {
    const verification = keys
      ? { ok: true, reason: 'signature valid', fingerprint: v.fingerprint }
      : {
          ok: false,
          reason: policyInfo.status === 'error' ? 'the policy is unreadable' : 'no policy lists reviewer keys',
        };
    out.push(entry(v.signed, verification, keys ? whyNotCounted(v, counted) : verification.reason));
  }
  for (const r of on.refused) out.push(entry(r.signed, { ok: false, reason: r.why }, r.why));
  out.sort((a, b) => a.time.localeCompare(b.time));
  return { policy: policyInfo, statements: out, errors };
}

/** Why a valid statement covering the commit does not count for it, by the gate's counting (undefined: it counts). */
function whyNotCounted(v: CheckedStatement, counted: CommitStanding): string | undefined {
  if (v.signed.statement.decision === 'reject') {
    return counted.rejections.some((r) => r.reject.signed === v.signed)
      ? undefined
      : 'a later approval by the same reviewer lifts it';
  }
  if (counted.approvals.some((a) => a.signed === v.signed)) return undefined;
  const self = counted.selfApprovals.find((x) => samePerson(x.reviewer.email, v.reviewer.email));
  if (self) return `the reviewer ${self.as} this commit (two-person rule)`;
  if (counted.rejections.some((r) => r.voided?.signed === v.signed))
    return 'a later rejection by the same reviewer voids it';
  return 'a later approval by the same reviewer counts instead';
}

/**
 * The commits the statements' tips reach that `parents` do not, as a graph: one `git rev-list --parents`. A
 * tip reaches the commit inside it iff the commit is its ancestor, and a base outside it is an ancestor of a
 * parent, so it cannot exclude the commit.
 */
async function graphAbove(
  cwd: string,
  parents: string[],
  tips: string[],
): Promise<{ graph: CommitGraph; commits: Array<{ sha: string; parents: string[] }> }> {
  const graph = new CommitGraph();
  const commits: Array<{ sha: string; parents: string[] }> = [];
  for (const [sha, ps] of (await parentsAbove(cwd, tips, parents)).parents) {
    graph.add(sha, ps);
    commits.push({ sha, parents: ps });
  }
  return { graph, commits };
}

async function gateVerdict(
  cwd: string,
  sha: string,
  parents: string[],
  ctx: Awaited<ReturnType<typeof judgingContext>>,
): Promise<GateVerdict> {
  if (!ctx.branch)
    return {
      available: false,
      reason: 'no protected branch known: the current branch has no upstream; pass --branch NAME',
    };
  let landed = false;
  if (ctx.trackingSha) {
    landed = (await runGit(['merge-base', '--is-ancestor', sha, ctx.trackingSha], { cwd, okCodes: [1] })).code === 0;
  }
  try {
    const { result } = await verifyRange(cwd, {
      branch: ctx.branch,
      ...(ctx.remote ? { remote: ctx.remote } : {}),
      head: sha,
      fetch: false,
      // A commit already on the branch is judged alone, as the push that brought it would have judged it.
      ...(landed && parents[0] ? { base: parents[0] } : {}),
    });
    const decision = result.commits.find((c) => c.sha === sha);
    return {
      available: true,
      branch: result.branch,
      protected: result.protected,
      ...(result.policyFrom ? { policyFrom: result.policyFrom } : {}),
      judgedAs: landed ? 'landed' : 'pending',
      ...(decision ? { decision } : {}),
      ok: decision ? decision.ok && result.errors.length === 0 : result.ok,
      errors: result.errors,
      notices: result.notices,
    };
  } catch (e) {
    return { available: false, branch: ctx.branch, reason: errorMessage(e) };
  }
}
