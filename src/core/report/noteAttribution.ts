import { keyKind, resolveKey, sessionOfKey, type AuthorshipNote, type KeyOwner } from '../authorshipNote';
import { noteOwnerRuns, type LineCountOf } from '../noteOwners';
import { canonicalAgent, type CanonicalAgent } from '../agents/agentIdentity';
import { safePerson } from '../provenanceStrings';
import { countNormalizedLines, normalizeRanges, type LineRange } from '../lineRanges';

/**
 * What a refs/notes/ai note (git-ai authorship log `authorship/3.0.0`, parsed by src/core/authorshipNote.ts)
 * says about a commit's lines, resolved to disjoint labelled runs. Keys as they occur in the wild:
 * `s_<14 hex>::t_<14 hex>` (AI session checkpoint, described in `sessions`), `h_<14 hex>` (known human), and
 * legacy 16-hex prompt hashes (AI, described in `prompts`). A key whose record is missing is still AI, agent
 * `unknown`. Within a file a later entry wins over an earlier one for the same line, as git-ai's blame reads it.
 * Runs are intervals, never expanded to lines: a note may attest `1-200000` for a generated file.
 */
export interface AiSource {
  kind: 'ai';
  key: string;
  agent: CanonicalAgent;
  /** The tool name the note gave (`claude`, `github-copilot`…), when it gave one. */
  tool?: string;
  model?: string;
  /** The session part of the key (`s_…`), or the legacy prompt hash. */
  session: string;
  conversationId?: string;
  humanAuthor?: string;
}

export interface HumanSource {
  kind: 'human';
  key: string;
  author?: string;
}

export type LineSource = AiSource | HumanSource;

export interface FileAttribution {
  path: string;
  /** Disjoint, sorted runs of lines with the entry that wins for them. */
  runs: Array<{ start: number; end: number; source: LineSource }>;
  /** Normalised intervals of AI lines (all sessions). */
  aiLines: LineRange[];
}

export interface NoteAttribution {
  files: FileAttribution[];
  /** Distinct AI (file, line) pairs in this note. */
  aiLineCount: number;
  humanLineCount: number;
  /** Every source the note names, keyed by attestation key (including ones that won no line). */
  sources: Map<string, LineSource>;
}

/** The tool an AI owner names, or undefined where git-ai recorded none (`unknown`). */
function toolOf(owner: KeyOwner & { kind: 'ai' }): string | undefined {
  return owner.tool && owner.tool !== 'unknown' ? owner.tool : undefined;
}

/** The canonical agent an attestation key credits, or undefined for a human (`h_`) key. */
export function agentOfKey(note: AuthorshipNote, key: string): CanonicalAgent | undefined {
  const owner = resolveKey(note, key);
  return owner.kind === 'human' ? undefined : canonicalAgent(toolOf(owner));
}

export function resolveSource(note: AuthorshipNote, key: string): LineSource {
  const owner = resolveKey(note, key);
  if (owner.kind === 'human') return { kind: 'human', key, ...(owner.author ? { author: owner.author } : {}) };
  const kind = keyKind(key);
  const rec = kind === 'session' ? note.meta.sessions?.[sessionOfKey(key)] : note.meta.prompts?.[key];
  const tool = toolOf(owner);
  const humanAuthor = safePerson(rec?.human_author);
  return {
    kind: 'ai',
    key,
    agent: canonicalAgent(tool),
    session: sessionOfKey(key),
    ...(tool ? { tool } : {}),
    // git-ai records "unknown" when the agent did not say; that is no model.
    ...(owner.model && owner.model !== 'unknown' ? { model: owner.model } : {}),
    ...(owner.id ? { conversationId: owner.id } : {}),
    ...(humanAuthor ? { humanAuthor } : {}),
  };
}

/**
 * `lineCounts` (when the reader knows the files' lengths) cuts each file's claim at its last line: a note
 * may say anything, and the report must not count more AI lines than a file has.
 */
export function attributeNote(note: AuthorshipNote, lineCounts?: LineCountOf): NoteAttribution {
  const sources = new Map<string, LineSource>();
  const files: FileAttribution[] = [];
  let aiLineCount = 0,
    humanLineCount = 0;
  for (const [path, owners] of noteOwnerRuns(note, lineCounts)) {
    const runs: FileAttribution['runs'] = [];
    const ai: LineRange[] = [];
    for (const r of owners) {
      let source = sources.get(r.key);
      if (!source) sources.set(r.key, (source = resolveSource(note, r.key)));
      runs.push({ start: r.start, end: r.end, source });
      if (source.kind === 'ai') ai.push([r.start, r.end]);
      else humanLineCount += r.end - r.start + 1;
    }
    const aiLines = normalizeRanges(ai);
    aiLineCount += countNormalizedLines(aiLines);
    files.push({ path, runs, aiLines });
  }
  // Keys that won no line are still named.
  for (const f of note.files)
    for (const e of f.entries) if (!sources.has(e.key)) sources.set(e.key, resolveSource(note, e.key));
  return { files, aiLineCount, humanLineCount, sources };
}

/** The winning source of one line of one file, or undefined when the note has no entry for it (untracked). */
export function sourceOfLine(attribution: NoteAttribution, path: string, line: number): LineSource | undefined {
  const file = attribution.files.find((f) => f.path === path);
  if (!file) return undefined;
  let lo = 0,
    hi = file.runs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = file.runs[mid];
    if (line < r.start) hi = mid - 1;
    else if (line > r.end) lo = mid + 1;
    else return r.source;
  }
  return undefined;
}
