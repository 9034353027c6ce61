import { parseAuthorshipNote } from '../authorshipNote';
import { errorMessage } from '../errors';
import { parseTrailers, type Trailer } from '../trailers';
import type { CanonicalAgent } from './agentNames';
import { commitEvidence, type CommitEvidence } from './aiEvidence';
import { countLines } from './lineIntervals';
import { attributeNote, type NoteAttribution } from './noteAttribution';

/**
 * Everything the report needs to know about one commit, derived once from its log record and its
 * refs/notes/ai note (DESIGN.md, `report`). The message is not kept: a long history stays small in memory.
 */
export interface CommitRecord {
  sha: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  authorTime: number;
  committerEmail: string;
  message: string;
  files?: Array<{ path: string; added: number | undefined }>;
}

export interface CommitFacts {
  sha: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  committerEmail: string;
  authorTime: number;
  subject: string;
  trailers: Trailer[];
  evidence: CommitEvidence;
  /** Added lines per path (numstat; binary files count 0); undefined when history was read without stats. */
  added?: Map<string, number>;
  addedLines: number;
  note?: NoteAttribution;
  /** Why the note could not be read (the commit is then judged by its trailers alone). */
  noteError?: string;
  /** Has an `AI-Provenance` trailer (readable or not). */
  attested: boolean;
  /** AI lines of this commit: distinct lines its note attests to AI, else the `AI-Provenance` ai figure. */
  aiLines: number;
  aiLinesFrom: 'note' | 'trailer' | 'none';
  aiAssisted: boolean;
  /** Agents that took part: those the note credits with lines, then those the metadata names. */
  agents: CanonicalAgent[];
  /**
   * This commit's AI lines per agent: the distinct lines its note credits to each (runs within a note are
   * disjoint, so they add up to `aiLines`); without a note, each agent the metadata names gets the trailer's
   * ai figure. Agents named only by metadata on a commit with a note get 0.
   */
  aiLinesByAgent: Map<CanonicalAgent, number>;
  /** This commit's AI lines per path of its note (empty without a note). */
  aiLinesByPath: Map<string, number>;
  /** Reviewers whose approval stands for this commit (filled in once approvals are read). */
  reviewedBy: string[];
}

export function commitFacts(record: CommitRecord, noteText?: string): CommitFacts {
  const trailers = parseTrailers(record.message);
  const evidence = commitEvidence({ authorName: record.authorName, authorEmail: record.authorEmail }, trailers, record.message);
  let note: NoteAttribution | undefined;
  let noteError: string | undefined;
  if (noteText !== undefined) {
    try {
      note = attributeNote(parseAuthorshipNote(noteText, `note on ${record.sha.slice(0, 12)}`));
    } catch (e) {
      noteError = errorMessage(e);
    }
  }
  let added: Map<string, number> | undefined;
  let addedLines = 0;
  if (record.files) {
    added = new Map();
    for (const f of record.files) {
      const n = f.added ?? 0;
      added.set(f.path, (added.get(f.path) ?? 0) + n);
      addedLines += n;
    }
  }
  const fromNote = note !== undefined;
  const aiLines = fromNote ? note!.aiLineCount : evidence.provenance?.ai ?? 0;
  const agents: CanonicalAgent[] = [];
  if (note) {
    for (const f of note.files) for (const r of f.runs) if (r.source.kind === 'ai' && !agents.includes(r.source.agent)) agents.push(r.source.agent);
  }
  for (const a of evidence.agents) if (!agents.includes(a.agent)) agents.push(a.agent);
  const aiAssisted = (note?.aiLineCount ?? 0) > 0 || evidence.aiAssisted;
  if (aiAssisted && agents.length === 0) agents.push('unknown');
  const aiLinesByAgent = new Map<CanonicalAgent, number>(agents.map((a) => [a, note ? 0 : aiLines]));
  const aiLinesByPath = new Map<string, number>();
  if (note) {
    for (const f of note.files) {
      const n = countLines(f.aiLines);
      if (n > 0) aiLinesByPath.set(f.path, n);
      for (const r of f.runs) if (r.source.kind === 'ai') aiLinesByAgent.set(r.source.agent, (aiLinesByAgent.get(r.source.agent) ?? 0) + r.end - r.start + 1);
    }
  }
  return {
    sha: record.sha, parents: record.parents, authorName: record.authorName, authorEmail: record.authorEmail,
    committerEmail: record.committerEmail, authorTime: record.authorTime,
    subject: record.message.split('\n', 1)[0] ?? '',
    trailers, evidence, ...(added ? { added } : {}), addedLines,
    ...(note ? { note } : {}), ...(noteError ? { noteError } : {}),
    attested: evidence.provenanceRaw !== undefined,
    aiLines, aiLinesFrom: fromNote ? 'note' : evidence.provenance ? 'trailer' : 'none',
    aiAssisted, agents, aiLinesByAgent, aiLinesByPath, reviewedBy: [],
  };
}
