import { POLICY_FILE } from '../../core/policyFile';
import { samePerson } from '../../core/approvalRules';
import { approveCommandFor } from '../../core/gate';
import { CHANGES_REQUESTED_RULE } from '../../core/changesRequested';
import type { CommitCard, ReviewBranch } from '../../core/panel/protocol';
import { repoView, reviewBranchView } from '../../core/panel/viewModel';
import { CountersignError, errorMessage } from '../../core/errors';
import { listRemotes } from '../../git/remotes';
import { fetchForReview, repoSnapshot } from '../../app/reviewSnapshot';
import { resolveRepo } from '../../git/repository';
import { parseCommandArgs, writeJson, type Command } from '../command';
import { shortSha } from '../../core/shortSha';

/** What one awaiting commit looks like in `review --json`: the panel's card, trimmed to what a script reads. */
interface AwaitingCommit {
  sha: string;
  subject: string;
  author: { name: string; email: string };
  base: string;
  aiLines: number | null;
  reasons: string[];
  approvals: Array<{ name: string; email: string }>;
  canApprove: boolean;
  cannotApprove?: string;
  approveCommand: string;
}

/**
 * Why the caller cannot usefully approve `c`: the panel's reason (core/panel/viewModel.ts cannotApprove), or —
 * what the card does not say — that their own approval already counts for it (newuser8 F12: the commit was
 * listed as awaiting them, and approving again only added a second statement that changes nothing).
 */
function notYours(c: CommitCard, me: string | undefined): string | undefined {
  if (c.cannotApprove) return c.cannotApprove;
  const mine = me ? c.approvals.find((a) => samePerson(a.email, me)) : undefined;
  return mine
    ? `you approved it already (${mine.time}); it needs another reviewer's approval, and approving again changes nothing`
    : undefined;
}

function awaiting(card: CommitCard, me: string | undefined): AwaitingCommit {
  const why = notYours(card, me);
  const c = { ...card, ...(why ? { cannotApprove: why } : {}) };
  return {
    sha: c.sha,
    subject: c.subject,
    author: c.author,
    base: c.base,
    aiLines: c.aiLines,
    reasons: c.reasons,
    approvals: c.approvals.map((a) => ({ name: a.name, email: a.email })),
    canApprove: c.cannotApprove === undefined,
    ...(c.cannotApprove ? { cannotApprove: c.cannotApprove } : {}),
    approveCommand: approveCommandFor(c.sha, c.base),
  };
}

/** `approveTip` in `review --json`: the panel's, with canApprove and the command as each commit has them. */
function tipJson(b: ReviewBranch, me: string | undefined) {
  const tip = b.approveTip as NonNullable<ReviewBranch['approveTip']>;
  const why = tipNotYours(b, me);
  return {
    sha: tip.sha,
    base: tip.base,
    covers: tip.covers,
    canApprove: why === undefined,
    ...(why ? { cannotApprove: why } : {}),
    approveCommand: approveCommandFor(tip.sha, tip.base),
  };
}

/** A multi-line message under a list item keeps its later lines indented (N20). */
function indented(text: string, spaces: number): string {
  return text.split('\n').join('\n' + ' '.repeat(spaces));
}

/**
 * The branch's one decision first (newuser15 #5: a command per commit read as three approvals to sign and push,
 * where one approval of the tip covers them all, as verify and `approve REMOTE/BRANCH` say); the cards'
 * commands follow as the alternative.
 */
function tipLines(b: ReviewBranch, me: string | undefined): string[] {
  const tip = b.approveTip;
  if (!tip) return [];
  const n = b.commits.length;
  const why = tipNotYours(b, me);
  if (why)
    return [
      `  the tip ${shortSha(tip.sha)} is no approval for you to sign (${why.replace(/\.$/, '')}); commit by commit:`,
    ];
  const more = tip.covers - n;
  return [
    `  approve all ${n} at once — one approval of the tip ${shortSha(tip.sha)} covers ${shortSha(tip.base)}..${shortSha(tip.sha)}${more > 0 ? ` (also the ${more} commit(s) that need no review)` : ''}:`,
    `      ${approveCommandFor(tip.sha, tip.base)}`,
    '  or commit by commit (each command covers the commits before it on the branch too):',
  ];
}

/** Why the caller cannot usefully approve the tip: as a card's (notYours), and an approval of theirs covering it. */
function tipNotYours(b: ReviewBranch, me: string | undefined): string | undefined {
  if (b.approveTip?.cannotApprove) return b.approveTip.cannotApprove;
  const head = b.commits.find((c) => c.sha === b.head);
  return head ? notYours(head, me) : undefined;
}

/** A sentence worded to stand alone, continued after a colon (newuser16 F2: "cannot approve it: You authored"). */
function lowerFirst(s: string): string {
  return s.replace(/^[A-Z](?=[a-z ])/, (c) => c.toLowerCase());
}

function textOf(branches: ReviewBranch[], all: boolean, me: string | undefined): string {
  const out: string[] = [];
  let others = 0;
  let heldShown = false;
  for (const b of branches) {
    const cards = b.commits.map((c) => {
      const why = notYours(c, me);
      return { ...c, ...(why ? { cannotApprove: why } : {}) };
    });
    const mine = cards.filter((c) => c.cannotApprove === undefined);
    others += cards.length - mine.length;
    const shown = all ? cards : mine;
    if (shown.length === 0 && b.errors.length === 0) continue;
    if (b.heldByChangesRequest) heldShown = true;
    out.push(`${b.remote}/${b.branch} → ${b.target} (${b.commits.length} commit(s) awaiting review)`);
    const tipLineList = shown.length > 0 ? tipLines(b, me) : [];
    out.push(...tipLineList);
    const tipCommand =
      b.approveTip && tipLineList.length > 1 ? approveCommandFor(b.approveTip.sha, b.approveTip.base) : undefined;
    for (const c of shown) {
      out.push(
        `  ${shortSha(c.sha)} ${c.subject} — ${c.author.name} <${c.author.email}>${c.aiLines ? `, ${c.aiLines} AI line(s)` : ''}`,
      );
      for (const r of c.reasons.filter((x) => !x.startsWith('may approve:'))) out.push(`      - ${indented(r, 8)}`);
      // The tip's own command is the all-at-once one printed above (newuser16 F13): not repeated.
      const isTipCommand = tipCommand !== undefined && approveCommandFor(c.sha, c.base) === tipCommand;
      out.push(
        c.cannotApprove
          ? `      you cannot approve it: ${lowerFirst(c.cannotApprove)}`
          : isTipCommand
            ? '      approve: the command above (this is the tip)'
            : `      approve: ${approveCommandFor(c.sha, c.base)}`,
      );
    }
    for (const e of b.errors) out.push(`  error: ${indented(e, 4)}`);
  }
  const mine = branches.reduce((n, b) => n + b.commits.filter((c) => notYours(c, me) === undefined).length, 0);
  out.unshift(mine === 0 ? 'Nothing awaits your approval.' : `${mine} commit(s) await your approval:`);
  // What a request for changes means, once for the list rather than under every commit it holds (newuser15 #7).
  // Only when a listed branch is held: a branch hidden behind --all made it read out of context (newuser16 F9).
  if (heldShown) out.push(CHANGES_REQUESTED_RULE);
  if (!all && others > 0) out.push(`(${others} more await someone else's review: --all lists them)`);
  return out.join('\n') + '\n';
}

export const reviewCommand: Command = {
  name: 'review',
  summary: 'list the fetched branches and commits awaiting your approval (what the review panel shows)',
  usage: `Usage: countersign review [--all] [--no-fetch] [--max-branches N] [--json]

Lists what awaits your approval: every fetched remote branch not merged into the remote's default branch,
judged by the same code as \`verify\` and the editor's review panel (as a merge into the protected branch it is
based on: the one it brings the fewest commits onto, the default branch on a tie — a hotfix cut from release/1.0
lands there), and within it each commit that needs review and is not approved yet — with why it needs review
and the \`countersign approve\` command for it. Where more than the tip awaits, the single command approving
the tip (it covers the whole branch) comes first, the per-commit commands as the alternative. "Yours" means
you may approve it: user.email is a reviewer in the policy on the default branch, and you neither authored nor
committed it (the panel's rule; \`approve\` checks your key too).

First it fetches each remote's branches and notes (bounded, as the panel's Refresh does); if that fails the
branches and approvals already in this clone are used and a notice says so.

Options:
  --all              also list commits awaiting someone else's review, with why you cannot approve them
  --no-fetch         use what this clone has fetched already
  --max-branches N   branches judged per remote, most recently committed first (default 30, as the panel)
  --json             {"me": {"email", "reviewer"}, "branches": [{"remote", "branch", "target", "head",
                     "commits": [{"sha", "subject", "author", "base", "aiLines", "reasons", "approvals",
                     "canApprove", "cannotApprove"?, "approveCommand"}], "settled", "errors", "approveTip"?:
                     {"sha", "base", "covers", "canApprove", "cannotApprove"?, "approveCommand"}}], "awaitingYou",
                     "notices", "errors"}; every awaiting commit is listed, canApprove says which are yours

Examples:
  countersign review
  countersign review --all --no-fetch
  countersign review --json | jq -r '.branches[].commits[] | select(.canApprove) | .approveCommand'

Exit codes: 0 listed (also when nothing awaits you); 2 not a repository, no remote, a policy that cannot be
read on the default branch, or a bad option.
`,
  async run(argv, ctx) {
    const { values } = parseCommandArgs(
      'review',
      argv,
      {
        all: { type: 'boolean' },
        'no-fetch': { type: 'boolean' },
        'max-branches': { type: 'string' },
        json: { type: 'boolean' },
      },
      false,
    );
    const max = values['max-branches'] === undefined ? 30 : Number(values['max-branches']);
    if (!Number.isInteger(max) || max < 1)
      throw new CountersignError(
        'usage',
        `review: --max-branches takes a whole number ≥ 1, not '${values['max-branches']}'`,
      );
    const repo = await resolveRepo(ctx.cwd);
    if (!repo.root)
      throw new CountersignError(
        'config',
        `${repo.commonDir} is a bare repository: run \`countersign review\` in a clone`,
      );
    const root = repo.root;
    const notices: string[] = [];
    if (!values['no-fetch']) {
      for (const remote of await listRemotes(root)) {
        try {
          await fetchForReview(root, remote, 20_000);
        } catch (e) {
          notices.push(`could not fetch ${remote} (${errorMessage(e).split('\n')[0]}); using what this clone has`);
        }
      }
    }
    const snapshot = await repoSnapshot(root, { maxBranches: max });
    // The panel's own view decides the repository's state (no remote, no policy, an unreadable policy)…
    const view = repoView(snapshot);
    if (view.state === 'noRemote' || view.state === 'error' || view.state === 'policyError') {
      throw new CountersignError('config', `review: ${view.message ?? 'the review state cannot be read'}`);
    }
    // …and, branch by branch, which commits await review and whether you may approve each.
    const branches = snapshot.branches
      .map((b) => reviewBranchView(b, snapshot.me))
      .filter((b): b is ReviewBranch => b !== undefined);
    notices.push(...view.notices, ...(view.state === 'noPolicy' && view.message ? [view.message] : []));
    for (const n of notices) ctx.stderr(`countersign review: ${n}\n`);
    if (values.json) {
      writeJson(ctx, {
        me: { email: view.me.email ?? null, reviewer: view.me.reviewer ?? null },
        branches: branches.map((b) => ({
          remote: b.remote,
          branch: b.branch,
          target: b.target,
          head: b.head,
          commits: b.commits.map((c) => awaiting(c, snapshot.me.email)),
          settled: b.settled,
          errors: b.errors,
          ...(b.approveTip ? { approveTip: tipJson(b, snapshot.me.email) } : {}),
        })),
        awaitingYou: branches.reduce(
          (n, b) => n + b.commits.filter((c) => notYours(c, snapshot.me.email) === undefined).length,
          0,
        ),
        notices,
        errors: snapshot.errors,
      });
      return 0;
    }
    if (view.me.reviewer) ctx.stdout(`Reviewer: ${view.me.reviewer}\n`);
    else if (view.me.email && view.state === 'ok')
      // The panel's preflight says the same: a listed address or an addition, not "Reviewer" (newuser14 S31).
      ctx.stdout(
        `You (${view.me.email}) are not a reviewer in ${POLICY_FILE} on ${branches[0]?.target ?? 'the default branch'}: ask a maintainer to add you with your SSH key (countersign policy add-reviewer), or set git user.email to the address listed for you.\n`,
      );
    ctx.stdout(textOf(branches, values.all === true, snapshot.me.email));
    return 0;
  },
};
