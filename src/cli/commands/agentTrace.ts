import * as path from 'path';
import {
  aiAttributions,
  labelRanges,
  noteToTraceRecord,
  traceIssueText,
  traceRecordSchema,
  type TraceRecord,
} from '../../core/agentTrace';
import { parseAuthorshipNote } from '../../core/authorshipNote';
import { aiLabel } from '../../core/attribution/labels';
import { untrackedLabels } from '../../core/ledger/reconcile';
import { CountersignError, errorMessage, usageError } from '../../core/errors';
import { gitErrorReason, runGit } from '../../git/gitRunner';
import { openLedger } from '../../git/ledger';
import { readRegularFile, readWorkTreeText, WORKING_FILE_MAX_BYTES } from '../../git/regularFile';
import { AI_NOTES_REF, readNotes } from '../../git/notesReader';
import { resolveRepo } from '../../git/repository';
import { headIsUnborn, unknownRangeError } from '../../git/revision';
import { parseCommandArgs, writeJson, type Command } from '../command';
import { VERSION } from '../version';
import { shortSha } from '../../core/shortSha';
import { parseShallowJson } from '../../core/jsonDepth';

/** The largest trace file `import` reads (a JSONL log of a long-lived project; anything bigger is not one). */
const TRACE_FILE_MAX_BYTES = 256 * 1024 * 1024;

/**
 * Agent Trace (cursor/agent-trace v0.1) out of and into Countersign: `export` turns the commits' notes into
 * trace records, `import` turns records about the working tree into agent observations in the working ledger.
 * The record format and its mapping live in core/agentTrace.ts.
 */
export const exportCommand: Command = {
  name: 'export',
  summary: "write the commits' provenance as Agent Trace records (JSON lines)",
  usage: `Usage: countersign export [--format agent-trace] [RANGE...]

Writes one Agent Trace record (cursor/agent-trace v0.1, schemas/trace-record.json) per commit of RANGE
(default HEAD: everything reachable from it; git revision ranges such as main..HEAD work) that has a
refs/notes/ai note, newest first, one JSON object per line on stdout. Each record names the commit
(vcs.revision), and per file a conversation per AI session (contributor "ai" with its model_id) and per
known human (contributor "human") with the note's line ranges; untracked lines are left out. Countersign's
agent names and session ids travel in metadata.countersign, so \`countersign import\` reads them back.

Options:
  --format agent-trace   the output format (the only one, and the default)

Examples:
  countersign export --format agent-trace > traces.jsonl
  countersign export --format agent-trace origin/main..HEAD | jq -r '.vcs.revision'

Exit codes: 0 written (nothing when no commit has a note); 2 RANGE cannot be read, a note is unreadable
(named with the fix), or --format names another format.
`,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('export', argv, { format: { type: 'string' } });
    // The only format is the default (newuser12 P15: "--format agent-trace is required" for the only one).
    if (values.format !== undefined && values.format !== 'agent-trace')
      throw usageError(`export: --format takes agent-trace, the only format (not '${values.format}')`);
    const revs = positionals.length > 0 ? positionals : ['HEAD'];
    // No commits yet: nothing has a note, so nothing is written (exit 0), as report gives an empty report (S23).
    if (positionals.length === 0 && (await headIsUnborn(ctx.cwd))) {
      ctx.stderr('export: no commits yet, nothing to export\n');
      return 0;
    }
    const log = await runGit(['log', '--format=%H %ct', ...revs, '--'], { cwd: ctx.cwd, okCodes: [128] });
    if (log.code !== 0)
      throw gitErrorReason(log.stderr) === 'notARepository'
        ? new CountersignError('notARepository', `export: cannot read ${revs.join(' ')}: ${log.stderr.trim()}`)
        : unknownRangeError('export', revs, log.stderr);
    const commits = log.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [sha, t] = l.split(' ');
        return { sha, time: Number(t) };
      });
    const notes = await readNotes(
      ctx.cwd,
      AI_NOTES_REF,
      commits.map((c) => c.sha),
    );
    for (const c of commits) {
      const text = notes.get(c.sha);
      if (text === undefined) continue;
      let note;
      try {
        note = parseAuthorshipNote(text, `the note on ${c.sha}`);
      } catch (e) {
        throw new CountersignError(
          'input',
          `export: ${errorMessage(e)}; fix or remove that note (git notes --ref=ai edit ${shortSha(c.sha)})`,
        );
      }
      ctx.stdout(`${JSON.stringify(noteToTraceRecord(c, note, { name: 'countersign', version: VERSION }))}\n`);
    }
    return 0;
  },
};

export const DEFAULT_TRACE_FILE = '.agent-trace/traces.jsonl';

export const importCommand: Command = {
  name: 'import',
  summary: 'read Agent Trace records about the working tree into the working ledger',
  usage: `Usage: countersign import [FILE] [--json]

Reads Agent Trace records (cursor/agent-trace v0.1; JSON lines, default ${DEFAULT_TRACE_FILE}) and records the
AI-written line ranges of those whose vcs.revision is HEAD (full or abbreviated) or absent as agent
observations in the working ledger, so the lines count as that agent's in \`countersign status\`, the editor
and the next commit. Records about other revisions are skipped. Ranges name lines of the working-tree file
as it is now. The agent is the one Countersign's own metadata names, else the record's tool.name when it is
a known agent, else "unknown"; the model is contributor.model_id.

A line that is not a valid record exits 2 naming the file and line, and nothing is recorded.

Options:
  --json   print {"records": N, "imported": N, "skipped": N, "files": [PATH...]}

Examples:
  countersign import                              # .agent-trace/traces.jsonl
  countersign import /tmp/other-tool/traces.jsonl --json

Exit codes: 0 imported (also when every record is about another revision); 2 FILE cannot be read, a line is
not a valid record (nothing imported), or not a working tree.
`,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('import', argv, { json: { type: 'boolean' } });
    if (positionals.length > 1) throw usageError('import: one FILE at most');
    const repo = await resolveRepo(ctx.cwd);
    if (!repo.root)
      throw new CountersignError('config', `${repo.commonDir} is a bare repository: it has no working tree`);
    const root = repo.root;
    const file = path.resolve(positionals.length ? ctx.cwd : root, positionals[0] ?? DEFAULT_TRACE_FILE);
    // Named as the user knows it (newuser10 N12: a path relative to the cwd read ../../../../tmp/x.jsonl): the path
    // as given, else the default's name in the repository.
    const shown = positionals[0] ?? DEFAULT_TRACE_FILE;
    // The default file is one a clone commits: a link to /dev/zero must not be read forever.
    const read = readRegularFile(file, { maxBytes: TRACE_FILE_MAX_BYTES });
    if (read.kind !== 'ok')
      throw new CountersignError(
        'input',
        `import: cannot read ${file}: ${read.kind === 'missing' ? 'no such file' : read.why === 'too large' ? `larger than ${TRACE_FILE_MAX_BYTES / 1024 / 1024} MB` : 'not a regular file (a symlink, a device or a folder); pass the trace file itself'}`,
      );
    const text = read.content.toString('utf8');
    const records = parseTraceLines(text, file);
    const head = (await runGit(['rev-parse', '--verify', '-q', 'HEAD'], { cwd: root, okCodes: [1] })).stdout.trim();
    const current = records.filter(
      (r) =>
        !r.vcs ||
        (r.vcs.type === 'git' &&
          head !== '' &&
          (r.vcs.revision === 'HEAD' || (r.vcs.revision.length >= 7 && head.startsWith(r.vcs.revision.toLowerCase())))),
    );
    const ledger = await openLedger(root);
    // Each file is read, labelled and stored once, whatever number of records name it (attack22 02: 200 records
    // on one 200,000-line file cost 85 s, each re-reading the file and the ledger and rewriting every label).
    const edited = new Map<string, { content: string; labels: ReturnType<typeof untrackedLabels> } | undefined>();
    for (const r of current) {
      for (const a of aiAttributions(r)) {
        const rel = a.path.split(path.sep).join('/').replace(/^\.\//, '');
        const abs = path.resolve(root, rel);
        if (path.relative(root, abs).startsWith('..')) continue; // a path outside the repository is nobody's here
        if (!edited.has(rel)) {
          // Only a regular file reached through no symlink: a record may name a committed link out of the clone.
          const content = readWorkTreeText(root, rel, WORKING_FILE_MAX_BYTES);
          // undefined: not in the working tree (any more), or not a file of it
          const known = content === undefined ? undefined : await ledger.fileAttribution(rel);
          edited.set(
            rel,
            content === undefined ? undefined : { content, labels: known?.labels ?? untrackedLabels(content) },
          );
        }
        const file = edited.get(rel);
        if (!file) continue;
        // The record names the lines outright: a label edit, not a before/after comparison (which would leave
        // blank lines to whoever wrote them before and could turn an AI line untracked, newuser14 S6).
        const ai = aiLabel(a.agent, { ...(a.model ? { model: a.model } : {}), session: a.session, at: Date.now() });
        file.labels = labelRanges(file.labels, a.ranges, ai);
      }
    }
    const files = new Set<string>();
    for (const [rel, file] of edited) {
      if (!file) continue;
      await ledger.storeFile(rel, file.content, file.labels);
      files.add(rel);
    }
    await ledger.sync();
    const summary = {
      records: records.length,
      imported: current.length,
      skipped: records.length - current.length,
      files: [...files].sort(),
    };
    if (values.json) writeJson(ctx, summary);
    else
      ctx.stdout(
        `Imported ${summary.imported} of ${summary.records} record(s) from ${shown} (${summary.skipped} about other revisions): ${summary.files.length} file(s)\n`,
      );
    return 0;
  },
};

/** Every non-blank line must be one record; the first that is not names its line and what is wrong. */
export function parseTraceLines(text: string, file: string): TraceRecord[] {
  const out: TraceRecord[] = [];
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '') continue;
    let json: unknown;
    try {
      json = parseShallowJson(line, 'the record');
    } catch (e) {
      throw new CountersignError(
        'input',
        `${file}:${i + 1}: not JSON (${errorMessage(e)}); each line must be one Agent Trace record — nothing was imported`,
      );
    }
    const parsed = traceRecordSchema.safeParse(json, { reportInput: true });
    if (!parsed.success) {
      throw new CountersignError(
        'input',
        `${file}:${i + 1}: not an Agent Trace record: ${traceIssueText(parsed.error.issues[0])} — nothing was imported`,
      );
    }
    out.push(parsed.data);
  }
  return out;
}
