import { usageError } from '../../core/errors';
import { explainCommit } from '../../app/explainCommit';
import { resolveRepo } from '../../git/repository';
import { parseCommandArgs, writeJson, type Command } from '../command';
import { formatExplanation } from '../../app/explainText';

export const explainCommand: Command = {
  name: 'explain',
  summary: 'everything known about a commit: provenance, approvals under which policy, gate result',
  usage: `Usage: countersign explain REV [--branch NAME] [--remote NAME] [--json]

The page an incident review starts from:
  provenance   the AI-Provenance and other trailers (Assisted-by, AI co-authors, bot authors), the
               refs/notes/ai note (also git-ai's): per file the AI line ranges with agent, model and session
  approvals    the statements in refs/notes/countersign whose base..tip contains REV, each with its signature
               checked against the reviewer's key in the policy of the branch it is judged for (NAME/BRANCH
               as this clone knows it; run git fetch first for the remote's current view)
  gate         the review gate's verdict for REV on that branch: a commit already on the branch is judged
               with the approved push that brought it (an approval's base..tip on the branch), else alone
               against its first parent; one not yet there as part of branch..REV

Options:
  --branch NAME   the protected branch (default: where REV lands — the current branch's upstream when the
                  policy protects it, else the protected branch REV is based on: release/1 for a hotfix cut
                  from it, the remote's default branch for a feature branch — as review and the panel judge it;
                  \`verify\` without --branch judges the upstream itself)
  --remote NAME   the remote (default: the upstream's remote, or origin)
  --json          the whole explanation as JSON: {"commit", "provenance", "approvals", "gate", "warnings"?}

A clone that lacks objects (a blobless partial clone, a snapshot) is read as it is, never fetched from:
one warning line on stderr (and "warnings" in the JSON) says what was left out. explain fetches no approvals
either (\`verify\` does): in a clone that never fetched notes (a plain git clone) a warning says so, and a
BLOCKED verdict says "computed without approvals" (gate.withoutApprovals in the JSON); \`countersign install\`,
then \`git fetch\`, brings them. An approval of a change the author then rebased counts here without the
approved commits when the landed commit's change, replayed back onto the approved base, is the signed tree.

Examples:
  countersign explain HEAD~2
  git fetch && countersign explain 3f2a9c1 --branch main
  countersign explain 3f2a9c1 --json | jq '.gate'

Exit codes: 0 explained (whatever the gate's verdict: \`verify\` is the check that fails); 2 REV is not a
commit, a bad option, or not a repository.
`,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('explain', argv, {
      json: { type: 'boolean' },
      branch: { type: 'string' },
      remote: { type: 'string' },
    });
    if (positionals.length !== 1) throw usageError('explain: give exactly one REV (countersign explain HEAD~2)');
    const repo = await resolveRepo(ctx.cwd);
    const e = await explainCommit(repo.root ?? repo.commonDir, positionals[0], {
      ...(values.branch ? { branch: values.branch } : {}),
      ...(values.remote ? { remote: values.remote } : {}),
    });
    for (const w of e.warnings ?? []) ctx.stderr(`countersign explain: warning: ${w}\n`);
    if (values.json) writeJson(ctx, e);
    else ctx.stdout(formatExplanation(e));
    return 0;
  },
};
