import type { CanonicalAgent } from '../agents/agentIdentity';
import type { AgentEvidence } from '../report/aiEvidence';
import { sourceOfLine, type NoteAttribution } from '../report/noteAttribution';
import type { BlameCommitInfo, BlameLine } from './blamePorcelain';
import { isNullObjectId } from '../nullObjectId';

/**
 * `countersign blame` (docs/design.md): for each line, the commit git blame traces it to, that commit's author,
 * and what that commit's refs/notes/ai note says about the line *in that commit* (its path and line number
 * there) — AI agent/model/session, a known human, or untracked when the note has no entry or there is no note.
 */
export interface BlameCommitSummary {
  sha: string;
  author: string;
  authorEmail: string;
  authorTime: number;
  summary: string;
  hasNote: boolean;
  noteError?: string;
  attested: boolean;
  /** Agents the commit's trailers or author name (no line detail). */
  agents: AgentEvidence[];
}

export interface ProvenanceBlameLine {
  line: number;
  /** null for lines not committed yet. */
  commit: string | null;
  author: string;
  authorEmail: string;
  kind: 'ai' | 'human' | 'untracked';
  agent?: CanonicalAgent;
  tool?: string;
  model?: string;
  session?: string;
  /** The human a note names for an `h_` entry. */
  human?: string;
  origPath: string;
  origLine: number;
  content: string;
  /**
   * The clone lacks the earlier versions this line would be traced through (a partial clone, a lost blob):
   * its commit is unknown and it counts as untracked.
   */
  skipped?: true;
  /** Its commit's refs/notes/ai note cannot be read (the commit's `noteError` says why): untracked for want of it. */
  noteUnreadable?: true;
}

export interface ProvenanceBlame {
  file: string;
  lines: ProvenanceBlameLine[];
  commits: Record<string, BlameCommitSummary>;
  summary: { ai: number; human: number; untracked: number; agents: Record<string, number> };
  /** What the clone lacked and how those lines were shown: one sentence (issue 12). */
  warnings?: string[];
}

export function blameProvenance(
  file: string,
  lines: BlameLine[],
  commits: Map<string, BlameCommitInfo>,
  notes: Map<string, NoteAttribution>,
  extra: Map<string, { attested: boolean; agents: AgentEvidence[]; noteError?: string }>,
  /** Commits blame was cut at because the clone lacks what came before: their lines are skipped. */
  cutAt: ReadonlySet<string> = new Set(),
): ProvenanceBlame {
  const out: ProvenanceBlameLine[] = [];
  const summary: ProvenanceBlame['summary'] = { ai: 0, human: 0, untracked: 0, agents: {} };
  for (const l of lines) {
    const info = commits.get(l.sha);
    const uncommitted = isNullObjectId(l.sha);
    if (cutAt.has(l.sha)) {
      out.push({
        line: l.line,
        commit: null,
        author: '',
        authorEmail: '',
        kind: 'untracked',
        origPath: l.origPath,
        origLine: l.origLine,
        content: l.content,
        skipped: true,
      });
      summary.untracked++;
      continue;
    }
    const base = {
      line: l.line,
      commit: uncommitted ? null : l.sha,
      author: info?.author ?? '',
      authorEmail: info?.authorEmail ?? '',
      origPath: l.origPath,
      origLine: l.origLine,
      content: l.content,
    };
    const note = notes.get(l.sha);
    const src = note ? sourceOfLine(note, l.origPath, l.origLine) : undefined;
    let row: ProvenanceBlameLine;
    if (src?.kind === 'ai') {
      row = {
        ...base,
        kind: 'ai',
        agent: src.agent,
        ...(src.tool ? { tool: src.tool } : {}),
        ...(src.model ? { model: src.model } : {}),
        session: src.session,
      };
      summary.agents[src.agent] = (summary.agents[src.agent] ?? 0) + 1;
    } else if (src?.kind === 'human') {
      row = { ...base, kind: 'human', ...(src.author ? { human: src.author } : {}) };
    } else {
      row = { ...base, kind: 'untracked', ...(extra.get(l.sha)?.noteError ? { noteUnreadable: true as const } : {}) };
    }
    summary[row.kind]++;
    out.push(row);
  }
  const summaries: Record<string, BlameCommitSummary> = {};
  for (const [sha, info] of commits) {
    if (isNullObjectId(sha) || cutAt.has(sha)) continue;
    const e = extra.get(sha);
    summaries[sha] = {
      sha,
      author: info.author,
      authorEmail: info.authorEmail,
      authorTime: info.authorTime,
      summary: info.summary,
      hasNote: notes.has(sha),
      ...(e?.noteError ? { noteError: e.noteError } : {}),
      attested: e?.attested ?? false,
      agents: e?.agents ?? [],
    };
  }
  return { file, lines: out, commits: summaries, summary };
}

/** `git blame`-like text: short sha, label, author, line number, content. */
export function formatBlameText(b: ProvenanceBlame): string {
  const label = (l: ProvenanceBlameLine) =>
    l.kind === 'ai' ? `ai:${l.agent}${l.model ? ` ${l.model}` : ''}` : l.skipped ? 'skipped' : l.kind;
  const labels = b.lines.map(label);
  const lw = Math.min(36, Math.max(9, ...labels.map((s) => s.length)));
  const aw = Math.min(20, Math.max(6, ...b.lines.map((l) => l.author.length)));
  const nw = String(b.lines.length).length;
  const rows = b.lines.map((l, i) => {
    const sha = l.commit ? l.commit.slice(0, 8) : l.skipped ? '????????' : '00000000';
    const lab = labels[i].length > lw ? labels[i].slice(0, lw - 1) + '…' : labels[i].padEnd(lw);
    const au = l.author.length > aw ? l.author.slice(0, aw - 1) + '…' : l.author.padEnd(aw);
    return `${sha} ${lab} ${au} ${String(l.line).padStart(nw)}) ${l.content}`;
  });
  return rows.join('\n') + (rows.length ? '\n' : '');
}
