import * as fs from 'fs';
import { gateGithubAnnotations, gateJson, gateMarkdownSummary, gateText } from '../../core/gateReport';
import { usageError } from '../../core/errors';
import { verifyRange } from '../../git/pushGate';
import { EXIT_BLOCKED, EXIT_ERROR, EXIT_OK, parseCommandArgs, writeJson, type Command } from '../command';

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'run the review gate over base..head for a push to a protected branch (CI)',
  usage: `Usage: countersign verify [--remote NAME] [--base REV --head REV] [--branch NAME] [--format text|json|github]

Runs the review gate over the commits base..head as if they were pushed to BRANCH: each commit that needs
review (AI-attributed, unattested, policy change, a blast-radius tier) must carry enough valid approvals
from reviewers listed in .countersign.json who are not its author or committer.

The policy is read from BRANCH as the remote has it (refs/remotes/NAME/BRANCH), never from the commits being
checked. The remote's approvals (refs/notes/countersign) are fetched first, in bounded time; if that fails
the approvals already in this clone are used and a notice says so.

Options:
  --remote NAME     remote to read the branch and approvals from (default: the upstream's remote, or origin)
  --branch NAME     the protected branch the commits are for (default: the current branch's upstream)
  --base REV        the branch's current value (default: NAME/BRANCH); commits reachable from it are not checked
  --head REV        the commits to check (default: HEAD)
  --format FORMAT   text (default), json ({"ok", "branch", "protected", "commits": [{"sha", "needsReview",
                    "reasons", "approvals", "ok"}], "errors"}), or github (workflow annotations, and a
                    Markdown job summary appended to $GITHUB_STEP_SUMMARY when it is set)
  --no-fetch        do not fetch approvals from the remote

Exit codes: 0 the gate passes (or the branch is not protected), 1 blocked, 2 usage or configuration error
(including a malformed .countersign.json on the protected branch, which also blocks).
`,
  async run(argv, ctx) {
    const { values } = parseCommandArgs('verify', argv, {
      remote: { type: 'string' }, base: { type: 'string' }, head: { type: 'string' }, branch: { type: 'string' },
      format: { type: 'string' }, json: { type: 'boolean' }, 'no-fetch': { type: 'boolean' },
    }, false);
    const format = values.json ? 'json' : (values.format ?? 'text');
    if (!['text', 'json', 'github'].includes(format)) throw usageError(`verify: --format must be text, json or github, not '${format}'`);
    const { result, fetchNote } = await verifyRange(ctx.cwd, {
      remote: values.remote, base: values.base, head: values.head, branch: values.branch, fetch: !values['no-fetch'],
    });
    if (fetchNote) ctx.stderr(`countersign verify: ${fetchNote}\n`);
    if (format === 'json') writeJson(ctx, gateJson(result));
    else if (format === 'github') {
      ctx.stdout(gateGithubAnnotations(result));
      const summary = ctx.env.GITHUB_STEP_SUMMARY;
      if (summary) fs.appendFileSync(summary, gateMarkdownSummary([result]));
      ctx.stdout(gateText(result, 'countersign verify'));
    } else ctx.stdout(gateText(result, 'countersign verify'));
    if (result.ok) return EXIT_OK;
    // A policy that cannot be read is a configuration error (DESIGN.md: exit 2), and it blocks.
    return result.policyError ? EXIT_ERROR : EXIT_BLOCKED;
  },
};
