import * as fs from 'fs';
import { gateCouldNotRun, gateGithubAnnotations, gateJson, gateMarkdownSummary, gateText } from '../../core/gateReport';
import { errorMessage } from '../../core/errors';
import { verifyRange } from '../../app/verify';
import { runGit } from '../../git/gitRunner';
import { whereReviewersFetch } from '../../git/reviewerReach';
import { protectedByReadablePolicy } from '../../app/knownProtection';
import { chosenFormat, EXIT_BLOCKED, EXIT_ERROR, EXIT_OK, parseCommandArgs, writeJson, type Command } from '../command';
import { preferShortRunTiering } from '../shortRunTiering';

function parseVerifyArgs(argv: string[]) {
  return parseCommandArgs(
    'verify',
    argv,
    {
      remote: { type: 'string' },
      base: { type: 'string' },
      head: { type: 'string' },
      branch: { type: 'string' },
      tag: { type: 'string' },
      format: { type: 'string' },
      json: { type: 'boolean' },
      'no-fetch': { type: 'boolean' },
      'policy-branch': { type: 'string' },
    },
    false,
  );
}

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'run the review gate over base..head for a push to a protected branch (CI)',
  usage: `Usage: countersign verify [--remote NAME] [--base REV --head REV] [--branch NAME | --tag NAME]
           [--policy-branch NAME] [--format text|json|github] [--json] [--no-fetch]

Runs the review gate over the commits base..head as if they were pushed to BRANCH: each commit that needs
review (AI-attributed, unattested, policy change, a blast-radius tier) must carry enough valid approvals
from reviewers listed in .countersign.json who are not its author or committer.

The policy is read from the policy branch — the remote's default branch as fetched (NAME/HEAD, else
NAME/main, else NAME/master) — never from BRANCH's own copy or the commits being checked (a differing
.countersign.json elsewhere gets a warning). The remote's approvals (refs/notes/countersign) are fetched
first, in bounded time; if that fails the approvals already in this clone are used and a notice says so.
With the default base, HEAD that does not contain NAME/BRANCH is a force-push, refused unless the policy
sets allowForcePushes — as the server refuses it.

Options:
  --remote NAME     remote to read the branch and approvals from (default: the upstream's remote, or origin)
  --branch NAME     the branch the commits are for (default: the current branch's upstream, protected or not —
                    an unprotected one passes, and the output names the --branch that checks where it lands;
                    without an upstream, the same name on the remote when protected, else the protected branch
                    HEAD is based on — a hotfix cut from release/1 lands there, a feature branch on the remote's
                    default branch — as explain and review judge it)
  --tag NAME        judge a push of tag NAME instead (also --branch refs/tags/NAME), as the server does: a
                    protected tag (protectedTags; every tag when it is not set) may only name a commit that is
                    on a protected branch already or passes as a push to the policy branch; the head is the
                    commit the tag names here (a tag not here is an error: fetch it, or pass --head REV to
                    judge a tag about to be made at REV)
  --base REV        the branch's current value (default: NAME/BRANCH); commits reachable from it are not checked
  --head REV        the commits to check (default: HEAD)
  --policy-branch NAME
                    the branch whose .countersign.json judges (default: the remote's default branch)
  --format FORMAT   text (default), json ({"ok", "branch", "protected", "commits": [{"sha", "needsReview",
                    "reasons", "approvals", "ok"}], "errors"}), or github (workflow annotations, and a
                    Markdown job summary appended to $GITHUB_STEP_SUMMARY when it is set)
  --json            same as --format json
  --no-fetch        do not fetch approvals from the remote

Examples:
  countersign verify                                        # this branch, as a push to its upstream
  countersign verify --branch main                          # this branch, as it would land on main
  countersign verify --base origin/main --head HEAD --branch main --format github    # a CI job
  countersign verify --tag v1.4.0
  countersign verify --json | jq '.commits[] | select(.ok | not) | .sha'

Exit codes: 0 the gate passes (or the branch is not protected), 1 blocked, 2 usage or configuration error:
a malformed .countersign.json on the policy branch (which also blocks), an unknown --remote, no remote, a
--branch that is neither on the remote nor protected, a --tag that is not here, a shallow clone without the
whole range, notes missing under --no-fetch — each with one sentence and the fix.
`,
  async run(argv, ctx) {
    const { values } = parseVerifyArgs(argv);
    const format = chosenFormat('verify', values, ['text', 'json', 'github']);
    preferShortRunTiering();
    const { result, input, remote, fetchNote } = await verifyRange(ctx.cwd, {
      remote: values.remote,
      base: values.base,
      head: values.head,
      branch: values.branch,
      tag: values.tag,
      fetch: !values['no-fetch'],
      policyBranch: values['policy-branch'],
      strict: true,
    }).catch((e: unknown) => {
      // The sentence still goes to stderr (main.ts) with exit 2; a CI page shows it only as an annotation.
      if (format === 'github') {
        const said = gateCouldNotRun(errorMessage(e));
        ctx.stdout(said.annotation);
        if (ctx.env.GITHUB_STEP_SUMMARY) fs.appendFileSync(ctx.env.GITHUB_STEP_SUMMARY, said.summary);
      }
      throw e;
    });
    if (fetchNote) ctx.stderr(`countersign verify: ${fetchNote}\n`);
    // "What to do" names where the reviewer fetches the commits, as the pre-push does (newuser15 #9).
    if (!result.ok && remote) {
      const current = await runGit(['symbolic-ref', '--quiet', 'HEAD'], { cwd: ctx.cwd, okCodes: [1, 128] });
      const ownHead = values.head === undefined && values.tag === undefined && current.code === 0;
      await whereReviewersFetch(ctx.cwd, result, {
        remote,
        localRef: ownHead ? current.stdout.trim() : '',
        heads: undefined,
        policy: input.policy.kind === 'ok' ? input.policy.policy : undefined,
      });
    }
    if (format === 'json') writeJson(ctx, gateJson(result));
    else if (format === 'github') {
      ctx.stdout(gateGithubAnnotations(result));
      const summary = ctx.env.GITHUB_STEP_SUMMARY;
      if (summary) fs.appendFileSync(summary, gateMarkdownSummary([result]));
      ctx.stdout(gateText(result, 'countersign verify', { ci: true }));
      // GitHub Actions and GitLab CI both set CI=true: a CI job pushes nothing, someone re-runs it (newuser16 F3).
    } else ctx.stdout(gateText(result, 'countersign verify', { ci: ctx.env.CI === 'true' }));
    if (result.ok) return EXIT_OK;
    // A policy that cannot be read is a configuration error (docs/design.md: exit 2), and it blocks.
    return result.policyError ? EXIT_ERROR : EXIT_BLOCKED;
  },
  /** The readable policy's word on the asked branch, where the error came before any judgement (newuser15 #8). */
  async jsonErrorFields(argv, cwd) {
    const { values } = parseVerifyArgs(argv);
    const branch = values.branch ?? (values.tag !== undefined ? `refs/tags/${values.tag}` : undefined);
    if (branch === undefined) return {};
    const opts = { branch, remote: values.remote, policyBranch: values['policy-branch'] };
    return { protected: await protectedByReadablePolicy(cwd, opts) };
  },
};
