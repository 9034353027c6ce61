import { didYouMean } from '../../core/didYouMean';
import { usageError } from '../../core/errors';
import { buildReport } from '../../app/report';
import type { GroupBy } from '../../core/report/aggregate';
import { formatReportCsv, formatReportMarkdown, formatReportText } from '../../core/report/reportFormat';
import { formatReportHtml } from '../../core/report/reportHtml';
import { chosenFormat, EXIT_BLOCKED, parseCommandArgs, writeJson, type Command } from '../command';
import { preferShortRunTiering } from '../shortRunTiering';

const FORMATS = ['text', 'json', 'markdown', 'csv', 'html'] as const;
const GROUPS: GroupBy[] = ['agent', 'author', 'path', 'week'];

export const reportCommand: Command = {
  name: 'report',
  summary: 'AI share of added lines, review coverage and unattested commits over a range',
  usage: `Usage: countersign report [RANGE...] [--by agent|author|path|week [--depth N]] [--policy-rev REV] [--strict]
           [--format text|json|markdown|csv|html] [--json]

Reads the history of RANGE (default HEAD: everything reachable from it; git revision ranges such as
v1.0..main or origin/main...HEAD) with its refs/notes/ai notes (also those git-ai wrote) and the
refs/notes/countersign approvals, and reports:
  commits              commits in range (merges included; they add no lines of their own)
  aiAssistedCommits    the note attests AI lines, or a trailer says ai>0 or names an AI (Assisted-by, an AI
                       Co-authored-by such as Claude, Codex, Copilot, Devin, aider, Cursor, Gemini), or the
                       author is an AI bot (copilot-swe-agent[bot], devin-ai-integration[bot], "… (aider)")
  unattestedCommits    commits without an AI-Provenance trailer; unattestedBeforePolicyCommits: those of them
                       from before the first policy (no .countersign.json at their first parent): history from
                       before Countersign was adopted, not bypassed hooks (the text says how many)
  reviewedCommits      commits an approval covers (base..tip of the statement), not by their own author;
                       signatures are verified when the policy (.countersign.json at --policy-rev) is readable;
                       a key rotated since still verifies where the policy branch listed it at the approved
                       push's base (as explain judges a landed commit); the approved change rebased counts
                       as the gate carries it (same patch-id): one landed commit or a squash also where this
                       clone lacks the approved commits (its change replayed back onto the approved base is the
                       signed tree), a rebased chain of several commits only where they are here (it is matched
                       one by one) — else it shows as a coverage gap
  needingReviewCommits commits the gate's rule asks review for, each alone under the policy its first parent
                       holds (none before it, as for the first policy commit: no review needed)
  reviewCoverage       reviewedNeedingReviewCommits / needingReviewCommits (null when none needed review)
  aiLines              summed over commits: the distinct (file, line) pairs each commit's own note attests
                       to AI sessions, or its AI-Provenance ai figure when it has no note (the same line
                       written in two commits counts twice); addedLines comes from git's numstat, a binary
                       file's lines counted as git's --text diff counts them (binaryFiles, binaryLines)
It also flags commits whose trailers and note disagree, and notes on commits nothing reaches any more. A
clone that never fetched notes (a plain git clone) says so on stderr: \`countersign install\`, then \`git fetch\`.

Options:
  --by KEY           add rows per agent, author (email), path or ISO week (author date, UTC)
  --depth N          with --by path: group by the first N path components (directories)
  --format FMT       text (default), json, markdown, csv (the rows) or html (a self-contained page with a
                     weekly chart of AI share and review coverage)
  --json             same as --format json
  --policy-rev REV   revision whose .countersign.json judges approval signatures (default: the policy branch,
                     origin's default branch as this clone knows it, whatever is checked out; HEAD without one)
  --strict           exit 1 when trailers and notes disagree (not for notes on commits nothing reaches: harmless)

Examples:
  countersign report origin/main --by agent
  countersign report v1.0..main --by week --format html > ai-share.html
  countersign report --json | jq '{commits, aiAssistedCommits, aiLines}'

Exit codes: 0 reported; 1 with --strict, trailers and notes disagree; 2 a RANGE that is not a revision or range
here, a bad option, or not a repository.
`,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('report', argv, {
      by: { type: 'string' },
      format: { type: 'string' },
      json: { type: 'boolean' },
      depth: { type: 'string' },
      'policy-rev': { type: 'string' },
      strict: { type: 'boolean' },
    });
    const format = chosenFormat('report', values, FORMATS);
    const by = values.by as GroupBy | undefined;
    if (by !== undefined && !GROUPS.includes(by))
      throw usageError(`report: --by must be one of ${GROUPS.join(', ')} (got '${by}').${didYouMean(by, GROUPS)}`);
    let pathDepth: number | undefined;
    if (values.depth !== undefined) {
      pathDepth = Number(values.depth);
      if (!Number.isInteger(pathDepth) || pathDepth < 1)
        throw usageError(`report: --depth must be a whole number ≥ 1 (got '${values.depth}')`);
      if (by !== 'path') throw usageError('report: --depth only applies with --by path');
    }
    preferShortRunTiering();
    const { report } = await buildReport(ctx.cwd, {
      revs: positionals,
      ...(by ? { by } : {}),
      ...(pathDepth ? { pathDepth } : {}),
      ...(values['policy-rev'] ? { policyRev: values['policy-rev'] } : {}),
    });
    for (const w of report.warnings ?? []) ctx.stderr(`countersign report: warning: ${w}\n`);
    switch (format) {
      case 'json':
        writeJson(ctx, report);
        break;
      case 'markdown':
        ctx.stdout(formatReportMarkdown(report));
        break;
      case 'csv':
        ctx.stdout(formatReportCsv(report));
        break;
      case 'html':
        ctx.stdout(formatReportHtml(report));
        break;
      default:
        ctx.stdout(formatReportText(report));
    }
    // Orphaned notes are what amends and rebases leave (the text says "nothing to fix"), and pre-push shares them
    // all, a teammate's abandoned commit's too: they never fail --strict (newuser17 F5).
    if (values.strict && report.consistency.mismatches.length > 0) return EXIT_BLOCKED;
    return 0;
  },
};
