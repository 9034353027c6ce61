import { agentDeletionsAtCommit } from '../core/agents/agentDeletionsNote';
import { agentHooksAtCommit } from '../core/agents/agentHooksNote';
import { parseAuthorshipNote } from '../core/authorshipNote';
import { formatRanges, type LineRange } from '../core/lineRanges';
import type { CommitFacts } from '../core/report/commitFacts';
import { commitInconsistencies } from '../core/report/consistency';
import type { ExplainedSession, Explanation } from './explanation';

/**
 * The provenance part of `explain`'s page: the commit's trailers and line counts, and its note regrouped by
 * writer (each AI session and each human author with the line ranges they wrote, per file). Pure: the caller
 * read the commit and its note.
 */
export function explainProvenance(facts: CommitFacts, noteText: string | undefined): Explanation['provenance'] {
  const meta = noteText !== undefined && !facts.noteError ? parseAuthorshipNote(noteText).meta : undefined;
  const provenance: Explanation['provenance'] = {
    attested: facts.attested,
    aiProvenance:
      facts.evidence.provenanceRaw === undefined
        ? null
        : { raw: facts.evidence.provenanceRaw, ...(facts.evidence.provenance ?? {}) },
    trailers: facts.trailers,
    agents: facts.evidence.agents,
    aiAssisted: facts.aiAssisted,
    aiLines: facts.aiLines,
    aiLinesFrom: facts.aiLinesFrom,
    addedLines: facts.addedLines,
    files: [...(facts.added ?? [])].map(([path, added]) => ({
      path,
      added,
      ...(facts.binary?.includes(path) ? { binary: true as const } : {}),
    })),
    note: null,
    inconsistencies: commitInconsistencies(facts),
    agentHooks: meta ? agentHooksAtCommit(meta) : [],
    agentDeletions: [],
  };
  if (facts.noteError) provenance.note = { error: facts.noteError };
  else if (facts.note) {
    const sessions = new Map<string, ExplainedSession>();
    const files = facts.note.files.map((f) => {
      const ai = new Map<string, { iv: LineRange[]; agent: string; model?: string; session: string }>();
      const human = new Map<string, { iv: LineRange[]; author?: string }>();
      for (const r of f.runs) {
        const s = r.source;
        if (s.kind === 'ai') {
          const e = ai.get(s.key) ?? {
            iv: [],
            agent: s.agent,
            ...(s.model ? { model: s.model } : {}),
            session: s.session,
          };
          e.iv.push([r.start, r.end]);
          ai.set(s.key, e);
          const ses = sessions.get(s.session) ?? {
            session: s.session,
            agent: s.agent,
            ...(s.tool ? { tool: s.tool } : {}),
            ...(s.model ? { model: s.model } : {}),
            ...(s.conversationId ? { conversationId: s.conversationId } : {}),
            ...(s.humanAuthor ? { humanAuthor: s.humanAuthor } : {}),
            lines: 0,
          };
          ses.lines += r.end - r.start + 1;
          sessions.set(s.session, ses);
        } else {
          const e = human.get(s.key) ?? { iv: [], ...(s.author ? { author: s.author } : {}) };
          e.iv.push([r.start, r.end]);
          human.set(s.key, e);
        }
      }
      return {
        path: f.path,
        ai: [...ai.values()].map(({ iv, ...rest }) => ({ ranges: formatRanges(iv), ...rest })),
        human: [...human.values()].map(({ iv, ...rest }) => ({ ranges: formatRanges(iv), ...rest })),
      };
    });
    const wrote = new Set([...sessions.values()].map((s) => s.agent));
    provenance.agentDeletions = (meta ? agentDeletionsAtCommit(meta) : []).map((d) => ({
      ...d,
      wroteLines: wrote.has(d.agent),
    }));
    provenance.note = {
      aiLines: facts.note.aiLineCount,
      humanLines: facts.note.humanLineCount,
      files,
      sessions: [...sessions.values()],
    };
  }

  return provenance;
}
