import * as fs from 'fs';
import * as path from 'path';
import { formatBlameText } from '../../core/blame/lineProvenance';
import { usageError } from '../../core/errors';
import { provenanceBlame } from '../../git/provenanceBlame';
import { unfetchedNotesWarning } from '../../git/unfetchedNotes';
import { resolveRepo } from '../../git/repository';
import { parseCommandArgs, writeJson, type Command } from '../command';
import { runGit } from '../../git/gitRunner';

export const blameCommand: Command = {
  name: 'blame',
  summary: 'per line: commit, author and AI agent/model or human/untracked, from the notes',
  usage: `Usage: countersign blame FILE [--rev REV] [--json]

Runs git blame on FILE (the working-tree version, or as of REV) and, for each line, looks up the
refs/notes/ai note of the commit the line comes from, at the path and line number it had in that commit:
  ai:<agent> <model>   the note attests the line to an AI session (also notes git-ai wrote)
  human                the note attests it to a known human (an h_ entry)
  untracked            the note has no entry for it, the commit has no note, or it is not committed yet (a
                       clone that never fetched refs/notes/ai — a plain git clone — has no notes at all: a
                       warning on stderr says so and how to fetch them)
  skipped              the clone lacks the earlier versions of the file the line comes through (a blobless
                       partial clone, a lost blob): blame goes as far back as the clone can read and fetches
                       nothing; one warning line on stderr says how many lines were skipped

Options:
  --rev REV   blame the file as of REV instead of the working tree
  --json      {"file", "lines": [{"line", "commit", "author", "authorEmail", "kind", "agent", "model",
              "session", "origPath", "origLine", "content", "skipped"?}], "commits": {SHA: {...}}, "summary",
              "warnings"?}

Examples:
  countersign blame src/billing.ts
  countersign blame src/billing.ts --rev v1.4.0
  countersign blame src/billing.ts --json | jq '[.lines[] | select(.kind == "ai")] | length'

Exit codes: 0 shown; 2 FILE is not in the repository (or not committed yet), --rev is not a commit, or not a
repository.
`,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('blame', argv, {
      json: { type: 'boolean' },
      rev: { type: 'string' },
    });
    if (positionals.length !== 1) throw usageError('blame: give exactly one FILE (countersign blame src/main.ts)');
    if (values.rev !== undefined && values.rev.startsWith('-'))
      throw usageError(`blame: '${values.rev}' is not a revision`);
    await resolveRepo(ctx.cwd);
    await requireBlameable(ctx.cwd, positionals[0], values.rev);
    const result = await provenanceBlame(ctx.cwd, positionals[0], values.rev);
    // A plain clone has no notes at all: every line would read untracked with no word why (newuser20 F5). Asked
    // here, not in provenanceBlame: the editor's current-line blame reruns that, and shows no warnings.
    const unfetched = await unfetchedNotesWarning(ctx.cwd, 'blame');
    if (unfetched) result.warnings = [unfetched, ...(result.warnings ?? [])];
    for (const w of result.warnings ?? []) ctx.stderr(`countersign blame: warning: ${w}\n`);
    if (values.json) writeJson(ctx, result);
    else ctx.stdout(formatBlameText(result));
    return 0;
  },
};

/** A file git cannot blame gets one sentence and the fix (exit 2), not git's own error. */
async function requireBlameable(cwd: string, file: string, rev: string | undefined): Promise<void> {
  const at = rev ?? 'HEAD';
  if (
    rev !== undefined &&
    (await runGit(['rev-parse', '--verify', '-q', `${rev}^{commit}`], { cwd, okCodes: [1, 128] })).code !== 0
  ) {
    throw usageError(`blame: --rev ${rev} is not a commit in this repository; check the name or fetch it (git fetch)`);
  }
  // ls-tree reads trees only: in a blobless partial clone it fetches nothing.
  const known = await runGit(['ls-tree', '-z', '--name-only', at, '--', file], { cwd, okCodes: [128] });
  if (known.code === 0 && known.stdout.length > 0) return;
  if (rev === undefined && fs.existsSync(path.resolve(cwd, file))) {
    throw usageError(
      `blame: ${file} is not in any commit yet, so there is no history to blame; \`countersign status\` shows its uncommitted lines`,
    );
  }
  throw usageError(
    `blame: ${file} is not a file in ${at}; give a path inside the repository (relative to here), as \`git ls-files\` lists it`,
  );
}
