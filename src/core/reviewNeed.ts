import { eligibleReviewers } from './approvalRules';
import { parseAuthorshipNote } from './authorshipNote';
import { oversizedNote } from './noteBounds';
import { errorMessage } from './errors';
import type { ChangedFile, GateCommit, ReviewReasonKind } from './gate';
import { gitlinkReviewReason } from './gitlinkReview';
import { countRangeLines } from './lineRanges';
import { aiLinesByAgent } from './noteOwners';
import { POLICY_FILE, type Policy } from './policy';
import { chargedNames, describeHit, firstPathHit, policyMatchers, type PolicyMatchers } from './policyPaths';
import { aiBeyondCounts, commitEvidence, describeEvidence, type CommitEvidence } from './report/aiEvidence';
import { AI_PROVENANCE_FIX, parseTrailers } from './trailers';
import { commitAdded, untrackedReviewReason } from './untrackedReview';
import { reviewPathReasons } from './reviewPaths';
import { binaryFilesClause, oversizedFilesReason } from './textLines';
import { COMMIT_HEADER_FIX } from './commitObject';
import { shortSha } from './shortSha';
import { REVIEWED_POINT_WINDOW, type RangeBlast } from './rangeBlast';

/**
 * Why a commit needs review (docs/design.md, "The policy" and "The gate"): its AI lines, provenance, untracked
 * lines, paths, tiers — per commit and for the push as a whole (rangeBlast.ts, re-exported here). Which statements count is
 * statementStanding.ts; assembling the decision from both is gate.ts.
 */

export {
  rangeBlast,
  REVIEWED_POINT_WINDOW,
  type DeletionView,
  type RangeBlast,
  type SinceReviewed,
} from './rangeBlast';

export interface ReviewNeed {
  kinds: ReviewReasonKind[];
  reasons: string[];
  tiers: string[];
  approvals: number;
  roles: string[];
}

/** What the rule reads of a commit's refs/notes/ai note: its AI lines and agents, or why they are unknown. */
export type NoteAiReading = { lines: number; agents: string[] } | { unknown: string };

/** The gate's reading of the note text a commit carries (undefined: no note). */
export function readNoteAi(c: Pick<GateCommit, 'sha' | 'aiNote' | 'aiNoteUnread'>): NoteAiReading | undefined {
  const unread = c.aiNoteUnread ?? (c.aiNote === undefined ? undefined : oversizedNote(c.aiNote));
  if (unread !== undefined)
    return { unknown: `its provenance note (refs/notes/ai) was not read, so its AI lines are unknown: ${unread}` };
  if (c.aiNote === undefined) return undefined;
  try {
    const byAgent = aiLinesByAgent(parseAuthorshipNote(c.aiNote, `the refs/notes/ai note on ${shortSha(c.sha)}`));
    let lines = 0;
    for (const files of byAgent.values()) for (const ranges of files.values()) lines += countRangeLines(ranges);
    return { lines, agents: [...byAgent.keys()] };
  } catch (e) {
    return {
      unknown: `its provenance note (refs/notes/ai) is unreadable, so its AI lines are unknown: ${errorMessage(e)}`,
    };
  }
}

/**
 * Why this commit needs review under `policy` (empty kinds: it does not). `charged`: the files the path,
 * deletion and policy rules read (core/mergeView.ts, for a merge); the commit's own diff when absent.
 * `matchers`: policyMatchers(policy), made once by a caller judging many commits.
 */
export function reviewNeed(
  policy: Policy,
  c: GateCommit,
  policyChangedHere: boolean,
  range?: RangeBlast,
  charged: ChangedFile[] = c.files,
  matchers: PolicyMatchers = policyMatchers(policy),
): ReviewNeed {
  const identity = { authorName: c.author.name, authorEmail: c.author.email, headerProblem: c.headerProblem };
  const evidence = commitEvidence(identity, parseTrailers(c.message), c.message);
  return reviewNeedOf(policy, c, evidence, readNoteAi(c), policyChangedHere, range, charged, matchers);
}

/** What reviewNeedOf reads of a commit besides its message and note (a report has these without a push). */
export type NeedCommit = Pick<
  GateCommit,
  | 'sha'
  | 'parents'
  | 'author'
  | 'committer'
  | 'files'
  | 'restored'
  | 'mergeOwnAdded'
  | 'written'
  | 'sizedLines'
  | 'unjudgedGitlinks'
  | 'links'
  | 'linksBefore'
  | 'headerProblem'
>;

/**
 * The rule itself, from what the commit's message says (`evidence`: core/report/aiEvidence.ts) and what its note
 * says (`note`): the gate reads both from the pushed objects, `report` from its history stream — one rule.
 */
export function reviewNeedOf(
  policy: Policy,
  c: NeedCommit,
  evidence: CommitEvidence,
  note: NoteAiReading | undefined,
  policyChangedHere: boolean,
  range?: RangeBlast,
  charged: ChangedFile[] = c.files,
  matchers: PolicyMatchers = policyMatchers(policy),
): ReviewNeed {
  const kinds: ReviewReasonKind[] = [];
  const reasons: string[] = [];
  const add = (k: ReviewReasonKind, why: string) => {
    if (!kinds.includes(k)) kinds.push(k);
    reasons.push(why);
  };
  const paths = charged.map((f) => f.path);
  if (policyChangedHere || paths.includes(POLICY_FILE)) {
    add('policyChange', `changes ${POLICY_FILE}: a policy change always needs review under the policy it replaces`);
  }

  const added = c.files.reduce((n, f) => n + (f.added ?? 0), 0);
  // A binary file's lines count (core/textLines.ts); a reason that counts lines says which files are binary.
  const binary = binaryFilesClause(c.files);
  const withBinary = (why: string) => (binary ? `${why} — ${binary}` : why);
  const noteAi = note && 'lines' in note ? note : undefined;
  if (note && 'unknown' in note) add('unreadableNote', note.unknown);
  if (c.headerProblem !== undefined) {
    // The rule for an unreadable AI-Provenance below, for the whole object: and since its author and committer
    // are unreadable too, no approval counts for it (approvalRules.selfReview) until it is re-created.
    add(
      'unattested',
      `unattested: commit ${shortSha(c.sha)} ${c.headerProblem}, so git and Countersign may read its message, author and committer differently: its provenance is unreadable, and nobody may approve it as it is (no one can be shown not to be its author) — fix: ${COMMIT_HEADER_FIX}`,
    );
  } else if (evidence.provenanceError !== undefined) {
    // Unreadable fails closed, whatever review.unattested says: the commit claims to be attested.
    add(
      'unattested',
      `unattested: the AI-Provenance of commit ${shortSha(c.sha)} is unreadable: ${evidence.provenanceError} — fix: ${AI_PROVENANCE_FIX}`,
    );
  } else if (evidence.provenance === undefined && policy.review.unattested) {
    add(
      'unattested',
      "unattested: no AI-Provenance trailer (Countersign's hooks were bypassed or not installed), so nobody can say how much of it AI wrote",
    );
  }
  // The larger of the two: a note cannot talk a trailer's AI count down (nor the other way round).
  const counts = [noteAi?.lines, evidence.provenance?.ai].filter((n): n is number => n !== undefined);
  const aiLines = counts.length > 0 ? Math.max(...counts) : undefined;
  const total = evidence.provenance
    ? evidence.provenance.ai + evidence.provenance.human + evidence.provenance.untracked
    : added;
  const agents = [...new Set([...(noteAi?.agents ?? []), ...evidence.agents.map((a) => a.agent)])];
  const agentText = agents.length > 0 ? ` (${agents.join(', ')})` : '';
  const named = aiBeyondCounts(evidence, aiLines);
  if (named.length > 0) {
    const counted =
      aiLines === undefined
        ? ' (no line counts, so every threshold is treated as met)'
        : `, ${aiLines} AI line(s) counted`;
    add('ai', `AI-attributed: ${named.map(describeEvidence).join('; ')}${counted}`);
  } else if (aiLines !== undefined && aiLines > 0) {
    const share = total > 0 ? aiLines / total : 1;
    if (aiLines >= policy.review.aiLines && share >= policy.review.aiShare) {
      add(
        'ai',
        withBinary(
          `AI-attributed: ${aiLines} of ${total} added line(s) written by AI${agentText}${noteAi ? '' : ' (AI-Provenance trailer)'}`,
        ),
      );
    }
  }
  const restored = c.restored?.lines ?? 0;
  if (restored > 0 && c.restored) {
    // No commit of the push shows these lines, so the push carries no provenance for them: counted as AI.
    const shown = c.restored.files
      .slice(0, 5)
      .map((f) => `${f.path}: ${f.lines}`)
      .join(', ');
    const more = c.restored.files.length > 5 ? `, and ${c.restored.files.length - 5} more file(s)` : '';
    const why = `brings back ${restored} line(s) that no commit of this push writes (${shown}${more}), from ${shortSha(c.restored.from)} where its first-parent history leaves the push — their provenance is not in this push, so they count as AI-written`;
    const ai = (aiLines ?? 0) + restored;
    if (kinds.includes('ai') || (ai >= policy.review.aiLines && ai / (total + restored) >= policy.review.aiShare))
      add('ai', `AI-attributed: ${why}`);
  }
  // A merge's trailer counts only the lines the merge itself writes (not those it takes from its parents), so a
  // merge's own lines (found in none of its parents), not its first-parent diff, are held against its trailer.
  const untracked = untrackedReviewReason(
    policy.review.untracked,
    evidence.provenance,
    commitAdded(c),
    range?.untracked,
    c.written,
    c.sizedLines,
  );
  if (untracked) add('untracked', withBinary(untracked));
  const gitlink = gitlinkReviewReason(c);
  if (gitlink) add('gitlink', gitlink);
  const oversized = oversizedFilesReason(c.sha, c.files); // counted by newlines: no line is attributable
  if (oversized) add('unattested', oversized);

  // By each path's own name, and by the names the commit's symlinks give it (attack17 Q5): one rule, policyPaths.ts.
  const names = chargedNames(paths, c.links, c.linksBefore, matchers.names);
  for (const why of reviewPathReasons(names, matchers.reviewPaths)) add('path', why);

  const tiers: string[] = [];
  let approvals = policy.approvals;
  const roles: string[] = [];
  const deletedFiles = charged.filter((f) => f.status === 'D').length;
  const deletedLines = charged.reduce((n, f) => n + (f.deleted ?? 0), 0);
  const pending: Array<{ tier: Policy['tiers'][number]; why: string }> = [];
  for (const [ti, t] of policy.tiers.entries()) {
    const whys: string[] = [];
    const hit = firstPathHit(names, matchers.tiers[ti]);
    if (hit) whys.push(`touches ${describeHit(hit)}`);
    if (t.deletedFiles !== undefined && deletedFiles >= t.deletedFiles) whys.push(`deletes ${deletedFiles} file(s)`);
    if (t.deletedLines !== undefined && deletedLines >= t.deletedLines) whys.push(`deletes ${deletedLines} line(s)`);
    if (whys.length > 0) {
      pending.push({ tier: t, why: whys.join(', ') });
      continue;
    }
    // The push as a whole: each commit that deletes something carries the tier, so one approval of the tip
    // (from the branch's base) by enough reviewers covers them all.
    const why = range && range.contributors.has(c.sha) ? rangeTierWhy(t, range) : undefined;
    if (why) pending.push({ tier: t, why });
  }
  if (kinds.includes('policyChange')) {
    // The change can remove any tier, so it needs what the strictest tier asks (outside tester, session 7:
    // one reviewer loosened the infrastructure tier, then approved a Dockerfile alone) — capped at the
    // reviewers who may approve it, so a reviewer in a team of two can still change it with the other's approval.
    const eligible = eligibleReviewers(policy, c);
    const strictest = Math.max(policy.approvals, ...policy.tiers.map((t) => t.approvals));
    const needed = Math.max(policy.approvals, Math.min(strictest, eligible.length));
    const tierRoles = [...new Set(policy.tiers.flatMap((t) => t.roles))].filter((r) =>
      eligible.some((e) => e.role === r),
    );
    if (needed > approvals || tierRoles.length > 0) {
      approvals = Math.max(approvals, needed);
      for (const r of tierRoles) if (!roles.includes(r)) roles.push(r);
      const needs = [`${needed} approval(s)`, ...tierRoles.map((r) => `one from a reviewer with role '${r}'`)].join(
        ' and ',
      );
      reasons.push(`a policy change needs what the strictest tier of the policy it replaces needs: ${needs}`);
    }
  }
  for (const { tier, why } of pending) {
    if (tier.scope === 'review' && kinds.length === 0) continue;
    tiers.push(tier.name);
    approvals = Math.max(approvals, tier.approvals);
    for (const r of tier.roles) if (!roles.includes(r)) roles.push(r);
    const needs = [
      `${tier.approvals} approval(s)`,
      ...tier.roles.map((r) => `one from a reviewer with role '${r}'`),
    ].join(' and ');
    add('tier', `tier '${tier.name}': ${why} — needs ${needs}`);
  }
  return { kinds, reasons, tiers, approvals, roles };
}

/** Why the push as a whole, or with the unreviewed commits before it, meets deletion tier `t`; undefined if not. */
function rangeTierWhy(t: Policy['tiers'][number], range: RangeBlast): string | undefined {
  const crossed = (files: number, lines: number) =>
    [
      t.deletedFiles !== undefined && files >= t.deletedFiles ? `${files} files` : '',
      t.deletedLines !== undefined && lines >= t.deletedLines ? `${lines} lines` : '',
    ]
      .filter(Boolean)
      .join(' and ');
  const n = range.contributors.size;
  const own = n > 1 ? crossed(range.files, range.lines) : '';
  if (own) return `this push deletes ${own} across ${n} commits`;
  const s = range.since;
  if (!s || (t.deletedFiles === undefined && t.deletedLines === undefined)) return undefined;
  const since = `the unreviewed commits on ${s.branch}${s.point ? ` since ${shortSha(s.point)}, its last approved commit,` : ''}`;
  const untilApproved = `so what ${s.branch} lost before this push cannot be counted; until reviewers approve ${s.branch}'s tip as the deletion tier asks (\`countersign approve <tip>\`), a push that deletes anything is judged as a mass deletion`;
  if (s.unknown && s.bytes !== undefined)
    return `${since} change ${Math.ceil(s.bytes / 1024 ** 2)} MiB of file versions to compare, more than the gate compares on each push, ${untilApproved}`;
  if (s.unknown && s.entries !== undefined)
    return `${since} change too many files to compare (more than ${s.entries} changed paths to read, counted per commit and per reading), more than the gate reads on each push, ${untilApproved}`;
  if (s.unknown && s.unjudged !== undefined)
    return `the ${s.unjudged} newest approved commits on ${s.branch} do not have the approvals their own changes need or the deletion tier asks (or a request for changes holds them), and the gate judges no more of them on each push, so what ${s.branch} lost before this push cannot be counted; until reviewers approve ${s.branch}'s tip as its tiers ask (\`countersign approve <tip> --base <an earlier approved commit>\`), a push that deletes anything is judged as a mass deletion`;
  if (s.unknown)
    return `${s.branch} has no approved commit within the ${REVIEWED_POINT_WINDOW.commits} commits (or ${REVIEWED_POINT_WINDOW.deleting} deleting ones) the gate looks through, so what it lost before this push cannot be counted; until reviewers approve a commit on it as the deletion tier asks, a push that deletes anything is judged as a mass deletion`;
  const all = crossed(s.files, s.lines);
  if (!all) return undefined;
  // A tip approved by fewer reviewers than the tier asks, or without its roles, restarts nothing (attack23 04):
  // said, so nobody looks for it.
  const short = s.roles
    ? `had approvals that do not meet the deletion tier (roles: ${s.roles.join(', ')})`
    : 'had fewer approvals than the deletion tier asks';
  const fewer = s.fewer ? `${s.fewer} ${s.point ? 'later ' : ''}approved commit(s) ${short}` : '';
  if (!s.point)
    return `this push and the ${s.count} unreviewed commit(s) on ${s.branch} (none is approved yet${fewer ? `: ${fewer}` : ''}) delete ${all}`;
  return `this push and the ${s.count} unreviewed commit(s) on ${s.branch} since ${shortSha(s.point)}, its last approved commit, delete ${all}${fewer ? `; ${fewer}` : ''} (\`countersign approve <tip> --base ${s.point}\` shows a reviewer all of it)`;
}
