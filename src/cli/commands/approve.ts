import type { CoveredCommit } from '../../git/decisionCoverage';
import { recordDecision, type DecisionResult } from '../../app/reviewDecision';
import { REVIEW_NOTES_REF } from '../../git/notesConfig';
import { parseCommandArgs, writeJson, type CliContext, type Command, type ExitCode } from '../command';
import { usageError } from '../../core/errors';
import { shortSha } from '../../core/shortSha';
import { POLICY_FILE } from '../../core/policy';

function decisionHelp(examples: string): string {
  return `
The statement names REV's commit and tree, the base it was reviewed against and the stable patch-id of
base..REV, so it covers exactly that change: every commit from the base to REV, and the same change after a
rebase that keeps the patch-id; a new commit needs a new review. It is signed with
\`ssh-keygen -Y sign -n countersign-review\`, stored as one JSON line in the ${REVIEW_NOTES_REF} note on REV,
and pushed when a remote is configured (the upstream's remote, else origin; with a fork's branch checked out,
the trusted remote — origin — when the commit is on its or the fork's fetched branches).

Options:
  --base REV      the commit the change starts from (default: the merge-base of REV with the protected
                  branch it lands on, as \`review\` judges it — origin/release/1 for a hotfix cut from it, else
                  the remote's default branch, e.g. origin/main; REV^ when there is none)
  --key FILE      SSH key to sign with: a private key, or a .pub whose private half is in ssh-agent
                  (default: git config user.signingkey, a path or a literal "key::ssh-ed25519 AAAA…")
  --remote NAME   push the approvals to NAME instead of the default remote
  --no-push       record locally only
  --rewind        review a force-push that moves a branch from --base (its value now) to REV: --base is kept
                  as given even where REV does not contain it (the gate counts it for that push only)
  --force         record even when the checks below say the gate will not count it (said so on stdout's
                  first line, "Recorded, but NOT counted", on stderr, and in --json as "notCounting")
  --json          print the signed statement, the commits it covers and what happened as JSON

Before signing it lists the commits base..REV the statement will cover (with their AI lines), and checks
what the editor checks: user.email names a reviewer in .countersign.json on the policy branch (the remote's
default branch), your signing key is the one listed for you, and no covered commit is your own (the
two-person rule; reject is allowed on your own commits). A REV or --base that could name two things (a tag
called origin/feature next to the branch) is refused: name it in full (refs/remotes/origin/feature).
Deciding the same way on the same tip again signs nothing new (it only pushes again).

Examples:
${examples}
Exit codes: 0 signed, recorded and pushed (or no remote), or already recorded; 1 recorded locally but the
push failed (run \`git push REMOTE ${REVIEW_NOTES_REF}\` later); 2 usage or configuration error, or the
decision would not count (no key, no user.email, REV not a commit or ambiguous, not a listed reviewer,
another key, your own commit), or would sign the wrong thing (REMOTE/BRANCH moved on the remote since your
last fetch, a --base that is not an ancestor of REV, an unknown --remote) — nothing recorded.
`;
}

const options = {
  base: { type: 'string' },
  key: { type: 'string' },
  comment: { type: 'string' },
  remote: { type: 'string' },
  'no-push': { type: 'boolean' },
  force: { type: 'boolean' },
  rewind: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

async function runDecision(name: 'approve' | 'reject', argv: string[], ctx: CliContext): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs(name, argv, options);
  if (positionals.length > 1) throw usageError(`${name}: expected at most one REV, got ${positionals.join(' ')}`);
  if (name === 'reject' && !values.comment?.trim()) {
    throw usageError('reject: --comment TEXT is required (say what must change before you would approve)');
  }
  const rev = positionals[0] ?? 'HEAD';
  const r = await recordDecision({
    cwd: ctx.cwd,
    env: ctx.env,
    decision: name,
    rev,
    base: values.base,
    key: values.key,
    comment: values.comment,
    remote: values['no-push'] ? null : values.remote,
    force: values.force === true,
    rewind: values.rewind === true,
    // Shown before ssh-keygen runs (and may ask for a passphrase): what the signature is about to cover.
    onCoverage: values.json ? undefined : (c) => printCoverage(ctx, rev, c),
  });
  const pushFailed = r.push?.error !== undefined;
  if (values.json) {
    writeJson(ctx, {
      decision: name,
      statement: r.signed.statement,
      signature: r.signed.signature,
      fingerprint: r.fingerprint,
      keyType: r.keyType,
      baseSource: r.baseSource,
      ownCommits: r.ownCommits,
      covers: r.covers.map((c) => ({
        sha: c.sha,
        subject: c.subject,
        author: c.author.name ? `${c.author.name} <${c.author.email}>` : c.author.email,
        // Unknown, not none, for an unattested commit the hooks never saw (as review --json says: newuser25 N10).
        aiLines: c.attested || c.aiLines > 0 ? c.aiLines : null,
        agents: c.agents,
        attested: c.attested,
      })),
      alreadyRecorded: r.alreadyRecorded,
      ...(r.notCounting ? { notCounting: r.notCounting } : {}),
      note: { ref: REVIEW_NOTES_REF, commit: r.signed.statement.tip },
      pushed: r.push
        ? {
            remote: r.push.remote,
            ok: !pushFailed,
            ...(r.push.why ? { why: r.push.why } : {}),
            ...(r.push.error ? { error: r.push.error } : {}),
          }
        : null,
    });
  } else {
    printHuman(ctx, name, rev, r);
  }
  return pushFailed ? 1 : 0;
}

/** Commits listed before signing; a long range shows its newest ones and how many more. */
const LISTED = 20;

function printCoverage(
  ctx: CliContext,
  rev: string,
  c: { tip: string; base: string; baseSource: string; commits: CoveredCommit[] },
): void {
  const n = c.commits.length;
  ctx.stdout(
    `${rev} (${shortSha(c.tip)}) from ${shortSha(c.base)} (${c.baseSource}) covers ${n} commit${n === 1 ? '' : 's'}:\n`,
  );
  for (const k of c.commits.slice(0, LISTED)) {
    // An unattested commit's 0 is no count: the hooks never saw it (newuser15 #2: "no AI lines" for a
    // COUNTERSIGN_SKIP=1 commit, just before the reviewer signed it, where the gate said nobody can tell).
    const unattested = k.attested ? '' : 'unattested (AI share unknown)';
    const ai =
      k.aiLines > 0
        ? `${k.aiLines} AI line${k.aiLines === 1 ? '' : 's'}${k.agents.length ? ` (${k.agents.join(', ')})` : ''}${unattested ? `, ${unattested}` : ''}`
        : unattested || 'no AI lines';
    ctx.stdout(`  ${shortSha(k.sha)}  ${k.subject}  — ${k.author.name || k.author.email}, ${ai}\n`);
  }
  if (n > LISTED)
    ctx.stdout(`  … and ${n - LISTED} older (git log --oneline ${shortSha(c.base)}..${shortSha(c.tip)})\n`);
}

function printHuman(ctx: CliContext, name: 'approve' | 'reject', rev: string, r: DecisionResult): void {
  const s = r.signed.statement;
  const who = s.reviewer.name ? `${s.reviewer.name} <${s.reviewer.email}>` : s.reviewer.email;
  if (r.alreadyRecorded) {
    ctx.stdout(
      `Already ${name === 'approve' ? 'approved' : 'rejected'} ${rev} (${shortSha(s.tip)}) as ${who} on ${s.time}: nothing new signed\n`,
    );
  } else if (r.notCounting && r.ownCommits.length > 0 && name === 'approve') {
    // newuser16 F20: "Approved" on stdout, the only stream a script or a quick reader sees, for an approval the
    // two-person rule never counts. Said where the headline is, with who may approve instead.
    const ask = r.mayApprove?.length ? r.mayApprove.join(' or ') : `another reviewer listed in ${POLICY_FILE}`;
    ctx.stdout(
      `Recorded, but NOT counted: your approval of ${rev} (${shortSha(s.tip)}) as ${who} does not count — it covers ${r.ownCommits.length === 1 ? `your own commit ${shortSha(r.ownCommits[0])}` : `${r.ownCommits.length} commits of your own`} (two-person rule); ask ${ask} to approve it\n`,
    );
  } else if (r.notCounting) {
    ctx.stdout(
      `Recorded, but NOT counted: ${name === 'approve' ? 'approval' : 'rejection'} of ${rev} (${shortSha(s.tip)}) as ${who}: ${r.notCounting}\n`,
    );
  } else {
    ctx.stdout(`${name === 'approve' ? 'Approved' : 'Rejected'} ${rev} (${shortSha(s.tip)}) as ${who}\n`);
  }
  ctx.stdout(`  change:   ${shortSha(s.base)}..${shortSha(s.tip)} (base: ${r.baseSource})\n`);
  ctx.stdout(`  tree:     ${s.tree}\n`);
  ctx.stdout(`  patch-id: ${s.patchId}\n`);
  if (s.comment) ctx.stdout(`  comment:  ${s.comment}\n`);
  ctx.stdout(`  signed:   ${r.keyType} ${r.fingerprint} (namespace countersign-review)\n`);
  ctx.stdout(`  recorded: ${REVIEW_NOTES_REF} note on ${shortSha(s.tip)}\n`);
  // newuser25 N9: "Approved" read as done where a tier asks for two approvals or a role; the gate's count is verify's.
  if (name === 'approve' && !r.notCounting && !r.alreadyRecorded)
    ctx.stdout(
      `  next:     a tier may ask for two approvals or a role: \`countersign verify --head ${shortSha(s.tip)}\` shows what is left\n`,
    );
  if (r.notCounting && r.ownCommits.length > 0 && name === 'approve') {
    // What the gate does with it (approvalRules.countApprovals): no approval of theirs counts on their own
    // commit, but as their latest statement it lifts an earlier rejection of theirs.
    ctx.stderr(
      `warning: recorded anyway (--force), but the gate does not count it as an approval (two-person rule); as your latest statement it does withdraw any earlier request for changes of yours on these commits\n`,
    );
  } else if (r.notCounting) {
    ctx.stderr(`warning: recorded anyway (--force), but the gate does not count it: ${r.notCounting}\n`);
  }
  if (!r.push) {
    ctx.stdout('  pushed:   no (no remote configured, or --no-push)\n');
  } else if (r.push.error) {
    ctx.stderr(`countersign ${name}: recorded locally, but pushing to ${r.push.remote} failed: ${r.push.error}\n`);
    ctx.stderr(`  share it later with: git push ${r.push.remote} ${REVIEW_NOTES_REF}\n`);
    // A statement the server refuses (one `--force` recorded with an unlisted key, say) stays in the local ref and
    // fails every later push (newuser14 S3): name the notes that hold lines the server lacks, and how to edit them.
    if (r.push.declined && r.push.unshared?.length) {
      ctx.stderr(
        `  if the server refuses a statement of yours, delete that line from your local note, then push again:\n`,
      );
      for (const c of r.push.unshared) ctx.stderr(`    git notes --ref=countersign edit ${c}\n`);
    }
  } else if (r.push.result?.upToDate) {
    // Nothing was sent (newuser16 F14: "nothing new signed" then "pushed:" read as if something went out).
    ctx.stdout(`  shared:   ${r.push.remote} ${REVIEW_NOTES_REF} already has it\n`);
    if (r.push.why) ctx.stdout(`            (${r.push.why}; --remote NAME to share it elsewhere)\n`);
  } else if (r.push.result) {
    ctx.stdout(
      `  pushed:   ${r.push.remote} ${REVIEW_NOTES_REF}${r.push.result.attempts > 1 ? ` (merged others' approvals first, ${r.push.result.attempts} attempts)` : ''}\n`,
    );
    if (r.push.why) ctx.stdout(`            (${r.push.why}; --remote NAME to share it elsewhere)\n`);
  }
}

export const approveCommand: Command = {
  name: 'approve',
  summary: 'sign an approval of REV (default HEAD) with your SSH key and share it',
  usage: `Usage: countersign approve [REV] [--base REV [--rewind]] [--key FILE] [--comment TEXT] [--remote NAME]
           [--no-push] [--force] [--json]

Signs an approval of REV (default HEAD) as the reviewer named by git's user.email (and user.name).
${decisionHelp(`  git fetch origin && countersign approve origin/feature --comment "read every AI hunk"
  countersign approve 3f2a9c1 --base origin/main --key ~/.ssh/id_ed25519.pub
  countersign approve --no-push --json | jq -r .statement.tip
`)}`,
  async run(argv, ctx) {
    return runDecision('approve', argv, ctx);
  },
};

export const rejectCommand: Command = {
  name: 'reject',
  summary: 'sign a rejection of REV (default HEAD): it holds REV, whatever others approve, until you approve it',
  usage: `Usage: countersign reject [REV] --comment TEXT [--base REV [--rewind]] [--key FILE] [--remote NAME]
           [--no-push] [--force] [--json]

Signs a rejection ("changes requested") of REV as the reviewer named by git's user.email; --comment is
required. The rejection holds the commits it covers (and amended or rebased copies of the same change) against
every other reviewer's approval until you approve them again: only your own later approval lifts it.
${decisionHelp(`  countersign reject origin/feature --comment "the migration drops a column still read by billing"
`)}`,
  async run(argv, ctx) {
    return runDecision('reject', argv, ctx);
  },
};
