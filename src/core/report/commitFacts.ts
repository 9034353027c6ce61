import { parseAuthorshipNote, type AuthorshipNote } from '../authorshipNote';
import { noteOwnerRuns, type LineCountOf } from '../noteOwners';
import { errorMessage } from '../errors';
import { parseTrailers, type Trailer } from '../trailers';
import type { CanonicalAgent } from '../agents/agentIdentity';
import { commitEvidence, isAttested, type CommitEvidence } from './aiEvidence';
import { countNormalizedLines } from '../lineRanges';
import { agentOfKey, attributeNote, type NoteAttribution } from './noteAttribution';
import { shortSha } from '../shortSha';
import type { ChangedFile } from '../gate';

/**
 * Everything the report needs to know about one commit, derived once from its log record and its
 * refs/notes/ai note (docs/design.md, `report`). Neither the message nor the note is kept — only what they add up
 * to — so a long history stays small in memory: `report` holds these for every commit of the range (approval
 * coverage needs the whole graph) while each note is read, summed and dropped as the history streams by.
 */
export interface CommitRecord {
  sha: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  authorTime: number;
  committerEmail: string;
  message: string;
  /** Why git and Countersign may read its object differently (core/commitObject.ts): provenance and identity unreadable. */
  headerProblem?: string;
  /**
   * `binary`: git calls the file binary; its `added` is then counted as text (core/textLines.ts). `oversized`: a
   * version over textLines' MAX_DIFF_BLOB_BYTES, counted by its newlines (the commit needs review).
   */
  files?: Array<{
    path: string;
    added: number | undefined;
    deleted?: number;
    binary?: boolean;
    oversized?: number;
    status?: string;
  }>;
}

/** What one note adds up to (the per-commit reading of docs/design.md's `aiLines`). */
export interface NoteSummary {
  /** Distinct AI (file, line) pairs of this note. */
  aiLineCount: number;
  humanLineCount: number;
  /** AI lines per agent: runs within a note are disjoint, so these add up to `aiLineCount`. */
  aiLinesByAgent: Map<CanonicalAgent, number>;
  /** AI lines per path of the note (paths without AI lines are left out). */
  aiLinesByPath: Map<string, number>;
}

export interface CommitFacts {
  sha: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  committerEmail: string;
  /** As CommitRecord's: the gate's unreadable object, counted as unreadable provenance and flagged. */
  headerProblem?: string;
  authorTime: number;
  subject: string;
  trailers: Trailer[];
  evidence: CommitEvidence;
  /** Added lines per path, binary files' counted as text (core/textLines.ts); undefined when read without stats. */
  added?: Map<string, number>;
  addedLines: number;
  /** Paths among `added` that git calls binary (core/textLines.ts): named wherever `addedLines` is shown. */
  binary?: string[];
  /** The note as parsed, for callers that show it line by line (explain); the report keeps only `noteSummary`. */
  note?: NoteAttribution;
  noteSummary?: NoteSummary;
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
   * This commit's AI lines per agent: what its note credits to each; without a note, each agent the metadata
   * names gets the trailer's ai figure. Agents named only by metadata on a commit with a note get 0.
   */
  aiLinesByAgent: Map<CanonicalAgent, number>;
  /** This commit's AI lines per path of its note (empty without a note). */
  aiLinesByPath: Map<string, number>;
  /** Reviewers whose approval stands for this commit (filled in once approvals are read). */
  reviewedBy: string[];
  /** Its files as the review rule reads them, held only until src/git/historyReviewNeed.ts has judged it. */
  changed?: ChangedFile[];
  /**
   * Whether the gate's rule (core/reviewNeed.ts) asks for review of it under the policy its first parent holds;
   * undefined where that could not be judged (counted as needing review).
   */
  needsReview?: boolean;
  /**
   * Its first parent holds no policy (or it has none): from before the repository adopted Countersign, as review
   * coverage treats it. Undefined where the parent is not in this clone.
   */
  beforePolicy?: boolean;
}

export function summariseNote(note: NoteAttribution): NoteSummary {
  const aiLinesByAgent = new Map<CanonicalAgent, number>();
  const aiLinesByPath = new Map<string, number>();
  for (const f of note.files) {
    const n = countNormalizedLines(f.aiLines);
    if (n > 0) aiLinesByPath.set(f.path, (aiLinesByPath.get(f.path) ?? 0) + n);
    for (const r of f.runs)
      if (r.source.kind === 'ai')
        aiLinesByAgent.set(r.source.agent, (aiLinesByAgent.get(r.source.agent) ?? 0) + r.end - r.start + 1);
  }
  return { aiLineCount: note.aiLineCount, humanLineCount: note.humanLineCount, aiLinesByAgent, aiLinesByPath };
}

/**
 * What a parsed note adds up to, straight from its owner runs: the figures summariseNote(attributeNote(note))
 * gives (runs are disjoint, so a file's AI lines are the sum of its AI runs' lengths; agents and paths in the
 * same order), without the per-key source records and normalised ranges `explain` needs — the report reads
 * thousands of notes and keeps only these figures.
 */
export function summariseParsedNote(note: AuthorshipNote, lineCounts?: LineCountOf): NoteSummary {
  const agentOf = new Map<string, CanonicalAgent | null>();
  const aiLinesByAgent = new Map<CanonicalAgent, number>();
  const aiLinesByPath = new Map<string, number>();
  let aiLineCount = 0,
    humanLineCount = 0;
  for (const [path, runs] of noteOwnerRuns(note, lineCounts)) {
    let ai = 0;
    for (const r of runs) {
      let agent = agentOf.get(r.key);
      if (agent === undefined) agentOf.set(r.key, (agent = agentOfKey(note, r.key) ?? null));
      const n = r.end - r.start + 1;
      if (agent === null) humanLineCount += n;
      else {
        ai += n;
        aiLinesByAgent.set(agent, (aiLinesByAgent.get(agent) ?? 0) + n);
      }
    }
    aiLineCount += ai;
    if (ai > 0) aiLinesByPath.set(path, (aiLinesByPath.get(path) ?? 0) + ai);
  }
  return { aiLineCount, humanLineCount, aiLinesByAgent, aiLinesByPath };
}

/** A note's text to its summary (summariseParsedNote), or the reason it cannot be read. */
export function readNoteSummary(
  text: string,
  sha: string,
  lineCounts?: LineCountOf,
): { summary?: NoteSummary; error?: string } {
  try {
    return { summary: summariseParsedNote(parseAuthorshipNote(text, `note on ${shortSha(sha)}`), lineCounts) };
  } catch (e) {
    return { error: errorMessage(e) };
  }
}

/**
 * Parses a note's text; a note that does not parse gives the reason instead. With `lineCounts`, each file's
 * claim stops at its last line.
 */
export function readNote(
  text: string,
  sha: string,
  lineCounts?: LineCountOf,
): { note?: NoteAttribution; error?: string } {
  try {
    return { note: attributeNote(parseAuthorshipNote(text, `note on ${shortSha(sha)}`), lineCounts) };
  } catch (e) {
    return { error: errorMessage(e) };
  }
}

/** The facts a commit's own metadata gives (trailers, author), before its note is known. */
export function metadataFacts(record: CommitRecord): CommitFacts {
  const trailers = parseTrailers(record.message);
  const evidence = commitEvidence(
    { authorName: record.authorName, authorEmail: record.authorEmail, headerProblem: record.headerProblem },
    trailers,
    record.message,
  );
  const facts: CommitFacts = {
    sha: record.sha,
    parents: record.parents,
    authorName: record.authorName,
    authorEmail: record.authorEmail,
    committerEmail: record.committerEmail,
    ...(record.headerProblem !== undefined ? { headerProblem: record.headerProblem } : {}),
    authorTime: record.authorTime,
    subject: record.message.split('\n', 1)[0] ?? '',
    trailers,
    evidence,
    addedLines: 0,
    // An object the gate cannot read as git does is unattested, as the gate calls it (reviewNeed.ts), and flagged.
    attested: isAttested(evidence) && record.headerProblem === undefined,
    aiLines: 0,
    aiLinesFrom: 'none',
    aiAssisted: false,
    agents: [],
    aiLinesByAgent: new Map(),
    aiLinesByPath: new Map(),
    reviewedBy: [],
  };
  if (record.files) countAdded(facts, record.files);
  applyNote(facts, {});
  return facts;
}

/**
 * Sets the added-line figures of `facts` from its files' numstat: at first, and again once src/git/binaryFiles.ts
 * has counted its binary files' lines as text (git's plain numstat gives them none).
 */
export function countAdded(facts: CommitFacts, files: NonNullable<CommitRecord['files']>): void {
  const added = new Map<string, number>();
  let addedLines = 0;
  const binary: string[] = [];
  const changed: ChangedFile[] = [];
  for (const f of files) {
    const n = f.added ?? 0;
    changed.push({
      path: f.path,
      added: f.added,
      deleted: f.deleted,
      status: f.status ?? 'M',
      ...(f.oversized !== undefined ? { oversized: f.oversized } : {}),
    });
    added.set(f.path, (added.get(f.path) ?? 0) + n);
    addedLines += n;
    if (f.binary) binary.push(f.path);
  }
  facts.added = added;
  facts.changed = changed;
  facts.addedLines = addedLines;
  if (binary.length > 0) facts.binary = binary;
  else delete facts.binary;
}

/** Settles the note-dependent figures of `facts` from its note's summary, its read error, or no note at all. */
export function applyNote(facts: CommitFacts, reading: { summary?: NoteSummary; error?: string }): void {
  const { summary, error } = reading;
  const evidence = facts.evidence;
  if (summary) facts.noteSummary = summary;
  else delete facts.noteSummary;
  if (error) facts.noteError = error;
  else delete facts.noteError;
  facts.aiLines = summary ? summary.aiLineCount : (evidence.provenance?.ai ?? 0);
  facts.aiLinesFrom = summary ? 'note' : evidence.provenance ? 'trailer' : 'none';
  const agents: CanonicalAgent[] = summary ? [...summary.aiLinesByAgent.keys()] : [];
  for (const a of evidence.agents) if (!agents.includes(a.agent)) agents.push(a.agent);
  facts.aiAssisted = (summary?.aiLineCount ?? 0) > 0 || evidence.aiAssisted;
  if (facts.aiAssisted && agents.length === 0) agents.push('unknown');
  facts.agents = agents;
  facts.aiLinesByAgent = new Map(
    agents.map((a) => [a, summary ? (summary.aiLinesByAgent.get(a) ?? 0) : facts.aiLines]),
  );
  facts.aiLinesByPath = summary ? summary.aiLinesByPath : new Map();
}

/**
 * Paths whose AI lines the commit's note claims outnumber the lines the commit added there (numstat). Such a
 * claim may run past the end of the file (a note claiming `1-5000` of a 3-line file): the reader counts those
 * files' lines and reads the note again with them (issue 16, class 1). Empty without diff stats or a note.
 */
export function overclaimedPaths(facts: CommitFacts): string[] {
  if (!facts.added || !facts.noteSummary) return [];
  const out: string[] = [];
  for (const [path, ai] of facts.noteSummary.aiLinesByPath) if (ai > (facts.added.get(path) ?? 0)) out.push(path);
  return out;
}

/** Metadata and note at once, the note kept whole (explain shows it line by line). */
export function commitFacts(record: CommitRecord, noteText?: string, lineCounts?: LineCountOf): CommitFacts {
  const facts = metadataFacts(record);
  if (noteText !== undefined) {
    const { note, error } = readNote(noteText, record.sha, lineCounts);
    if (note) facts.note = note;
    applyNote(facts, { ...(note ? { summary: summariseNote(note) } : {}), ...(error ? { error } : {}) });
  }
  return facts;
}
