import { canonicalAgent } from './agents/agentIdentity';
import { keepFormattingLabels } from './attribution/formattingOnly';
import type { LineLabel } from './attribution/labels';
import { diffLines } from './attribution/lineDiff';
import {
  AUTHORSHIP_SCHEMA,
  canonicalAgentFromTool,
  humanKey,
  keyKind,
  resolveKey,
  sessionEntryKey,
  sessionKey,
  sessionOfKey,
  traceKey,
  type AuthorshipNote,
  type HumanRecord,
  type NoteFile,
  type PromptRecord,
  type SessionRecord,
} from './authorshipNote';
import { linesToRanges } from './lineRanges';
import { noteOwnerRuns } from './noteOwners';
import { formatAssistedBy, type ProvenanceCounts } from './trailers';

/**
 * What a commit carries, computed from per-line evidence: the `AI-Provenance` counts and `Assisted-by`
 * values for the trailers, and the authorship note with ranges in the committed file's line numbers.
 * Evidence for a line comes from the working ledger (a label mapped onto the committed content) or from
 * the note of another commit whose content it carries (amend, cherry-pick, rebase, squash — by content).
 */

/** Where a committed line's provenance came from. */
export type LineEvidence = { kind: 'label'; label: LineLabel } | { kind: 'note'; key: string; note: AuthorshipNote };

/** 1-based line numbers throughout, like the note's ranges. */
export interface FileEvidence {
  path: string;
  /** The lines this commit adds (1-based, in the committed file). */
  added: readonly number[];
  /** Evidence per committed line; lines without an entry are untracked. */
  sources: ReadonlyMap<number, LineEvidence>;
}

export interface CommitAttribution {
  counts: ProvenanceCounts;
  /** `Assisted-by` values, one per agent/model, most lines first. */
  assistedBy: string[];
  note: AuthorshipNote;
}

/**
 * Labels of `target` lines taken from a labelled `source` text: a target line that the diff aligns with an
 * equal source line takes that line's label, and so does a line of a formatting-only block (a formatter that
 * rewrote the index only: attribution/formattingOnly.ts); every other target line is untracked. Used to map the
 * working tree's labels onto the staged blob (partially staged files: the index holds some of the working edits).
 */
export function mapLabelsOnto(
  sourceLines: readonly string[],
  sourceLabels: readonly LineLabel[],
  targetLines: readonly string[],
): Array<LineLabel | undefined> {
  const out: Array<LineLabel | undefined> = new Array<LineLabel | undefined>(targetLines.length).fill(undefined);
  const hunks = diffLines(sourceLines, targetLines);
  for (const h of hunks) {
    if (h.kind !== 'equal') continue;
    for (let i = 0; i < h.count; i++) out[h.newStart + i] = sourceLabels[h.oldStart + i];
  }
  keepFormattingLabels<LineLabel | undefined>(sourceLines, sourceLabels, targetLines, hunks, out);
  return out;
}

/**
 * Note keys of a donor commit's attested lines carried onto `target` by content: the diff between the
 * donor's version of the file and the target aligns lines, and an aligned line keeps its donor key.
 * `owners` and the result are keyed by 1-based line numbers.
 */
export function alignOwners(
  donorLines: readonly string[],
  owners: ReadonlyMap<number, string>,
  targetLines: readonly string[],
): Map<number, string> {
  const out = new Map<number, string>();
  if (owners.size === 0) return out;
  for (const h of diffLines(donorLines, targetLines)) {
    if (h.kind !== 'equal') continue;
    for (let i = 0; i < h.count; i++) {
      const key = owners.get(h.oldStart + i + 1);
      if (key !== undefined) out.set(h.newStart + i + 1, key);
    }
  }
  return out;
}

export interface BuildOptions {
  baseCommit?: string;
  /**
   * `Name <email>` of the person committing: the author of human lines whose label names none (they typed them),
   * and every new session's `human_author` (git-ai's field: the human who ran the agent is the one committing).
   */
  defaultHuman?: string;
}

interface AiUse {
  agent: string;
  model?: string;
  lines: number;
}

/** Turns per-line evidence into trailer values and a note (git-ai `authorship/3.0.0`). */
export function buildCommitAttribution(files: readonly FileEvidence[], opts: BuildOptions = {}): CommitAttribution {
  const counts: ProvenanceCounts = { ai: 0, human: 0, untracked: 0 };
  const sessions: Record<string, SessionRecord> = {};
  const humans: Record<string, HumanRecord> = {};
  const prompts: Record<string, PromptRecord> = {};
  const uses = new Map<string, AiUse>();
  const noteFiles: NoteFile[] = [];

  const useAi = (agent: string, model: string | undefined) => {
    const k = `${agent}\0${model ?? ''}`;
    const u = uses.get(k);
    if (u) u.lines++;
    else uses.set(k, { agent, ...(model ? { model } : {}), lines: 1 });
  };

  /** Session record per (tool, conversation): one model each, so a second model gets its own conversation id. */
  const sessionFor = (tool: string, conversation: string, model: string | undefined): string => {
    let id = conversation;
    let key = sessionKey(tool, id);
    const existing = sessions[key];
    if (existing && (existing.agent_id.model ?? undefined) !== model) {
      id = `${conversation}#${model ?? 'unknown'}`;
      key = sessionKey(tool, id);
    }
    // git-ai writes human_author always, null when it knows nobody (DESIGN's session record has the field).
    sessions[key] ??= { agent_id: { tool, id, ...(model ? { model } : {}) }, human_author: opts.defaultHuman ?? null };
    return key;
  };

  for (const f of files) {
    const byKey = new Map<string, number[]>();
    const attest = (key: string, line: number) => {
      const list = byKey.get(key);
      if (list) list.push(line);
      else byKey.set(key, [line]);
    };
    for (const line of f.added) {
      const src = f.sources.get(line);
      if (!src) {
        counts.untracked++;
        continue;
      }
      if (src.kind === 'label') {
        const l = src.label;
        if (l.kind === 'untracked') {
          counts.untracked++;
        } else if (l.kind === 'human') {
          counts.human++;
          const author = l.author ?? opts.defaultHuman;
          if (author) {
            const hk = humanKey(author);
            humans[hk] ??= { author };
            attest(hk, line);
          }
        } else {
          counts.ai++;
          // The trailer and the note name agents as report and blame read them: a label recorded under any
          // other name (an older ledger, a replayed trace) is counted under its canonical one (newuser14 S27).
          const agent = canonicalAgent(l.agent);
          useAi(agent, l.model);
          const s = sessionFor(agent, l.session ?? 'unspecified', l.model);
          attest(sessionEntryKey(s, traceKey(`${s}:${l.at ?? ''}`)), line);
        }
        continue;
      }
      // Evidence from another commit's note: keep its key and copy the record it refers to.
      const owner = resolveKey(src.note, src.key);
      switch (keyKind(src.key)) {
        case 'human': {
          const h = src.note.meta.humans?.[src.key];
          if (h) humans[src.key] ??= h;
          break;
        }
        case 'session': {
          const sk = sessionOfKey(src.key);
          const s = src.note.meta.sessions?.[sk];
          // A record copied from an older note (or another tool's) keeps its human; one without the field gets
          // null, git-ai's "unknown", so every session this commit's note holds has it.
          if (s) sessions[sk] ??= s.human_author === undefined ? { ...s, human_author: null } : s;
          break;
        }
        case 'prompt': {
          const p = src.note.meta.prompts?.[src.key];
          if (p) prompts[src.key] ??= p;
          break;
        }
      }
      if (owner.kind === 'human') {
        counts.human++;
      } else {
        counts.ai++;
        useAi(canonicalAgentFromTool(owner.tool), owner.model);
      }
      attest(src.key, line);
    }
    if (byKey.size === 0) continue;
    const entries = [...byKey]
      // smallest(), not Math.min(...lines): as arguments, ~130,000 lines of one agent overflowed the stack and the
      // commit went unattested (newuser20 F15).
      .map(([key, lines]) => ({ key, ranges: linesToRanges(lines), first: smallest(lines) }))
      .sort((a, b) => a.first - b.first)
      .map(({ key, ranges }) => ({ key, ranges }));
    noteFiles.push({ path: f.path, entries });
  }

  const assistedBy = [...uses.values()]
    .sort((a, b) => b.lines - a.lines || a.agent.localeCompare(b.agent) || (a.model ?? '').localeCompare(b.model ?? ''))
    .map((u) => formatAssistedBy(u.agent, u.model));
  const unique = [...new Set(assistedBy)];
  const note: AuthorshipNote = {
    files: noteFiles,
    meta: {
      schema_version: AUTHORSHIP_SCHEMA,
      base_commit_sha: opts.baseCommit ?? '',
      prompts,
      ...(Object.keys(sessions).length > 0 ? { sessions } : {}),
      ...(Object.keys(humans).length > 0 ? { humans } : {}),
    },
  };
  return { counts, assistedBy: unique, note };
}

/**
 * Owner key per attested line of one file of a note (later entries win, as in git-ai's blame), for a file of
 * `lineCount` lines: what the note claims past the file's end is dropped, so a hostile range costs nothing.
 */
export function fileOwners(note: AuthorshipNote, path: string, lineCount: number): Map<number, string> {
  const out = new Map<number, string>();
  for (const r of noteOwnerRuns(note, (p) => (p === path ? lineCount : 0)).get(path) ?? []) {
    for (let l = r.start; l <= r.end; l++) out.set(l, r.key);
  }
  return out;
}

function smallest(values: readonly number[]): number {
  let min = Infinity;
  for (const v of values) if (v < min) min = v;
  return min;
}
