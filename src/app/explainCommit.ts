import { changedPathsUnread } from '../core/changedPaths';
import { CountersignError } from '../core/errors';
import { countBinaryLines } from '../git/binaryFiles';
import { commitFacts, overclaimedPaths } from '../core/report/commitFacts';
import { fileLineCounts } from '../git/fileLineCounts';
import { withGitReadCache } from '../git/gitRunner';
import { streamHistory, type HistoryCommit } from '../git/historyStream';
import { lacksObjects } from '../git/missingObjects';
import { headIsUnborn, resolveRevision } from '../git/revision';
import { absentNoteBlobs, AI_NOTES_REF, APPROVALS_NOTES_REF, readNotes } from '../git/notesReader';
import { explainApprovals } from './explainApprovals';
import { gateVerdict, judgingContext, landedPushPolicy, withLandedPolicy, type ExplainOptions } from './explainGate';
import { explainProvenance } from './explainProvenance';
import type { Explanation, GateVerdict } from './explanation';
import { shortSha } from '../core/shortSha';
import { listRemotes, requireNamedRemote } from '../git/remotes';
import { unfetchedNotes, unfetchedNotesSentence, verdictWithoutApprovals } from '../git/unfetchedNotes';

/**
 * `countersign explain REV` (docs/design.md): the page an incident review starts from — the commit's provenance
 * (trailers and note), the approvals that cover it with their verification result under a named policy, and
 * the gate's verdict for it. Read-only: it fetches nothing (run `git fetch` first for the remote's view). The
 * CLI prints it (as JSON or through explainText.ts); the editor opens it as a document.
 */
function iso(sec: number): string {
  return new Date(sec * 1000).toISOString();
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
  // Judged with no remote at all, it said "no upstream" for a branch that has one (newuser14 S12).
  if (opts.remote !== undefined) requireNamedRemote(await listRemotes(cwd), opts.remote, 'explain');
  // The rule approve and verify resolve by (revision.ts): a tag named like the short id the reader was shown, at
  // another commit, must not be what the page explains (attack P2).
  const sha = await resolveRevision(cwd, rev, 'REV');
  if (sha === undefined)
    throw new CountersignError(
      'usage',
      rev === 'HEAD' && (await headIsUnborn(cwd))
        ? 'explain: this repository has no commits yet, so HEAD names none; commit something first'
        : `explain: '${rev}' is not a commit in this repository (git fetch it, or check the name)`,
    );

  // What this clone lacks is not fetched (issue 12): a partial clone is read without diff stats (they would
  // fetch the commit's blobs), a snapshot that lost a blob is read again without them, and notes whose blobs
  // are missing are left out; one warning line says so.
  const lacking: string[] = [];
  // "Partial" means objects this commit's page reads are absent, not just a promisor remote configured: a clone
  // whose server ignored --filter has them all (newuser22 F-partial-false). Its tree and its parents' trees.
  const partial = await lacksObjects(cwd, ['--no-walk', sha, `${sha}^@`]);
  let record: HistoryCommit | undefined;
  const readCommit = (numstat: boolean) =>
    streamHistory(cwd, { revs: [sha], numstat, extra: ['--no-walk'], headers: true }, (c) => {
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
  // A commit changing more paths than the gate's bound is read without its files (git/historyStream.ts): said so.
  const unread = record.pathsOver ? changedPathsUnread([sha]) : undefined;
  // Binary files' lines, counted as text as the commit hook and the gate count them (core/textLines.ts).
  await countBinaryLines(cwd, [record]);
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

  const provenance = explainProvenance(facts, noteText);

  const ctx = await withLandedPolicy(cwd, sha, record.parents, await judgingContext(cwd, opts, sha));
  let read = await explainApprovals(cwd, facts, ctx);
  let approvals = read.section;
  if (partial) {
    const absent = (await absentNoteBlobs(cwd, APPROVALS_NOTES_REF)).size;
    if (absent > 0)
      lacking.push(
        `${absent} refs/notes/countersign note(s) were not read (the clone lacks their content), so approvals in them are not listed`,
      );
  }
  // A plain clone never fetched notes: said once as a warning, and in a BLOCKED verdict itself (newuser20 F6).
  const unfetched = await unfetchedNotes(cwd);
  const gated: GateVerdict = partial
    ? {
        available: false,
        ...(ctx.branch ? { branch: ctx.branch } : {}),
        reason:
          "this is a partial clone: the gate reads file contents it lacks (nothing was fetched; 'git fetch --refetch' or a full clone, or countersign verify in CI)",
      }
    : await gateVerdict(
        cwd,
        sha,
        record.parents,
        ctx,
        approvals.statements
          .filter((a) => a.decision === 'approve' && a.counts)
          .map((a) => ({ base: a.base, tip: a.tip })),
      );
  const without = gated.decision && !gated.decision.ok ? verdictWithoutApprovals(unfetched) : undefined;
  const gate: GateVerdict = without ? { ...gated, withoutApprovals: without } : gated;
  const unfetchedWarning = unfetched && unfetchedNotesSentence(unfetched, 'explain');
  if (partial) lacking.push('the gate was not run');
  else {
    // The approvals are read again under the policy the gate judged with once it found the approved push that
    // brought a commit on the policy branch: that push's base, not the commit's first parent (newuser15 #1).
    const pushed = gate.landedWith ? landedPushPolicy(ctx, gate.landedWith) : ctx;
    if (pushed !== ctx) read = await explainApprovals(cwd, facts, pushed);
    approvals = read.withGateMatches(gate.decision);
  }
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
    ...(lacking.length > 0 || unfetchedWarning || unread
      ? {
          warnings: [
            ...(unread ? [unread] : []),
            ...(unfetchedWarning ? [unfetchedWarning] : []),
            ...(lacking.length > 0
              ? [`this clone lacks objects ${shortSha(sha)} needs, and nothing was fetched: ${lacking.join('; ')}`]
              : []),
          ],
        }
      : {}),
  };
}
