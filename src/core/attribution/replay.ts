import { CountersignError, errorMessage } from '../errors';
import { AttributionEngine, type EngineOptions } from './engine';
import { labelKey } from './labels';
import { traceSchema, type Trace } from './observations';
import { parseShallowJson } from '../jsonDepth';

/**
 * Reads a recorded trace (docs/design.md: `{"version": 1, "files": {PATH: INITIAL_CONTENT}, "events": [...]}`).
 * Errors name the file and the JSON path of the problem (`events[3].changes[0].offset`), so a user can find
 * it in a trace of thousands of events.
 */
export function parseTrace(text: string, fileName: string): Trace {
  let json: unknown;
  try {
    json = parseShallowJson(text, 'the trace');
  } catch (err) {
    throw new CountersignError('input', `${fileName}: not valid JSON (${errorMessage(err)})`);
  }
  const parsed = traceSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = formatPath(issue.path);
    throw new CountersignError('input', `${fileName}: ${where ? `${where}: ` : ''}${issue.message}`);
  }
  return parsed.data;
}

/** `["events", 3, "changes", 0, "offset"]` -> `events[3].changes[0].offset`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** Runs the engine over a trace; an event the engine rejects is reported with its index. */
export function replayTrace(trace: Trace, fileName: string, opts?: EngineOptions): AttributionEngine {
  const engine = new AttributionEngine(opts);
  for (const [file, content] of Object.entries(trace.files)) engine.setFile(file, content);
  trace.events.forEach((event, i) => {
    try {
      engine.observe(event);
    } catch (err) {
      if (!CountersignError.is(err)) throw err;
      throw new CountersignError('input', `${fileName}: events[${i}]: ${err.message}`);
    }
  });
  return engine;
}

/** The `replay --json` shape: one label key per line of each file's final content. */
export function replayLabels(engine: AttributionEngine): { files: Record<string, string[]> } {
  const files: Record<string, string[]> = {};
  for (const file of engine.files().sort()) files[file] = engine.labels(file).map(labelKey);
  return { files };
}
