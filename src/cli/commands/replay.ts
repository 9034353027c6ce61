import * as fs from 'fs';
import * as path from 'path';
import { CountersignError, errorMessage, usageError } from '../../core/errors';
import { labelKey } from '../../core/attribution/labels';
import { splitLines } from '../../core/attribution/lines';
import { parseTrace, replayLabels, replayTrace } from '../../core/attribution/replay';
import { parseCommandArgs, writeJson, type Command } from '../command';

export const replayCommand: Command = {
  name: 'replay',
  summary: "run the attribution engine over a recorded trace and show each line's label",
  usage: `Usage: countersign replay TRACE.json [--json]

Replays a trace — {"version": 1, "files": {PATH: INITIAL_CONTENT}, "events": [OBSERVATION, ...]}, as
"Countersign: Record Attribution Trace" writes it — through the attribution engine and prints the label of
every line of each file's final content: ai:<agent>, human or untracked. Initial contents are untracked.

Options:
  --json   print {"files": {PATH: ["human", "ai:claude-code", "untracked", ...]}}, one label per line

Examples:
  countersign replay session.trace.json
  countersign replay session.trace.json --json | jq '.files["src/app.ts"]'

Exit codes: 0 replayed, 2 unreadable or invalid trace (the message names the file and the JSON path).
`,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('replay', argv, { json: { type: 'boolean' } });
    if (positionals.length !== 1)
      throw usageError('replay: expected exactly one TRACE.json\nRun `countersign replay --help` for usage.');
    const file = path.resolve(ctx.cwd, positionals[0]);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new CountersignError('input', `cannot read ${positionals[0]}: ${errorMessage(err)}`);
    }
    const engine = replayTrace(parseTrace(text, positionals[0]), positionals[0]);
    if (values.json) {
      writeJson(ctx, replayLabels(engine));
      return 0;
    }
    for (const name of engine.files().sort()) {
      const labels = engine.labels(name).map(labelKey);
      const lines = splitLines(engine.text(name) ?? '');
      const s = engine.stats(name);
      ctx.stdout(
        `${name}: ${lines.length} lines — ${s.ai} AI${s.agents.length ? ` (${s.agents.join(', ')})` : ''}, ` +
          `${s.human} human${s.aiModified ? ` (${s.aiModified} AI, modified)` : ''}, ${s.untracked} untracked\n`,
      );
      const width = String(lines.length).length;
      const labelWidth = Math.max(0, ...labels.map((l) => l.length));
      lines.forEach((line, i) =>
        ctx.stdout(`  ${String(i + 1).padStart(width)}  ${labels[i].padEnd(labelWidth)}  ${line}\n`),
      );
    }
    return 0;
  },
};
