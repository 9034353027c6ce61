import { createHash } from 'crypto';
import { CountersignError } from './errors';
import { knownAgent } from './agents/agentIdentity';

/**
 * Codec for git-ai's authorship log (`authorship/3.0.0`), the note Countersign writes under `refs/notes/ai`
 * so git-ai's blame and stats read our commits and we read theirs (DESIGN.md, "What a commit carries"):
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

export type LineRange = [start: number, end: number];

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
  human_author?: string;
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

function hex14(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 14);
}

/** Session id as git-ai derives it: `s_` + first 14 hex of SHA-256 of `<tool>:<conversation id>`. */
export function sessionKey(tool: string, conversationId: string): string {
  return `s_${hex14(`${tool}:${conversationId}`)}`;
}

/** Trace id for one checkpoint of a session; git-ai draws it at random, Countersign derives it from `seed`. */
export function traceKey(seed: string): string {
  return `t_${hex14(seed)}`;
}

/** An attestation key for an AI session checkpoint: `s_<14hex>::t_<14hex>`. */
export function sessionEntryKey(session: string, trace: string): string {
  return `${session}::${trace}`;
}

/** Human key: `h_` + first 14 hex of SHA-256 of `Name <email>`. */
export function humanKey(author: string): string {
  return `h_${hex14(author)}`;
}

export type KeyKind = 'session' | 'human' | 'prompt';

/** How git-ai routes an attestation key: `s_` to sessions, `h_` to humans, anything else to prompts. */
export function keyKind(key: string): KeyKind {
  if (key.startsWith('s_')) return 'session';
  if (key.startsWith('h_')) return 'human';
  return 'prompt';
}

/** The session part of an `s_…::t_…` key (git-ai: split on `::`, take the first part). */
export function sessionOfKey(key: string): string {
  const i = key.indexOf('::');
  return i < 0 ? key : key.slice(0, i);
}

export type KeyOwner =
  | { kind: 'ai'; tool: string; id?: string; model?: string }
  | { kind: 'human'; author?: string };

/**
 * Who an attestation key stands for. Every non-`h_` key is AI (git-ai attests only AI sessions and known
 * humans); a key whose record is missing (git-ai looks such prompts up in other notes) is AI with tool `unknown`.
 */
export function resolveKey(note: AuthorshipNote, key: string): KeyOwner {
  switch (keyKind(key)) {
    case 'human': {
      const h = note.meta.humans?.[key];
      return h ? { kind: 'human', author: h.author } : { kind: 'human' };
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

function aiOwner(a: AgentId): KeyOwner {
  return { kind: 'ai', tool: a.tool, id: a.id, ...(a.model ? { model: a.model } : {}) };
}

/**
 * Canonical agent name for a note's `agent_id.tool`: one alias table (report/agentNames) serves notes, reports,
 * explain and the panel alike; a name it does not know is kept as written so nothing is lost.
 */
export function canonicalAgentFromTool(tool: string): string {
  return knownAgent(tool) ?? tool;
}

// ---------------------------------------------------------------------------------------------- ranges

/** Sorted, merged ranges (adjacent and overlapping ranges join). */
export function normalizeRanges(ranges: readonly LineRange[]): LineRange[] {
  const sorted = ranges.map(([a, b]): LineRange => (a <= b ? [a, b] : [b, a])).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: LineRange[] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

export function linesToRanges(lines: Iterable<number>): LineRange[] {
  return normalizeRanges([...lines].map((l): LineRange => [l, l]));
}

export function rangesToLines(ranges: readonly LineRange[]): number[] {
  const out: number[] = [];
  for (const [a, b] of normalizeRanges(ranges)) for (let l = a; l <= b; l++) out.push(l);
  return out;
}

export function formatRanges(ranges: readonly LineRange[]): string {
  return normalizeRanges(ranges).map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(',');
}

/** Parses `1-10,15,20-22` (any order; empty parts skipped as git-ai does). Returns an error text on failure. */
export function parseRanges(text: string): LineRange[] | string {
  const out: LineRange[] = [];
  for (const part of text.split(',')) {
    const p = part.trim();
    if (p === '') continue;
    const m = /^(\d+)(?:-(\d+))?$/.exec(p);
    if (!m) return `'${p}' is not a line number or range`;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (a < 1 || b < 1) return `'${p}': line numbers start at 1`;
    // git-ai never writes a reversed range; read one as the lines it spans rather than rejecting the note.
    out.push(a <= b ? [a, b] : [b, a]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- parse

function inputError(what: string, source?: string): CountersignError {
  return new CountersignError('input', `${source ? `${source}: ` : ''}not a valid authorship note (${AUTHORSHIP_SCHEMA}): ${what}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkAgentId(v: unknown, where: string, source?: string): AgentId {
  if (!isRecord(v) || typeof v.tool !== 'string' || typeof v.id !== 'string') {
    throw inputError(`${where}.agent_id needs string "tool" and "id"`, source);
  }
  if (v.model !== undefined && v.model !== null && typeof v.model !== 'string') throw inputError(`${where}.agent_id.model is not a string`, source);
  return v as unknown as AgentId;
}

function checkMap<T>(meta: Record<string, unknown>, field: string, check: (v: unknown, where: string) => T): Record<string, T> | undefined {
  const v = meta[field];
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v)) throw inputError(`"${field}" is not an object`);
  const out: Record<string, T> = {};
  for (const [k, item] of Object.entries(v)) out[k] = check(item, `${field}.${k}`);
  return out;
}

/**
 * Parses a note as stored in `refs/notes/ai`. `source` (a commit id, a file) is named in errors.
 * Throws CountersignError('input') saying what is wrong and where.
 */
export function parseAuthorshipNote(text: string, source?: string): AuthorshipNote {
  const lines = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  const divider = lines.findIndex((l) => l.trimEnd() === '---');
  if (divider < 0) throw inputError(`no '---' line between the attestations and the JSON metadata`, source);

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
      const ranges = parseRanges(sp < 0 ? '' : body.slice(sp + 1));
      if (typeof ranges === 'string') throw inputError(`line ${i + 1}: ${ranges}`, source);
      if (!current) throw inputError(`line ${i + 1}: attestation entry '${key}' before any file path`, source);
      current.entries.push({ key, ranges });
      continue;
    }
    const p = line.length >= 2 && line.startsWith('"') && line.endsWith('"') ? line.slice(1, -1) : line;
    current = byPath.get(p);
    if (!current) {
      current = { path: p, entries: [] };
      byPath.set(p, current);
      files.push(current);
    }
  }

  const jsonText = lines.slice(divider + 1).join('\n').trim();
  if (jsonText === '') throw inputError(`nothing after the '---' line (the JSON metadata is missing)`, source);
  let meta: unknown;
  try {
    meta = JSON.parse(jsonText);
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
    if (sessions) out.sessions = sessions; else delete out.sessions;
    if (humans) out.humans = humans; else delete out.humans;
    if (prompts) out.prompts = prompts; else delete out.prompts;
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
  if (!notePathWritable(p)) throw new CountersignError('input', `cannot write an authorship note for a path with a line break: ${JSON.stringify(p)}`);
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
    if (!notePathWritable(file.path)) { onSkippedPath?.(file.path); continue; }
    out += formatPath(file.path) + '\n';
    for (const e of entries) {
      if (!/^\S+$/.test(e.key)) throw new CountersignError('input', `authorship note key ${JSON.stringify(e.key)} must be one word`);
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

// ---------------------------------------------------------------------------------------------- queries

/**
 * Owner key of every attested line, per file. When entries overlap the later one wins, as in git-ai's
 * blame (it scans entries in reverse).
 */
export function lineOwners(note: AuthorshipNote): Map<string, Map<number, string>> {
  const out = new Map<string, Map<number, string>>();
  for (const f of note.files) {
    let m = out.get(f.path);
    if (!m) out.set(f.path, (m = new Map()));
    for (const e of f.entries) for (const l of rangesToLines(e.ranges)) m.set(l, e.key);
  }
  return out;
}

/** Lines attested to AI (any non-`h_` key), per file; files without AI lines are left out. */
export function aiLinesByFile(note: AuthorshipNote): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const [p, owners] of lineOwners(note)) {
    const ai = new Set<number>();
    for (const [l, key] of owners) if (keyKind(key) !== 'human') ai.add(l);
    if (ai.size > 0) out.set(p, ai);
  }
  return out;
}

/** Attested lines per canonical agent name (`unknown` for keys without a record), per file. */
export function aiLinesByAgent(note: AuthorshipNote): Map<string, Map<string, Set<number>>> {
  const out = new Map<string, Map<string, Set<number>>>();
  for (const [p, owners] of lineOwners(note)) {
    for (const [l, key] of owners) {
      const o = resolveKey(note, key);
      if (o.kind !== 'ai') continue;
      const agent = canonicalAgentFromTool(o.tool);
      let byFile = out.get(agent);
      if (!byFile) out.set(agent, (byFile = new Map()));
      let set = byFile.get(p);
      if (!set) byFile.set(p, (set = new Set()));
      set.add(l);
    }
  }
  return out;
}

export function emptyNote(baseCommit?: string): AuthorshipNote {
  return { files: [], meta: { schema_version: AUTHORSHIP_SCHEMA, base_commit_sha: baseCommit ?? '', prompts: {} } };
}

/**
 * Two notes on the same commit (two clones wrote one each, or a rewrite copied one over another): the union
 * of their attestations — `preferred` wins a line both attest — and of their records.
 */
export function mergeNotesOnSameCommit(preferred: AuthorshipNote, other: AuthorshipNote): AuthorshipNote {
  const owners = lineOwners(other);
  for (const [p, lines] of lineOwners(preferred)) {
    let m = owners.get(p);
    if (!m) owners.set(p, (m = new Map()));
    for (const [l, k] of lines) m.set(l, k);
  }
  const order = [...new Set([...preferred.files.map((f) => f.path), ...other.files.map((f) => f.path)])];
  const files: NoteFile[] = [];
  for (const p of order) {
    const byKey = new Map<string, number[]>();
    for (const [l, k] of [...(owners.get(p) ?? new Map<number, string>())].sort((a, b) => a[0] - b[0])) {
      const list = byKey.get(k);
      if (list) list.push(l);
      else byKey.set(k, [l]);
    }
    if (byKey.size > 0) files.push({ path: p, entries: [...byKey].map(([key, lines]) => ({ key, ranges: linesToRanges(lines) })) });
  }
  const union = <T>(a: Record<string, T> | undefined, b: Record<string, T> | undefined): Record<string, T> | undefined =>
    a || b ? { ...(b ?? {}), ...(a ?? {}) } : undefined;
  const meta: AuthorshipNoteMeta = { ...other.meta, ...preferred.meta };
  const prompts = union(preferred.meta.prompts, other.meta.prompts);
  const sessions = union(preferred.meta.sessions, other.meta.sessions);
  const humans = union(preferred.meta.humans, other.meta.humans);
  if (prompts) meta.prompts = prompts;
  if (sessions) meta.sessions = sessions;
  if (humans) meta.humans = humans;
  return { files, meta };
}
