import { personLabel, type CommitDecision, type GateResult } from './gate';
import { CHANGES_REQUESTED_RULE, heldByChangesRequest } from './changesRequested';
import { cannotPass } from './unpassable';
import { personKey, samePerson } from './approvalRules';
import { shortSha } from './shortSha';
import { ghData, ghProp, mdCell, mdCode, mdCodeBlock, mdText, noWorkflowCommands, oneLine } from './markupEscape';
import { ALL_TAGS } from './policy';

/**
 * How a gate result reads: plain text for hooks and terminals, the JSON contract of `verify --format json`,
 * GitHub workflow annotations and a Markdown job summary. Pure, so the hook, the CLI and the server share it.
 */

export interface VerifyJson {
  ok: boolean;
  branch: string;
  protected: boolean;
  commits: Array<{ sha: string; needsReview: boolean; reasons: string[]; approvals: unknown[]; ok: boolean }>;
  errors: string[];
}

/** docs/design.md's `verify --format json` contract. Every result of one invocation (one per branch) keeps the same shape. */
export function gateJson(r: GateResult): VerifyJson {
  return {
    ok: r.ok,
    branch: r.branch,
    protected: r.protected,
    commits: r.commits.map((c) => ({
      sha: c.sha,
      needsReview: c.needsReview,
      reasons: [...c.reasons, ...c.ignored],
      approvals: c.approvals.map((a) => ({ ...a })),
      ok: c.ok,
    })),
    errors: r.errors,
  };
}

function commitLine(c: CommitDecision): string {
  const subject = oneLine(c.subject.length > 60 ? c.subject.slice(0, 57) + '...' : c.subject);
  return `${shortSha(c.sha)} ${subject} (${oneLine(`${c.author.name} <${c.author.email}>`)})`;
}

/** Which rule protects the ref: the pattern and the policy, or every tag when protectedTags is not set (P15). */
function protectedBy(r: GateResult): string {
  const from = r.policyFrom ?? 'the policy';
  if (r.pattern === ALL_TAGS) return `every tag is: protectedTags is not set in ${from}`;
  return `${r.pattern ? `"${r.pattern}" in ` : ''}${from}`;
}

/**
 * People-facing text. `who` names the caller in the first line (`countersign (pre-push)`). Commit-made fields
 * stay on their line (oneLine), and no line can be read as a CI workflow command (attack15 H4).
 */
export function gateText(r: GateResult, who = 'countersign', opts: { ci?: boolean } = {}): string {
  return noWorkflowCommands(gateLines(r, who, opts.ci === true).join('\n') + '\n');
}

/**
 * The last step once a reviewer has acted. In CI nothing pushes again: an approval is a note, not a commit, so
 * no new run starts by itself and someone re-runs the check (newuser16 F3: CI told the author to "Push again").
 */
function againStep(ci: boolean, approvedFirst: boolean): string {
  if (ci)
    return `    3. ${approvedFirst ? 'Once it is approved' : 'After the approval'}, re-run this check (GitHub: the pull request's Checks tab → Re-run all jobs; GitLab: the merge request's Pipelines tab → Run pipeline): an approval is a note, not a commit, so no new run starts by itself.`;
  return `    3. Push again${approvedFirst ? ' once it is approved' : ''}; Countersign fetches the approval first. \`countersign verify\` shows where things stand.`;
}

/**
 * Step 2: the approve command(s). The tip command covers every commit of the range, and `approve` refuses a reviewer
 * who authored or committed any of them — the rule behind each commit's eligibleReviewers (approvalRules). So a
 * reviewer eligible for a blocked commit but not for every commit of the range is given that commit's own command
 * (its base: its parent), instead of one they would be refused (newuser14 S29).
 */
function approveSteps(r: GateResult, blocked: CommitDecision[], eligible: Map<string, string>): string[] {
  const mayRunTip = (key: string) =>
    r.commits.every((c) => c.eligibleReviewers.some((rv) => personKey(rv.email) === key));
  const tipRunners = [...eligible].filter(([k]) => mayRunTip(k)).map(([, label]) => label);
  if (tipRunners.length === eligible.size) return [`    2. The reviewer runs:  ${r.approveCommand}`];
  const out = [
    tipRunners.length > 0
      ? `    2. ${tipRunners.join(' or ')} runs:  ${r.approveCommand}`
      : '    2. No reviewer can approve the tip at once (each wrote a commit it covers); each blocked commit is approved on its own:',
  ];
  for (const c of blocked) {
    const alone = c.eligibleReviewers.filter((rv) => !mayRunTip(personKey(rv.email))).map((rv) => personLabel(rv));
    if (alone.length === 0) continue;
    out.push(
      `       ${alone.join(' or ')}, who wrote another commit the tip covers, approves ${shortSha(c.sha)} alone:  countersign approve ${c.sha} --base ${c.sha}^`,
    );
  }
  return out;
}

function approvedBy(c: CommitDecision): string {
  return c.approvals.map((a) => oneLine(`${a.name} <${a.reviewer}>`)).join(', ');
}

function gateLines(r: GateResult, who: string, ci = false): string[] {
  const out: string[] = [];
  for (const n of r.notices) out.push(`${who}: ${n}`);
  if (!r.protected && r.errors.length === 0) {
    if (r.notices.length === 0) out.push(`${who}: ${r.branch} is not protected; nothing to check.`);
    return out;
  }
  const blocked = r.commits.filter((c) => !c.ok);
  const reviewed = r.commits.filter((c) => c.needsReview && c.ok);
  if (r.ok) {
    out.push(
      `${who}: ${r.branch} is protected (${r.policyFrom ?? 'policy'}); ${r.commits.length} commit(s) checked, ${reviewed.length} approved, none blocked.`,
    );
    for (const c of reviewed) out.push(`  ✓ ${commitLine(c)} — approved by ${approvedBy(c)}`);
    return out;
  }
  // An unreadable or unknown policy: whether the branch is protected is exactly what cannot be told (newuser14 S13).
  if (r.policyError)
    out.push(`${who}: BLOCKED — the policy that judges ${r.branch} cannot be read (${r.policyFrom ?? 'the policy'}).`);
  // A refusal made before any policy was matched (the server's own rules) names no policy line: "protected
  // (the policy)" read like a policy nobody could find (newuser15 #14).
  else if (!r.pattern && !r.policyFrom) out.push(`${who}: BLOCKED — the push to ${r.branch} is refused:`);
  else out.push(`${who}: BLOCKED — ${r.branch} is protected (${protectedBy(r)}).`);
  for (const e of r.errors) out.push(`  ✗ ${e.split('\n').join('\n    ')}`);
  if (blocked.length > 0) {
    out.push(`  ${blocked.length} of ${r.commits.length} commit(s) need review before they can land:`);
    for (const c of blocked) {
      out.push(`  ✗ ${commitLine(c)}`);
      for (const reason of c.reasons) out.push(`      - ${oneLine(reason)}`);
      if (c.approvals.length > 0) out.push(`      - approved by ${approvedBy(c)} (counted)`);
      for (const i of c.ignored) out.push(`      - ${oneLine(i)}`);
    }
    if (heldByChangesRequest(blocked)) out.push(`  ${CHANGES_REQUESTED_RULE}`);
  }
  if (r.approveCommand && blocked.length > 0 && blocked.every(cannotPass)) {
    // No approval can unblock it: the only step is a policy change (the reasons above say which).
    out.push('');
    out.push('  What to do:');
    // A commit with an unreadable header, or no author or committer address, needs re-creating, not another policy
    // (core/commitObject.ts, approvalRules.missingAddress).
    const rewrite = blocked.filter((c) => c.headerProblem !== undefined || c.noAddress !== undefined).length;
    const unnamed = blocked.some((c) => c.noAddress !== undefined);
    out.push(
      rewrite === blocked.length
        ? `    No approval can make ${blocked.length === 1 ? 'this commit' : 'these commits'} pass as ${blocked.length === 1 ? 'it is' : 'they are'}: ${unnamed ? 'nobody can be shown not to be its author or committer (see above)' : 'the header git and Countersign read differently (see above) leaves nobody who can be shown not to be its author'}; re-create ${blocked.length === 1 ? 'it' : 'them'} ${unnamed ? 'as the reasons above say' : 'with a normal git'}, then push again.`
        : `    No reviewer can make ${blocked.length === 1 ? 'this commit' : 'these commits'} pass as the policy stands (see above): add reviewers to .countersign.json through review — the reviewer being added authors that change — or lower the requirement${rewrite > 0 ? ', and re-create the commit(s) whose header is unreadable or that name no email address' : ''}; then push again.`,
    );
  } else if (r.approveCommand && blocked.some((c) => c.changesRequested?.length)) {
    // A request for changes is answered with a new revision, not by asking for the same one to be approved (N9).
    const askers = new Map<string, string>();
    const comments = new Set<string>();
    for (const c of blocked)
      for (const q of c.changesRequested ?? []) {
        askers.set(personKey(q.email), personLabel(q));
        if (q.comment) comments.add(`"${oneLine(q.comment)}"`);
      }
    const who = [...askers.values()].join(' and ');
    out.push('');
    out.push('  What to do:');
    out.push(
      `    1. Address what ${who} asked for${comments.size ? ` (${[...comments].join('; ')})` : ''}: amend or add commits on your branch.`,
    );
    out.push(
      `    2. Push the new tip where they can fetch it (a feature branch or pull request) and ask ${who} to review it again (\`countersign review\` lists it for them).`,
    );
    out.push(againStep(ci, true));
  } else if (r.approveCommand) {
    const eligible = new Map<string, string>();
    for (const c of blocked) {
      for (const rv of c.eligibleReviewers) {
        if (!c.approvals.some((a) => samePerson(a.reviewer, rv.email)))
          eligible.set(personKey(rv.email), personLabel(rv));
      }
    }
    // Two approvals still missing is "ask 2 of: …", not "ask A or B" (newuser8 F15).
    const more = blocked.reduce((m, c) => Math.max(m, c.requiredApprovals - c.approvals.length), -Infinity);
    out.push('');
    out.push('  What to do:');
    const ask = `ask ${eligible.size === 0 ? 'a reviewer listed in .countersign.json' : more > 1 && eligible.size > 1 ? `${Math.min(more, eligible.size)} of ${[...eligible.values()].join(', ')}` : [...eligible.values()].join(' or ')} to review it`;
    // newuser12 P7: name where the reviewer fetches it when the pre-push knows (src/git/reviewerReach.ts).
    const push = r.pushForReview;
    out.push(
      r.reviewFrom
        ? `    1. These commits are on ${r.reviewFrom} already: ${ask}.`
        : push
          ? `    1. Push your branch where the reviewer can fetch it: \`${push.command}\`${push.protectedName ? ` (${push.protectedName} itself is protected, so it cannot be pushed before the review)` : ''}, and ${ask}.`
          : `    1. Push your branch somewhere the reviewer can fetch it (a feature branch or pull request), and ${ask}.`,
    );
    out.push(...approveSteps(r, blocked, eligible));
    // newuser12 P6: run in a clone that has not fetched since the push, the command failed ("not a commit in
    // this repository"). approve does not fetch and sign by itself: it signs only what the reviewer's clone holds,
    // the commit they looked at; so the step says to fetch first (`countersign review` fetches and lists it).
    out.push(
      '       (after `git fetch` in their clone — or `countersign review`, which fetches and lists it; it signs the approval with their SSH key and pushes refs/notes/countersign)',
    );
    out.push(againStep(ci, false));
  }
  return out;
}

/** `::error title=…::message` per blocked commit and error, `::notice` for passing reviewed commits. */
export function gateGithubAnnotations(r: GateResult): string {
  const out: string[] = [];
  for (const e of r.errors) out.push(`::error title=${ghProp(`Countersign: ${r.branch}`)}::${ghData(e)}`);
  for (const c of r.commits) {
    if (!c.ok) {
      const body = [...c.reasons, ...c.ignored].map((x) => `- ${x}`).join('\n');
      out.push(
        `::error title=${ghProp(`Countersign: ${shortSha(c.sha)} needs review`)}::${ghData(`${c.subject}\n${body}${r.approveCommand ? `\nReviewer runs: ${r.approveCommand}` : ''}`)}`,
      );
    } else if (c.needsReview) {
      out.push(
        `::notice title=${ghProp(`Countersign: ${shortSha(c.sha)} approved`)}::${ghData(`${c.subject} — approved by ${c.approvals.map((a) => a.reviewer).join(', ')}`)}`,
      );
    }
  }
  for (const n of r.notices) out.push(`::notice title=Countersign::${ghData(n)}`);
  if (heldByChangesRequest(r.commits.filter((c) => !c.ok)))
    out.push(`::notice title=Countersign: requests for changes::${ghData(CHANGES_REQUESTED_RULE)}`);
  if (r.ok)
    out.push(
      `::notice title=Countersign::${ghData(`${r.branch}: ${r.protected ? 'all commits pass the review gate' : 'not protected'}`)}`,
    );
  return out.join('\n') + '\n';
}

/**
 * `verify --format github` when it could not judge at all (exit 2: no remote, a shallow checkout, an unknown
 * --remote): the sentence and its fix as an annotation and in the job summary, so the pull request's red check
 * says why (newuser14 S34), as the CI template's own set-up errors do.
 */
export function gateCouldNotRun(message: string): { annotation: string; summary: string } {
  return {
    annotation: `::error title=${ghProp('Countersign could not run')}::${ghData(message)}\n`,
    summary: ['## Countersign review gate', '', `- ❌ could not run: ${mdCell(message)}`, ''].join('\n') + '\n',
  };
}

export function gateMarkdownSummary(results: GateResult[]): string {
  const out: string[] = ['## Countersign review gate', ''];
  for (const r of results) {
    const state = !r.protected && r.ok ? 'not protected' : r.ok ? '✅ passes' : '❌ blocked';
    out.push(`### ${mdCode(r.branch)} — ${state}`, '');
    for (const n of r.notices) out.push(`> ${mdText(n)}`, '');
    for (const e of r.errors) out.push(`- ❌ ${mdCell(e)}`);
    if (r.errors.length > 0) out.push('');
    if (r.commits.length > 0) {
      out.push('| commit | needs review | why | approvals | result |', '|---|---|---|---|---|');
      for (const c of r.commits) {
        const why = [...c.reasons, ...c.ignored].map(mdCell).join('<br>') || '—';
        const approvals = c.approvals.map((a) => mdText(`${a.name} <${a.reviewer}>`)).join('<br>') || '—';
        out.push(
          `| \`${shortSha(c.sha)}\` ${mdText(c.subject)} | ${c.needsReview ? 'yes' : 'no'} | ${why} | ${approvals} | ${c.ok ? '✅' : '❌'} |`,
        );
      }
      out.push('');
      if (heldByChangesRequest(r.commits.filter((c) => !c.ok))) out.push(mdText(CHANGES_REQUESTED_RULE), '');
    }
    if (r.approveCommand)
      out.push(
        `A reviewer listed in \`.countersign.json\` (not the author) approves with:`,
        '',
        ...mdCodeBlock('sh', r.approveCommand),
        '',
        'Then re-run this check: an approval is a note, not a commit, so no new run starts by itself.',
        '',
      );
  }
  return out.join('\n') + '\n';
}
