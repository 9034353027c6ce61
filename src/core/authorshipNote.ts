import { safeName, safePerson } from './provenanceStrings';
import { CountersignError } from './errors';
import { knownAgent } from './agents/agentIdentity';
import { oversizedNote } from './noteBounds';
import { formatRanges, type LineRange } from './lineRanges';
import { parseShallowJson } from './jsonDepth';
import { keyKind, sessionOfKey } from './attestationKeys';

/**
 * Codec for git-ai's authorship log (`authorship/3.0.0`), the note Countersign writes under `refs/notes/ai`
 * so git-ai's blame and stats read our commits and we read theirs (docs/design.md, "What a commit carries"):
 *
 *     src/main.ts                          <- file path at column 0 ("quoted" when it contains whitespace)
 *       s_0123456789abcd::t_0123456789abcd 1-10,15,20-22
 *       h_0123456789abcd 11-14
 *     ---
 *     {"schema_version":"authorship/3.0.0","base_commit_sha":"…","prompts":{},"sessions":{…},"humans":{…}}
 *
 * The reader accepts what git-ai itself writes in real repositories: ranges out of order, an empty
 * attestation section (the text starts with `---`), legacy 16-hex prompt keys resolved through `prompts`,
 * absent `sessions`/`humans`, CRLF line endings, and git-ai's quoting of paths with spaces (no escapes
 * inside the quotes — git-ai strips the outer quotes only).
 */

export interface NoteEntry {
  /** `s_<14hex>::t_<14hex>` (AI session checkpoint), `h_<14hex>` (known human) or a legacy prompt hash. */
  key: string;
  /** 1-based inclusive line ranges of the file as committed. */
  ranges: LineRange[];
}

export interface NoteFile {
  path: string;
  entries: NoteEntry[];
}

export interface AgentId {
  tool: string;
  id: string;
  model?: string;
}

export interface SessionRecord {
  agent_id: AgentId;
  /** `Name <email>` of who ran the session (git-ai writes null when unknown; older notes leave it out). */
  human_author?: string | null;
  [extra: string]: unknown;
}

/** git-ai's older per-prompt records (legacy 16-hex keys); only `agent_id` matters to Countersign. */
export interface PromptRecord {
  agent_id?: AgentId;
  human_author?: string | null;
  [extra: string]: unknown;
}

export interface HumanRecord {
  author: string;
  [extra: string]: unknown;
}

export interface AuthorshipNoteMeta {
  schema_version: string;
  git_ai_version?: string;
  base_commit_sha?: string;
  prompts?: Record<string, PromptRecord>;
  sessions?: Record<string, SessionRecord>;
  humans?: Record<string, HumanRecord>;
  /** Fields from newer writers are kept so a read-modify-write does not drop them. */
  [extra: string]: unknown;
}

export interface AuthorshipNote {
  files: NoteFile[];
  meta: AuthorshipNoteMeta;
}

export const AUTHORSHIP_SCHEMA = 'authorship/3.0.0';

/** The note's attestation keys (`s_…::t_…`, `h_…`): attestationKeys.ts, here too for the note's readers. */
export {
  humanKey,
  keyKind,
  sessionEntryKey,
  sessionKey,
  sessionOfKey,
  traceKey,
  type KeyKind,
} from './attestationKeys';

export type KeyOwner = { kind: 'ai'; tool: string; id?: string; model?: string } | { kind: 'human'; author?: string };

/**
 * Who an attestation key stands for. Every non-`h_` key is AI (git-ai attests only AI sessions and known
 * humans); a key whose record is missing (git-ai looks such prompts up in other notes) is AI with tool `unknown`.
 */
export function resolveKey(note: AuthorshipNote, key: string): KeyOwner {
  switch (keyKind(key)) {
    case 'human': {
      const h = note.meta.humans?.[key];
      const author = h ? safePerson(h.author) : undefined;
      return author ? { kind: 'human', author } : { kind: 'human' };
    }
    case 'session': {
      const s = note.meta.sessions?.[sessionOfKey(key)];
      return s ? aiOwner(s.agent_id) : { kind: 'ai', tool: 'unknown' };
    }
    case 'prompt': {
      const p = note.meta.prompts?.[key];
      return p?.agent_id ? aiOwner(p.agent_id) : { kind: 'ai', tool: 'unknown' };
    }
  }
}

/** A note's agent_id as Countersign uses it: names outside provenanceStrings' set are not names (class 6). */
function aiOwner(a: AgentId): KeyOwner {
  const tool = safeName(a.tool) ?? 'unknown',
    id = safeName(a.id),
    model = a.model ? safeName(a.model) : undefined;
  return { kind: 'ai', tool, ...(id ? { id } : {}), ...(model ? { model } : {}) };
}

/**
 * Canonical agent name for a note's `agent_id.tool`: one alias table (report/agentNames) serves notes, reports,
 * explain and the panel alike; a name it does not know is kept as written so nothing is lost.
 */
export function canonicalAgentFromTool(tool: string): string {
  return knownAgent(tool) ?? tool;
}

// ---------------------------------------------------------------------------------------------- ranges
// Ranges are worked on arithmetically and never expanded line by line: a fetched note is input from whoever
// pushed it, and `1-999999999` expanded into a list or a Map is a fatal out-of-memory no try/catch stops.
/**
 * The highest line number a note may claim: no attested file has ten million lines, so a note claiming one beyond
 * is an attack on its readers, refused as unreadable (the gate fails closed, the report falls back to trailers).
 */
export const MAX_NOTE_LINE = 10_000_000;

/** Parses `1-10,15,20-22` (any order; empty parts skipped as git-ai does). Returns an error text on failure. */
export function parseRanges(text: string): LineRange[] | string {
  const out: LineRange[] = [];
  for (const part of text.split(',')) {
    const p = part.trim();
    if (p === '') continue;
    const m = /^(\d+)(?:-(\d+))?$/.exec(p);
    if (!m) return `'${p.length > 40 ? `${p.slice(0, 40)}…` : p}' is not a line number or range`;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (a < 1 || b < 1) return `'${p}': line numbers start at 1`;
    if (a > MAX_NOTE_LINE || b > MAX_NOTE_LINE) {
      return `'${p.length > 40 ? `${p.slice(0, 40)}…` : p}' claims lines beyond ${MAX_NOTE_LINE.toLocaleString('en-US')}, more than any attested file has`;
    }
    // git-ai never writes a reversed range; read one as the lines it spans rather than rejecting the note.
    out.push(a <= b ? [a, b] : [b, a]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- parse

/**
 * A copy of `s` that shares no memory with the text it was cut from. V8 keeps a substring of 13 or more
 * characters as a view of its whole parent, so a path kept from a note (report keeps each note's AI lines per
 * path for the whole run) kept the whole note alive — prompt transcripts and all: 12 MB of notes still live at
 * the end of a 5,000-commit report, copied by every scavenge on the way (issue 11). Concatenating and cutting
 * again makes V8 flatten the string into a new one of the path's own length.
 */
function ownCopy(s: string): string {
  return (' ' + s).slice(1);
}

function inputError(what: string, source?: string): CountersignError {
  return new CountersignError(
    'input',
    `${source ? `${source}: ` : ''}not a valid authorship note (${AUTHORSHIP_SCHEMA}): ${what}`,
  );
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkAgentId(v: unknown, where: string, source?: string): AgentId {
  if (!isRecord(v) || typeof v.tool !== 'string' || typeof v.id !== 'string') {
    throw inputError(`${where}.agent_id needs string "tool" and "id"`, source);
  }
  if (v.model !== undefined && v.model !== null && typeof v.model !== 'string')
    throw inputError(`${where}.agent_id.model is not a string`, source);
  return v as unknown as AgentId;
}

function checkMap<T>(
  meta: Record<string, unknown>,
  field: string,
  check: (v: unknown, where: string) => T,
): Record<string, T> | undefined {
  const v = meta[field];
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v)) throw inputError(`"${field}" is not an object`);
  const out: Record<string, T> = {};
  for (const [k, item] of Object.entries(v)) out[k] = check(item, `${field}.${k}`);
  return out;
}

/**
 * The lines before a note's first `---` line (a BOM dropped, line endings made `\n`) and the text after it;
 * undefined without one. Only the attestations are split into lines: the metadata, most of a note that
 * carries prompt transcripts, goes to JSON.parse as one string (`report` reads thousands of notes).
 */
function splitAtDivider(text: string): { lines: string[]; after: string } | undefined {
  let t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (t.includes('\r')) t = t.replace(/\r\n?/g, '\n');
  const lines: string[] = [];
  for (let start = 0; ;) {
    const nl = t.indexOf('\n', start);
    const line = nl < 0 ? t.slice(start) : t.slice(start, nl);
    if (line.trimEnd() === '---') return { lines, after: nl < 0 ? '' : t.slice(nl + 1) };
    if (nl < 0) return undefined;
    lines.push(line);
    start = nl + 1;
  }
}

/** Parses a note as stored in `refs/notes/ai`; throws CountersignError('input') naming what and where (`source`). */
export function parseAuthorshipNote(text: string, source?: string): AuthorshipNote {
  const big = oversizedNote(text); // the gate's bound: a larger note (or a reader's stand-in) is never parsed
  if (big) throw inputError(big, source);
  const split = splitAtDivider(text);
  if (!split) throw inputError(`no '---' line between the attestations and the JSON metadata`, source);
  const { lines, after } = split;
  const divider = lines.length;

  const files: NoteFile[] = [];
  const byPath = new Map<string, NoteFile>();
  let current: NoteFile | undefined;
  for (let i = 0; i < divider; i++) {
    const line = lines[i].trimEnd();
    if (line.trim() === '') continue;
    if (/^[ \t]/.test(line)) {
      const body = line.trim();
      const sp = body.search(/\s/);
      const key = sp < 0 ? body : body.slice(0, sp);
      // Keys are hex words (s_…::t_…, h_…, legacy prompt ids); anything else is no key, and shown nowhere.
      if (!safeName(key))
        throw inputError(`line ${i + 1}: ${JSON.stringify(key.slice(0, 40))} is not an attestation key`, source);
      const ranges = parseRanges(sp < 0 ? '' : body.slice(sp + 1));
      if (typeof ranges === 'string') throw inputError(`line ${i + 1}: ${ranges}`, source);
      if (!current) throw inputError(`line ${i + 1}: attestation entry '${key}' before any file path`, source);
      current.entries.push({ key, ranges });
      continue;
    }
    const p = line.length >= 2 && line.startsWith('"') && line.endsWith('"') ? line.slice(1, -1) : line;
    current = byPath.get(p);
    if (!current) {
      current = { path: ownCopy(p), entries: [] };
      byPath.set(p, current);
      files.push(current);
    }
  }

  const jsonText = after.trim();
  if (jsonText === '') throw inputError(`nothing after the '---' line (the JSON metadata is missing)`, source);
  let meta: unknown;
  try {
    meta = parseShallowJson(jsonText, 'the metadata');
  } catch (e) {
    throw inputError(`the metadata after '---' is not JSON (${(e as Error).message})`, source);
  }
  if (!isRecord(meta)) throw inputError('the metadata after --- is not a JSON object', source);
  const schema = meta.schema_version;
  if (typeof schema !== 'string') throw inputError('the metadata has no "schema_version"', source);
  if (!/^authorship\/3\./.test(schema)) throw inputError(`schema_version "${schema}" is not authorship/3.x`, source);
  try {
    const sessions = checkMap(meta, 'sessions', (v, where) => {
      if (!isRecord(v)) throw inputError(`${where} is not an object`);
      checkAgentId(v.agent_id, where);
      return v as SessionRecord;
    });
    const humans = checkMap(meta, 'humans', (v, where) => {
      if (!isRecord(v) || typeof v.author !== 'string') throw inputError(`${where} needs a string "author"`);
      return v as HumanRecord;
    });
    const prompts = checkMap(meta, 'prompts', (v, where) => {
      if (!isRecord(v)) throw inputError(`${where} is not an object`);
      if (v.agent_id !== undefined) checkAgentId(v.agent_id, where);
      return v as PromptRecord;
    });
    const out: AuthorshipNoteMeta = { ...meta, schema_version: schema };
    if (sessions) out.sessions = sessions;
    else delete out.sessions;
    if (humans) out.humans = humans;
    else delete out.humans;
    if (prompts) out.prompts = prompts;
    else delete out.prompts;
    // git-ai drops files without entries when it reads; so do we.
    return { files: files.filter((f) => f.entries.length > 0), meta: out };
  } catch (e) {
    if (CountersignError.is(e, 'input') && source) throw new CountersignError('input', `${source}: ${e.message}`);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------- format

/** Whether a path can stand in a note at all: the format is line-based, so a line break cannot. */
export function notePathWritable(p: string): boolean {
  return !/[\r\n]/.test(p);
}

/**
 * A path as a note line. git-ai (and `parseAuthorshipNote`) strip one pair of outer quotes and unescape
 * nothing, so wrapping in quotes round-trips any path without a line break — including one with both a quote
 * and a space. Quoted: paths with whitespace (git-ai's own rule), paths that start and end with a quote (read
 * bare they would lose them) and `---` (read bare it is the divider).
 */
function formatPath(p: string): string {
  if (!notePathWritable(p))
    throw new CountersignError(
      'input',
      `cannot write an authorship note for a path with a line break: ${JSON.stringify(p)}`,
    );
  const quote = /\s/.test(p) || (p.length >= 2 && p.startsWith('"') && p.endsWith('"')) || p === '---';
  return quote ? `"${p}"` : p;
}

/**
 * Writes a note git-ai can read: files and entries in the given order (entries without lines, files
 * without entries and files whose path has a line break — reported to `onSkippedPath` — are left out), ranges sorted and merged, `---`, then pretty JSON with the fields git-ai's
 * reader requires (`base_commit_sha`, `prompts`) always present.
 */
export function formatAuthorshipNote(note: AuthorshipNote, onSkippedPath?: (path: string) => void): string {
  let out = '';
  for (const file of note.files) {
    const entries = file.entries.filter((e) => e.ranges.length > 0);
    if (entries.length === 0) continue;
    // A path with a line break cannot be written: that file is left out, never the whole note (issue 12).
    if (!notePathWritable(file.path)) {
      onSkippedPath?.(file.path);
      continue;
    }
    out += formatPath(file.path) + '\n';
    for (const e of entries) {
      if (!/^\S+$/.test(e.key))
        throw new CountersignError('input', `authorship note key ${JSON.stringify(e.key)} must be one word`);
      out += `  ${e.key} ${formatRanges(e.ranges)}\n`;
    }
  }
  const { schema_version, git_ai_version, base_commit_sha, prompts, sessions, humans, ...rest } = note.meta;
  const meta: Record<string, unknown> = { schema_version: schema_version || AUTHORSHIP_SCHEMA };
  if (git_ai_version !== undefined) meta.git_ai_version = git_ai_version;
  meta.base_commit_sha = base_commit_sha ?? '';
  meta.prompts = prompts ?? {};
  if (sessions && Object.keys(sessions).length > 0) meta.sessions = sessions;
  if (humans && Object.keys(humans).length > 0) meta.humans = humans;
  Object.assign(meta, rest);
  return `${out}---\n${JSON.stringify(meta, null, 2)}\n`;
}

export function emptyNote(baseCommit?: string): AuthorshipNote {
  return { files: [], meta: { schema_version: AUTHORSHIP_SCHEMA, base_commit_sha: baseCommit ?? '', prompts: {} } };
}
