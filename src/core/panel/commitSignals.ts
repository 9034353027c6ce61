import { canonicalAgentFromTool, parseAuthorshipNote, resolveKey } from '../authorshipNote';
import { noteOwnerRuns, ownerOfLine } from '../noteOwners';
import type { GateCommit } from '../gate';
import { matchAnyPath } from '../glob';
import { INFRASTRUCTURE_PATHS } from '../defaultTiers';
import { type Policy } from '../policy';
import { commitEvidence, isAttested } from '../report/aiEvidence';
import { parseTrailers } from '../trailers';
import type { AgentShare, FileCard } from './protocol';
import { shortSha } from '../shortSha';

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

/** Infrastructure: the built-in list (any letter case) plus every path pattern of the policy's tiers. */
export function isInfrastructure(policy: Policy | undefined, file: string): boolean {
  if (matchAnyPath(INFRASTRUCTURE_PATHS, file, { ignoreCase: true }) !== undefined) return true;
  return (policy?.tiers ?? []).some((t) => matchAnyPath(t.paths, file, { ignoreCase: t.ignoreCase }) !== undefined);
}

export function commitSignals(c: GateCommit, policy: Policy | undefined): CommitSignals {
  const trailers = parseTrailers(c.message);
  const identity = { authorName: c.author.name, authorEmail: c.author.email, headerProblem: c.headerProblem };
  const evidence = commitEvidence(identity, trailers, c.message);
  const agents: AgentShare[] = [];
  const aiByFile = new Map<string, number>();
  let noteLines: number | undefined;
  let noteError: string | undefined;
  if (c.aiNote !== undefined) {
    try {
      const note = parseAuthorshipNote(c.aiNote, `the refs/notes/ai note on ${shortSha(c.sha)}`);
      const byAgentModel = new Map<string, AgentShare>();
      noteLines = 0;
      for (const [file, runs] of noteOwnerRuns(note)) {
        for (const run of runs) {
          const o = resolveKey(note, run.key);
          if (o.kind !== 'ai') continue;
          const n = run.end - run.start + 1;
          noteLines += n;
          aiByFile.set(file, (aiByFile.get(file) ?? 0) + n);
          const agent = canonicalAgentFromTool(o.tool);
          const k = `${agent}\0${o.model ?? ''}`;
          const share = byAgentModel.get(k) ?? { agent, ...(o.model ? { model: o.model } : {}), lines: 0 };
          share.lines = (share.lines ?? 0) + n;
          byAgentModel.set(k, share);
        }
      }
      agents.push(
        ...[...byAgentModel.values()].sort((a, b) => (b.lines ?? 0) - (a.lines ?? 0) || a.agent.localeCompare(b.agent)),
      );
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
  const files: FileCard[] = c.files.map((f) => ({
    path: f.path,
    status: f.status,
    added: f.added ?? null,
    deleted: f.deleted ?? null,
    aiLines: aiByFile.get(f.path) ?? 0,
    infrastructure: isInfrastructure(policy, f.path),
  }));
  return {
    agents,
    aiLines,
    addedLines: c.files.reduce((n, f) => n + (f.added ?? 0), 0),
    deletedLines: c.files.reduce((n, f) => n + (f.deleted ?? 0), 0),
    deletedFiles: c.files.filter((f) => f.status === 'D').length,
    infrastructurePaths: files.filter((f) => f.infrastructure).map((f) => f.path),
    attested: isAttested(evidence),
    files,
    ...(noteError ? { noteError } : {}),
  };
}

/**
 * The AI-written lines of one file of a commit as its note attests them (1-based lines of the file as
 * committed), for a file of `lineCount` lines: a note cannot mark lines the file does not have.
 */
export function aiLinesOfCommit(
  noteText: string | undefined,
  sha: string,
  file: string,
  lineCount: number,
): Array<{ line: number; agent: string; model?: string }> {
  if (noteText === undefined) return [];
  const note = parseAuthorshipNote(noteText, `the refs/notes/ai note on ${shortSha(sha)}`);
  const lines: Array<{ line: number; agent: string; model?: string }> = [];
  for (const run of noteOwnerRuns(note, (p) => (p === file ? lineCount : 0)).get(file) ?? []) {
    const o = resolveKey(note, run.key);
    if (o.kind !== 'ai') continue;
    const agent = canonicalAgentFromTool(o.tool);
    for (let line = run.start; line <= run.end; line++)
      lines.push({ line, agent, ...(o.model ? { model: o.model } : {}) });
  }
  return lines;
}

/**
 * The lines a commit added to a file that its note attests to nobody: written by something Countersign did
 * not observe (an agent without hooks, another editor, a script). Shown beside the AI lines in review diffs,
 * since `review.untracked` may be why the commit needs review. Without a note nothing is known line by line.
 */
export function untrackedLinesOfFile(
  added: readonly number[],
  noteText: string | undefined,
  file: string,
  sha: string,
): number[] {
  if (noteText === undefined) return [];
  const runs =
    noteOwnerRuns(parseAuthorshipNote(noteText, `the refs/notes/ai note on ${shortSha(sha)}`)).get(file) ?? [];
  return added.filter((l) => ownerOfLine(runs, l) === undefined);
}
