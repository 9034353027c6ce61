import { canonicalAgentFromTool, lineOwners, parseAuthorshipNote, resolveKey } from '../authorshipNote';
import type { GateCommit } from '../gate';
import { matchAnyPath } from '../glob';
import { INFRASTRUCTURE_PATHS, type Policy } from '../policy';
import { commitEvidence } from '../report/aiEvidence';
import { parseTrailers } from '../trailers';
import type { AgentShare, FileCard } from './protocol';

/**
 * What a reviewer wants to see about one commit before opening its diff (issue 6): who wrote it (agents,
 * models, AI lines) and its blast radius (files and lines deleted, infrastructure paths). Read from the same
 * GateCommit the gate judged, so the panel and `verify` never disagree about the commit.
 */
export interface CommitSignals {
  agents: AgentShare[];
  aiLines: number | null;
  addedLines: number;
  deletedLines: number;
  deletedFiles: number;
  infrastructurePaths: string[];
  attested: boolean;
  files: FileCard[];
  /** The note could not be read (the gate then asks for review on that ground). */
  noteError?: string;
}

/** Infrastructure: the built-in list plus every path pattern of the policy's tiers. */
export function infrastructurePatterns(policy: Policy | undefined): string[] {
  return [...INFRASTRUCTURE_PATHS, ...(policy?.tiers.flatMap((t) => t.paths) ?? [])];
}

export function commitSignals(c: GateCommit, policy: Policy | undefined): CommitSignals {
  const trailers = parseTrailers(c.message);
  const evidence = commitEvidence({ authorName: c.author.name, authorEmail: c.author.email }, trailers, c.message);
  const agents: AgentShare[] = [];
  const aiByFile = new Map<string, number>();
  let noteLines: number | undefined;
  let noteError: string | undefined;
  if (c.aiNote !== undefined) {
    try {
      const note = parseAuthorshipNote(c.aiNote, `the refs/notes/ai note on ${c.sha.slice(0, 12)}`);
      const byAgentModel = new Map<string, AgentShare>();
      noteLines = 0;
      for (const [file, owners] of lineOwners(note)) {
        for (const key of owners.values()) {
          const o = resolveKey(note, key);
          if (o.kind !== 'ai') continue;
          noteLines++;
          aiByFile.set(file, (aiByFile.get(file) ?? 0) + 1);
          const agent = canonicalAgentFromTool(o.tool);
          const k = `${agent}\0${o.model ?? ''}`;
          const share = byAgentModel.get(k) ?? { agent, ...(o.model ? { model: o.model } : {}), lines: 0 };
          share.lines = (share.lines ?? 0) + 1;
          byAgentModel.set(k, share);
        }
      }
      agents.push(...[...byAgentModel.values()].sort((a, b) => (b.lines ?? 0) - (a.lines ?? 0) || a.agent.localeCompare(b.agent)));
    } catch (e) {
      noteError = e instanceof Error ? e.message : String(e);
    }
  }
  // Agents the trailers name that the note does not (an agent/model pair once).
  for (const a of evidence.agents) {
    if (agents.some((s) => s.agent === a.agent && (a.model === undefined || s.model === a.model))) continue;
    agents.push({ agent: a.agent, ...(a.model ? { model: a.model } : {}) });
  }
  // The larger of note and trailer, as the gate counts them (a note cannot talk a trailer's count down).
  const counts = [noteLines, evidence.provenance?.ai].filter((n): n is number => n !== undefined);
  const aiLines = counts.length > 0 ? Math.max(...counts) : null;
  const patterns = infrastructurePatterns(policy);
  const files: FileCard[] = c.files.map((f) => ({
    path: f.path,
    status: f.status,
    added: f.added ?? null,
    deleted: f.deleted ?? null,
    aiLines: aiByFile.get(f.path) ?? 0,
    infrastructure: matchAnyPath(patterns, f.path) !== undefined,
  }));
  return {
    agents,
    aiLines,
    addedLines: c.files.reduce((n, f) => n + (f.added ?? 0), 0),
    deletedLines: c.files.reduce((n, f) => n + (f.deleted ?? 0), 0),
    deletedFiles: c.files.filter((f) => f.status === 'D').length,
    infrastructurePaths: files.filter((f) => f.infrastructure).map((f) => f.path),
    attested: evidence.provenance !== undefined,
    files,
    ...(noteError ? { noteError } : {}),
  };
}

/** The AI-written lines of each file of a commit as its note attests them (1-based lines of the file as committed). */
export function aiLinesOfCommit(noteText: string | undefined, sha: string): Map<string, Array<{ line: number; agent: string; model?: string }>> {
  const out = new Map<string, Array<{ line: number; agent: string; model?: string }>>();
  if (noteText === undefined) return out;
  const note = parseAuthorshipNote(noteText, `the refs/notes/ai note on ${sha.slice(0, 12)}`);
  for (const [file, owners] of lineOwners(note)) {
    const lines: Array<{ line: number; agent: string; model?: string }> = [];
    for (const [line, key] of owners) {
      const o = resolveKey(note, key);
      if (o.kind === 'ai') lines.push({ line, agent: canonicalAgentFromTool(o.tool), ...(o.model ? { model: o.model } : {}) });
    }
    if (lines.length > 0) out.set(file, lines.sort((a, b) => a.line - b.line));
  }
  return out;
}
