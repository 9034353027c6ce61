import { personKey } from '../core/approvalRules';
import { changedPathsUnread } from '../core/changedPaths';
import { CountersignError, errorMessage } from '../core/errors';
import { MAX_AI_NOTE_BYTES, unreadNoteStandIn } from '../core/noteBounds';
import { AiNoteReadBudget } from '../core/report/aiNoteReadBudget';
import { POLICY_FILE } from '../core/policy';
import { CommitGraph } from '../core/report/commitGraph';
import {
  applyNote,
  commitFacts,
  countAdded,
  metadataFacts,
  overclaimedPaths,
  readNoteSummary,
  type CommitFacts,
} from '../core/report/commitFacts';
import { commitInconsistencies, orphanNotes, type Inconsistency, type OrphanNote } from '../core/report/consistency';
import type { ReviewBasis } from '../core/report/aggregate';
import { readObjects } from './catFileBatch';
import { HistoryNotes } from './historyNotes';
import { judgeReviewNeed, policiesOf } from './historyReviewNeed';
import { fileLineCounts } from './fileLineCounts';
import { historyStanding } from './historyStanding';
import { runGit } from './gitRunner';
import { streamHistory, type HistoryCommit, type NumstatEntry } from './historyStream';
import { countBinaryLines } from './binaryFiles';
import { lacksObjects } from './missingObjects';
import { absentNoteBlobs, AI_NOTES_REF, APPROVALS_NOTES_REF, listNotes, objectsByBlob } from './notesReader';
import { shortSha } from '../core/shortSha';
import { policyAt, readStatements } from './historyStatements';
import { landedStatementKeys } from './landedStatementKeys';
import { revParse } from './revision';
import { attachRetiredKeysFor } from './retiredReviewerKeys';

/**
 * Reads the provenance of a whole history with a fixed number of git processes, whatever its length
 * (docs/design.md "Scale"): `git notes list` for each notes ref, one `git log` stream (fields, trailers from %B,
 * numstat), one `git cat-file --batch` running alongside for the notes of the streamed commits, one for the
 * approval notes,
 * one `git show` for the policy and, only when some note's commit is outside the range, one `git rev-list`.
 */
export interface HistoryOptions {
  revs: string[];
  /** Count added lines per file (git log --numstat); off makes the stream cheaper. */
  numstat?: boolean;
  /** Revision whose .countersign.json judges approval signatures (default HEAD; `report` passes the policy branch). */
  policyRev?: string;
  /** How the report names that revision (default: `policyRev` itself). */
  policyLabel?: string;
  onProgress?: (commits: number) => void;
  /** Set on the second read after `git log --numstat` met a missing blob: what git said. */
  missingBlobs?: string;
  /**
   * The number of commits in `revs` (`git rev-list --count`), when the caller has it: a range holding most
   * of the notes has them all read from the start (historyNotes.ts).
   */
  count?: number;
}

export interface ProvenanceHistory {
  commits: CommitFacts[];
  /**
   * What this clone lacked (issue 12: snapshots and partial clones are normal): one sentence each, for a
   * warning line. Nothing is fetched to fill the gaps.
   */
  warnings: string[];
  review: ReviewBasis;
  orphanNotes: OrphanNote[];
  inconsistencies: Inconsistency[];
}

/**
 * A note may claim any lines (issue 16, class 1): `report` must not count more AI lines than a file has. The
 * notes whose claim on a file exceeds what the commit added there (few: git-ai and Countersign attest added
 * lines) are read again, after the stream, with the lengths of those files in those commits — one
 * `git cat-file --batch` for the lengths, one for the notes, each blob dropped once counted.
 */
async function recountOverclaimed(
  cwd: string,
  overclaimed: CommitFacts[],
  aiNotes: Map<string, string>,
  budget: AiNoteReadBudget,
): Promise<void> {
  if (overclaimed.length === 0) return;
  const lengths = await fileLineCounts(
    cwd,
    overclaimed.flatMap((f) => overclaimedPaths(f).map((path) => ({ commit: f.sha, path }))),
  );
  let i = 0;
  await readObjects(
    cwd,
    overclaimed.map((f) => aiNotes.get(f.sha) as string),
    (_blob, content) => {
      const f = overclaimed[i++];
      if (!content) return;
      const text = content.toString('utf8');
      applyNote(
        f,
        budget.take(text) ? readNoteSummary(text, f.sha, lengths(f.sha)) : { error: AiNoteReadBudget.unread },
      );
    },
    { maxBytes: MAX_AI_NOTE_BYTES },
  );
}

export async function readProvenanceHistory(cwd: string, opts: HistoryOptions): Promise<ProvenanceHistory> {
  const [aiNotes, approvalNotes] = await Promise.all([
    listNotes(cwd, AI_NOTES_REF),
    listNotes(cwd, APPROVALS_NOTES_REF),
  ]);

  // 1+2. One `git log` stream and, alongside it, one `git cat-file --batch` for the notes (historyNotes.ts).
  // Each record is reduced to its facts at once (the message is dropped) and each note to its summary as it
  // arrives (the text and parsed note are dropped): memory grows with the number of commits and notes by a few
  // hundred bytes each, and with the largest note or commit, never with the notes' total size.
  // A partial clone lacks most blobs: numstat would fetch them commit by commit, so added lines are not
  // counted there, and note blobs it lacks are not asked for (cat-file would try to fetch them).
  const warnings: string[] = [];
  // Objects of the range actually absent, not only a promisor configured (newuser22 F-partial-false).
  const partial = (opts.numstat ?? true) && (await lacksObjects(cwd, opts.revs));
  const absentNotes = aiNotes.size > 0 ? await absentNoteBlobs(cwd, AI_NOTES_REF) : new Set<string>();
  let numstat = (opts.numstat ?? true) && !partial;
  let notesAbsent = 0;

  const graph = new CommitGraph();
  // One `git log`, not several over windows of the walk (`--skip`): in a packed repository each version of a
  // file is a delta on a newer one, and a window that starts mid-history rebuilds every file's delta chain
  // cold, thrashing git's delta-base cache — on a real project's pack the windows cost 1.6× one process's
  // CPU, and the wall time of the slower window alone matched one process (issue 11, session 11). Node's
  // work runs alongside git's on the other core.
  const commits: CommitFacts[] = [];
  const inHistory = new Set<string>();
  let streamed = 0;
  // Notes claiming more lines of a file than the commit added there: read again with the files' lengths.
  const overclaimed: CommitFacts[] = [];
  // Every note asked for up front when the range holds most of them (historyNotes.ts).
  const prefetch = opts.count !== undefined && aiNotes.size > 0 && aiNotes.size <= 4 * opts.count;
  // One budget over every note this reading parses, the recount's included (attack31 F7).
  const budget = new AiNoteReadBudget();
  const reader = new HistoryNotes(
    cwd,
    aiNotes,
    absentNotes,
    prefetch,
    (f, reading) => {
      applyNote(f, reading);
      if (overclaimedPaths(f).length > 0) overclaimed.push(f);
    },
    budget,
  );
  // Commits with binary files, whose lines are counted as text after the stream (few: only these are kept).
  const binary: Array<{ sha: string; parents: string[]; files: NumstatEntry[]; facts: CommitFacts }> = [];
  const pathsOver: string[] = [];
  const onCommit = (c: HistoryCommit) => {
    inHistory.add(c.sha);
    if (c.pathsOver) pathsOver.push(c.sha);
    const f = metadataFacts(c);
    if (c.files?.some((e) => e.added === undefined))
      binary.push({ sha: c.sha, parents: c.parents, files: c.files, facts: f });
    commits.push(f);
    streamed++;
    if (!reader.commit(f)) notesAbsent++;
    if (opts.onProgress && streamed % 5000 === 0) opts.onProgress(streamed);
  };
  // What needs no commit of the walk is asked of git while the history streams: the approval statements and the
  // policy judging them (step 3), and once the walk is listed the policy each first parent holds.
  const policyRev = opts.policyRev ?? 'HEAD';
  const approvals = Promise.all([readStatements(cwd, approvalNotes), policyAt(cwd, policyRev)]);
  approvals.catch(() => undefined);
  let policies: ReturnType<typeof policiesOf> | undefined;
  const onListed = (listed: ReadonlyArray<{ parents: string[] }>) => {
    policies = policiesOf(cwd, listed);
    policies.catch(() => undefined);
    reader.askAll();
  };
  try {
    try {
      await streamHistory(cwd, { revs: opts.revs, numstat, headers: true, onListed }, onCommit);
    } catch (e) {
      // A snapshot missing a blob: git log --numstat stops at the first one. Read the history again
      // without diff stats (commits, trailers and notes need no blob of the tree).
      if (!numstat || !CountersignError.is(e, 'missingObject')) throw e;
      numstat = false;
      await reader.close();
      return readProvenanceHistory(cwd, { ...opts, numstat: false, missingBlobs: errorMessage(e) });
    }
  } finally {
    await reader.close().catch(() => undefined);
  }
  for (const c of commits) graph.add(c.sha, c.parents);
  for (const b of await countBinaryLines(cwd, binary)) countAdded(b.facts, b.files);
  await recountOverclaimed(cwd, overclaimed, aiNotes, budget);
  await judgeReviewNeed(cwd, commits, policies); // with every note read: the rule counts the note's AI lines
  if (partial && (opts.numstat ?? true))
    warnings.push(
      `this is a partial clone: added lines were not counted for its ${commits.length} commit(s), so AI share is unknown (nothing was fetched; a full clone or 'git fetch --refetch' counts them); their trailers and notes still count`,
    );
  if (opts.missingBlobs)
    warnings.push(
      `some file contents are missing from this repository (${opts.missingBlobs.replace(/^.*?: /, '')}): added lines were not counted for its ${commits.length} commit(s), so AI share is unknown; their trailers and notes still count`,
    );
  if (pathsOver.length > 0) warnings.push(changedPathsUnread(pathsOver));
  const unread = budget.warning();
  if (unread) warnings.push(unread);
  if (notesAbsent > 0)
    warnings.push(
      `${notesAbsent} commit(s) have a refs/notes/ai note whose content this partial clone lacks: they were counted by their trailers alone (fetch the notes' blobs to count them)`,
    );
  const inconsistencies: Inconsistency[] = [];
  for (const f of commits) {
    inconsistencies.push(...commitInconsistencies(f));
    // Only the figures are kept from here on.
    f.trailers = [];
  }

  // 3. Approvals: well-formed statements, signatures checked against the policy when there is one.
  const [{ statements, errors, unreadable }, { policy, problem }] = await approvals;
  if (policy) await attachRetiredKeysFor(policy, statements); // the gate's rule: rejections outlive rotated keys
  // An approval that counted where its push landed keeps counting after a later rotation (newuser17 F1).
  const keys = await landedStatementKeys(
    cwd,
    policy,
    policy ? await revParse(cwd, `${policyRev}^{commit}`) : undefined,
    statements,
  );
  let counted = 0;
  for (const s of statements) {
    const v = keys.check(s.signed);
    if (v.ok) counted++;
    else
      errors.push(
        `refs/notes/countersign on ${shortSha(s.noteCommit)}: ${s.signed.statement.decision} by ${s.signed.statement.reviewer.email} not counted: ${v.why}`,
      );
  }
  // The gate's rules (core/statementStanding.ts): coverage by tip, base and rebase, rejections reaching from
  // beyond the history, the two-person rule; an unreadable line a commit depends on leaves it unreviewed.
  const standing = await historyStanding(
    cwd,
    graph,
    commits,
    statements.map((s) => ({ attachedTo: s.noteCommit, signed: s.signed })),
    unreadable,
    keys,
  );
  // A statement the gate's rules carried onto a commit here (a rebase keeps the patch-id) covers something in
  // this report: it is not "outside the history" (newuser8 F14).
  const covering = new Set(commits.flatMap((c) => standing.statementsOn(c.sha).valid.map((v) => v.signed)));
  const elsewhere = statements
    .map((x) => x.signed)
    .filter(
      (x) => x.statement.decision === 'approve' && !graph.has(x.statement.tip) && keys.check(x).ok && !covering.has(x),
    )
    .map((x) => x.statement);
  const problems = [...errors];
  const notes = elsewhere.length > 0 ? [outsideHistory(elsewhere, opts.revs)] : [];
  errors.push(...notes);
  for (const c of commits) {
    const st = standing.forCommit({
      sha: c.sha,
      author: { email: c.authorEmail },
      committer: { email: c.committerEmail },
      headerProblem: c.headerProblem,
    });
    c.reviewedBy =
      st.unreadable || st.unchecked ? [] : [...new Set(st.approvals.map((a) => personKey(a.reviewer.email)))].sort();
  }
  const review: ReviewBasis = policy
    ? {
        basis: 'signatures',
        detail: `approvals whose signature verifies against a reviewer key in ${POLICY_FILE} on ${opts.policyLabel ?? policyRev} (or on it where the approved push landed, for a key rotated since), not by the commit's author or committer`,
        statements: counted,
        errors,
        problems,
        notes,
      }
    : {
        basis: 'statements',
        detail: `well-formed approval statements, signatures NOT checked (${problem}); not by the commit's author or committer`,
        statements: counted,
        errors,
        problems,
        notes,
      };

  // 4. Notes on commits nothing reaches any more.
  const orphans: OrphanNote[] = [];
  const outside = [...aiNotes.keys(), ...approvalNotes.keys()].filter((o) => !inHistory.has(o));
  if (outside.length > 0) {
    const reachable = await reachableCommits(cwd, outside);
    orphans.push(
      ...orphanNotes(
        AI_NOTES_REF,
        [...aiNotes.keys()].filter((o) => !inHistory.has(o)),
        (o) => reachable.has(o),
      ),
    );
    orphans.push(
      ...orphanNotes(
        APPROVALS_NOTES_REF,
        [...approvalNotes.keys()].filter((o) => !inHistory.has(o)),
        (o) => reachable.has(o),
      ),
    );
  }
  return { commits, warnings, review, orphanNotes: orphans, inconsistencies };
}

/**
 * One sentence for all the statements whose range is not in this history, however many: a rebase or squash
 * leaves every approval of the old commits behind, and one line per statement buried the report.
 */
function outsideHistory(unresolved: Array<{ base: string; tip: string }>, revs: string[]): string {
  const n = unresolved.length;
  const some = unresolved
    .slice(0, 3)
    .map((u) => `${shortSha(u.base)}..${shortSha(u.tip)}`)
    .join(', ');
  return (
    `${n} approval statement${n === 1 ? ' is' : 's are'} about commits outside the history of ${revs.join(' ')} (${some}${n > 3 ? ', …' : ''}): ` +
    `rebased or squashed since, or on a branch this range leaves out, so ${n === 1 ? 'it covers' : 'they cover'} nothing in this report. ` +
    'To count them, include the branch they were made on in RANGE (countersign report main feature); for a rebased commit, ' +
    '`countersign explain REV` shows whether the gate still counts an approval for it'
  );
}

/**
 * Which of `candidates` are reachable from a branch, tag, remote-tracking ref or HEAD (notes refs excluded:
 * a notes commit holds its targets as tree entries, not as history). One `git rev-list`.
 */
export async function reachableCommits(cwd: string, candidates: string[]): Promise<Set<string>> {
  const want = new Set(candidates);
  const r = await runGit(['rev-list', '--exclude=refs/notes/*', '--all'], { cwd, okCodes: [128] });
  const out = new Set<string>();
  for (const line of r.stdout.split('\n')) if (want.has(line)) out.add(line);
  return out;
}

/** For `verify`: the trailer/note disagreements among `shas` (one log stream, one cat-file). */
export async function provenanceInconsistencies(cwd: string, shas: string[]): Promise<Inconsistency[]> {
  if (shas.length === 0) return [];
  const notes = await listNotes(cwd, AI_NOTES_REF);
  const records: HistoryCommit[] = [];
  const stdin = shas.join('\n') + '\n';
  await streamHistory(cwd, { revs: [], extra: ['--no-walk=unsorted', '--stdin'], stdin, headers: true }, (c) =>
    records.push(c),
  );
  const wanted = new Set(shas);
  const byBlob = objectsByBlob(notes, (sha) => wanted.has(sha));
  const text = new Map<string, string>();
  await readObjects(
    cwd,
    [...byBlob.keys()],
    (blob, content, _type, oversized) => {
      const read = content ? content.toString('utf8') : oversized ? unreadNoteStandIn(oversized) : undefined;
      if (read !== undefined) for (const sha of byBlob.get(blob) ?? []) text.set(sha, read);
    },
    { maxBytes: MAX_AI_NOTE_BYTES },
  );
  return records.flatMap((r) => commitInconsistencies(commitFacts(r, text.get(r.sha))));
}
