import { createHash } from 'crypto';
// zod/mini, as everywhere in shipped code: the classic API would add ~450 KB to each bundle.
import * as z from 'zod/mini';
import { resolveKey, type AuthorshipNote } from './authorshipNote';
import { knownAgent } from './agents/agentIdentity';

/**
 * Agent Trace (cursor/agent-trace, v0.1): the open record format other tools publish line attribution in. A
 * record names a revision, and per file the conversations that wrote line ranges, each with a contributor
 * (`human` / `ai` / `mixed` / `unknown`, and a `model_id`). The schema below is written from the
 * specification's `schemas/trace-record.json` (objects closed, the same patterns); `export` writes records
 * that pass it and `import` reads records through it, so both sides hold to one definition.
 *
 * Countersign's own agent names and session ids have no field of their own in the format: they travel in the
 * record's `metadata.countersign.conversations`, one entry per conversation in file order, so an exported
 * record imports back to the same agents; a foreign record's agent is taken from its `tool.name`.
 */
export const AGENT_TRACE_VERSION = '0.1';

const UUID =
  /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/;
/**
 * RFC 3339 in UTC, as the specification's schema accepts it (a `Z`, optional seconds and fraction; hours to 23,
 * minutes and seconds to 59). Whether the day exists in its month is checked by realDate: the published schema
 * refuses 2026-02-30 and 2025-02-29 too.
 */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?Z$/;

/** Whether a TIMESTAMP-shaped string names a day that exists (month 1-12, day within that month, leap years). */
function realDate(s: string): boolean {
  const m = TIMESTAMP.exec(s);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day); // rolls over (Feb 30 -> Mar 2) when the day does not exist
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

const contributor = z.strictObject({
  type: z.enum(['human', 'ai', 'mixed', 'unknown']),
  model_id: z.optional(z.string().check(z.maxLength(250))),
});

const lineNumber = z.int().check(z.minimum(1), z.maximum(Number.MAX_SAFE_INTEGER));
const range = z.strictObject({
  start_line: lineNumber,
  end_line: lineNumber,
  content_hash: z.optional(z.string()),
  contributor: z.optional(contributor),
});

export const traceRecordSchema = z.strictObject({
  version: z.string().check(z.regex(/^[0-9]+\.[0-9]+$/, 'must be MAJOR.MINOR, like "0.1"')),
  id: z.string().check(z.regex(UUID, 'must be a UUID (RFC 4122, version 1 to 8, as `uuidgen` prints)')),
  timestamp: z
    .string()
    .check(z.refine(realDate, 'must be an RFC 3339 UTC time of a real date, like 2026-01-31T12:00:00Z')),
  vcs: z.optional(z.strictObject({ type: z.enum(['git', 'jj', 'hg', 'svn']), revision: z.string() })),
  tool: z.optional(z.strictObject({ name: z.string(), version: z.string() })),
  files: z.array(
    z.strictObject({
      path: z.string(),
      conversations: z.array(
        z.strictObject({
          url: z.optional(z.url()),
          contributor: z.optional(contributor),
          ranges: z.array(range),
          related: z.optional(z.array(z.strictObject({ type: z.string(), url: z.url() }))),
        }),
      ),
    }),
  ),
  metadata: z.optional(z.record(z.string(), z.unknown())),
});

export type TraceRecord = z.infer<typeof traceRecordSchema>;

/**
 * One schema problem as one sentence naming the field and what it expects (newuser24 F14: the validator's own
 * text printed the UUID pattern and "Invalid input: expected string, received undefined"). Needs the issue's
 * input (safeParse with reportInput).
 */
export function traceIssueText(issue: z.core.$ZodIssue): string {
  const at = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`));
  const field = at.join('') || 'the record';
  switch (issue.code) {
    case 'invalid_type': {
      const expected = `${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
      if (issue.input === undefined) return `${field} is missing (expected ${expected})`;
      const found = issue.input === null ? 'null' : Array.isArray(issue.input) ? 'an array' : typeof issue.input;
      return `${field} must be ${expected}, not ${found}`;
    }
    case 'unrecognized_keys':
      return `${field} has ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}, which Agent Trace ${AGENT_TRACE_VERSION} does not define there`;
    case 'invalid_value':
      return `${field} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_big':
      return `${field} must be at most ${String(issue.maximum)}${issue.origin === 'string' ? ' characters long' : ''}`;
    case 'too_small':
      return `${field} must be at least ${String(issue.minimum)}`;
    case 'invalid_format':
      return issue.format === 'url' ? `${field} must be a URL` : `${field} ${issue.message}`;
    default:
      return /^must /.test(issue.message) ? `${field} ${issue.message}` : `${field} is not valid here`;
  }
}

/** What Countersign keeps in `metadata.countersign`: per conversation (in file order), the agent and session. */
const countersignMeta = z.object({
  conversations: z.array(z.object({ path: z.string(), agent: z.string(), session: z.optional(z.string()) })),
});

export interface CommitForTrace {
  sha: string;
  /** Committer time, seconds since the epoch. */
  time: number;
}

/**
 * One commit's note as one record: a conversation per AI session (contributor `ai` with the model) and per
 * known human (contributor `human`), with the note's line ranges; untracked lines are left out, as the note
 * leaves them out.
 */
export function noteToTraceRecord(
  commit: CommitForTrace,
  note: AuthorshipNote,
  tool: { name: string; version: string },
): TraceRecord {
  const files: TraceRecord['files'] = [];
  const meta: z.infer<typeof countersignMeta>['conversations'] = [];
  for (const f of note.files) {
    const conversations: TraceRecord['files'][number]['conversations'] = [];
    for (const entry of f.entries) {
      if (entry.ranges.length === 0) continue;
      const owner = resolveKey(note, entry.key);
      const ranges = entry.ranges.map(([start, end]) => ({ start_line: start, end_line: end }));
      if (owner.kind === 'ai') {
        const model = owner.model && owner.model !== 'unknown' ? owner.model : undefined;
        conversations.push({
          contributor: { type: 'ai', ...(model ? { model_id: model.slice(0, 250) } : {}) },
          ranges,
        });
        meta.push({
          path: f.path,
          agent: knownAgent(owner.tool) ?? owner.tool,
          ...(owner.id ? { session: owner.id } : {}),
        });
      } else {
        conversations.push({ contributor: { type: 'human' }, ranges });
        meta.push({ path: f.path, agent: 'human' });
      }
    }
    if (conversations.length > 0) files.push({ path: f.path, conversations });
  }
  return {
    version: AGENT_TRACE_VERSION,
    id: uuidFor(`countersign:${commit.sha}`),
    timestamp: new Date(commit.time * 1000).toISOString(),
    vcs: { type: 'git', revision: commit.sha },
    tool,
    files,
    metadata: { countersign: { conversations: meta } },
  };
}

/** A stable UUID (version 5 layout) from a name: exporting the same commit twice gives the same id. */
function uuidFor(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** AI-written lines a record attributes, per file: what `import` turns into agent observations. */
export interface ImportedAttribution {
  path: string;
  agent: string;
  model?: string;
  session: string;
  /** 1-based inclusive line ranges. */
  ranges: Array<[number, number]>;
}

/**
 * The AI ranges of a record, one entry per conversation (a range whose own contributor is `ai` counts under
 * it, with its model; `human`, `mixed` and `unknown` ranges are not AI observations). The agent is the one
 * Countersign's metadata names, else the record's tool when it is a known agent, else `unknown`.
 */
export function aiAttributions(record: TraceRecord): ImportedAttribution[] {
  const parsedMeta = countersignMeta.safeParse((record.metadata as Record<string, unknown> | undefined)?.countersign);
  const meta = parsedMeta.success ? parsedMeta.data.conversations : [];
  const fromTool = record.tool ? knownAgent(record.tool.name) : undefined;
  const out: ImportedAttribution[] = [];
  let index = 0;
  for (const file of record.files) {
    for (const [i, conv] of file.conversations.entries()) {
      const m = meta[index++];
      const mine = m && m.path === file.path ? m : undefined;
      // Metadata is what a file says: its agent goes through the agent table like any name (newuser14 S27).
      const agent = mine && mine.agent !== 'human' ? (knownAgent(mine.agent) ?? 'unknown') : (fromTool ?? 'unknown');
      const session = mine?.session ?? conv.url ?? `${record.id}#${file.path}#${i}`;
      const byModel = new Map<string | undefined, Array<[number, number]>>();
      for (const r of conv.ranges) {
        const who = r.contributor ?? conv.contributor;
        if (who?.type !== 'ai') continue;
        const list = byModel.get(who.model_id) ?? [];
        list.push([Math.min(r.start_line, r.end_line), Math.max(r.start_line, r.end_line)]);
        byModel.set(who.model_id, list);
      }
      for (const [model, ranges] of byModel)
        out.push({ path: file.path, agent, ...(model ? { model } : {}), session, ranges });
    }
  }
  return out;
}

/**
 * The content an agent observation's `before` needs so that exactly `ranges` of `content` differ from it: those
 * lines emptied. Whitespace-only lines differ from nothing (the engine compares ignoring whitespace) and stay as
 * they were; ranges past the end of the file are ignored.
 */
export function contentWithoutLines(content: string, ranges: ReadonlyArray<[number, number]>): string {
  const lines = content.split('\n');
  // The ranges come from a file anyone can commit (a hostile clone's trace): 200,000 copies of "1-1000000" must
  // cost O(lines + ranges), not their product. Each range adds +1 where it starts and -1 after it ends; a running
  // sum over the lines then says which are covered.
  const starts = new Int32Array(lines.length + 2);
  for (const [a, b] of ranges) {
    const from = Math.max(1, Math.floor(a));
    const to = Math.min(lines.length, Math.floor(b));
    if (!(from <= to)) continue;
    starts[from] += 1;
    starts[to + 1] -= 1;
  }
  let covering = 0;
  for (let n = 1; n <= lines.length; n++) {
    covering += starts[n];
    if (covering > 0) lines[n - 1] = lines[n - 1].endsWith('\r') ? '\r' : '';
  }
  return lines.join('\n');
}

/**
 * An imported record's ranges as direct label edits (newuser14 S6): every line a range names — blank ones too,
 * since the record says the agent wrote their line breaks (DESIGN's blank-line rule) — takes `label`; every
 * other line keeps the label it had. Ranges are 1-indexed and inclusive, clipped to the file; O(lines + ranges)
 * however many or large the ranges of a hostile record are.
 */
export function labelRanges<L>(labels: readonly L[], ranges: ReadonlyArray<[number, number]>, label: L): L[] {
  const n = labels.length;
  const delta = new Int32Array(n + 1);
  for (const [start, end] of ranges) {
    const from = Math.max(1, start);
    const to = Math.min(n, end);
    if (from > to) continue;
    delta[from - 1]++;
    delta[to]--;
  }
  const out = [...labels];
  let depth = 0;
  for (let i = 0; i < n; i++) {
    depth += delta[i] ?? 0;
    if (depth > 0) out[i] = label;
  }
  return out;
}
