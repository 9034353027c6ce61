import {
  agentOfAssistedBy,
  ASSISTED_BY,
  readMessageProvenance,
  trailerValues,
  type ProvenanceCounts,
  type Trailer,
} from '../trailers';
import { aiOfAuthor, aiOfCoAuthor, type CanonicalAgent } from '../agents/agentIdentity';

/**
 * AI evidence in a commit's metadata, beyond Countersign's own note (docs/design.md, `report`): the
 * `AI-Provenance` trailer, `Assisted-by`, AI co-author trailers that agents add themselves (Claude Code's
 * `Co-Authored-By: Claude <noreply@anthropic.com>`, Cursor's, Codex's, Copilot's…), aider's `(aider)` author
 * suffix and AI bot authors (`copilot-swe-agent[bot]`, `devin-ai-integration[bot]`, `claude[bot]`…).
 *
 * Identities are the agent-identity table's (core/agents/agentIdentity), matched exactly: a co-author
 * "Devin Smith <devin@example.com>" is a person, "Devin" or "devin-ai-integration[bot]" is not, and an
 * author at an AI company's email domain is a person — a false AI flag on a human would be as wrong as a
 * missed agent.
 */
export type EvidenceSource = 'assisted-by' | 'co-author' | 'author' | 'message' | 'ai-provenance';

export interface AgentEvidence {
  agent: CanonicalAgent;
  /** What the commit said, verbatim (trailer value, author name). */
  raw: string;
  model?: string;
  source: EvidenceSource;
}

export interface CommitEvidence {
  /** The parsed `AI-Provenance` trailer; undefined = unattested (or an unreadable value, see `provenanceRaw`). */
  provenance?: ProvenanceCounts;
  /** The raw `AI-Provenance` value when present, even if unreadable (several trailers: joined by ` | `). */
  provenanceRaw?: string;
  /** Why a present `AI-Provenance` is unreadable (malformed, a key twice, two trailers). */
  provenanceError?: string;
  /** Agents named by trailers, the author or the message; deduplicated by (agent, source, model). */
  agents: AgentEvidence[];
  /** True when metadata alone (without the note) says AI took part. */
  aiAssisted: boolean;
}

export interface CommitIdentity {
  authorName: string;
  authorEmail: string;
  /** core/commitObject.ts: git and Countersign may read the object differently, so its counts are not believed. */
  headerProblem?: string;
}

function modelFromParenthetical(name: string): string | undefined {
  const m = /\(([^)]+)\)/.exec(name);
  return m && m[1].toLowerCase() !== 'aider' ? m[1].trim() : undefined;
}

/** Splits `Name <email>` (the email part is optional). */
export function splitIdent(value: string): { name: string; email: string } {
  const m = /^(.*?)\s*<([^>]*)>\s*$/.exec(value.trim());
  return m ? { name: m[1].trim(), email: m[2].trim() } : { name: value.trim(), email: '' };
}

/** `Assisted-by: AGENT:MODEL [TOOL...]` (Linux kernel / Fedora) as evidence; the agent is trailers.ts's reading. */
export function assistedByEvidence(value: string): AgentEvidence {
  return { ...agentOfAssistedBy(value), raw: value, source: 'assisted-by' };
}

const CO_AUTHOR_KEYS = new Set(['co-authored-by', 'co-developed-by', 'generated-by', 'ai-assisted-by']);

export function commitEvidence(identity: CommitIdentity, trailers: Trailer[], message = ''): CommitEvidence {
  const agents: AgentEvidence[] = [];
  const add = (e: AgentEvidence) => {
    if (!agents.some((a) => a.agent === e.agent && a.source === e.source && a.model === e.model)) agents.push(e);
  };
  for (const v of trailerValues(trailers, ASSISTED_BY)) add(assistedByEvidence(v));
  for (const t of trailers) {
    if (!CO_AUTHOR_KEYS.has(t.key.toLowerCase())) continue;
    const { name, email } = splitIdent(t.value);
    const agent = aiOfCoAuthor({ name, email });
    if (agent)
      add({
        agent,
        raw: t.value,
        ...(modelFromParenthetical(name) ? { model: modelFromParenthetical(name) } : {}),
        source: 'co-author',
      });
  }
  const authorAgent = aiOfAuthor({ name: identity.authorName, email: identity.authorEmail });
  if (authorAgent)
    add({ agent: authorAgent, raw: `${identity.authorName} <${identity.authorEmail}>`, source: 'author' });
  // Claude Code's default commit footer; kept even when a co-author trailer was edited away.
  if (/Generated with \[?Claude Code\]?/.test(message))
    add({ agent: 'claude-code', raw: 'Generated with Claude Code', source: 'message' });

  const read = readMessageProvenance(message, trailers);
  // The one rule for unreadable provenance (an unreadable trailer's): present or not, no figure is believed.
  const reading: typeof read =
    identity.headerProblem === undefined
      ? read
      : {
          kind: 'unreadable',
          raw: read.kind === 'absent' ? '' : read.raw,
          why: `the commit ${identity.headerProblem}`,
        };
  const provenance = reading.kind === 'ok' ? reading.counts : undefined;
  return {
    ...(provenance ? { provenance } : {}),
    ...(read.kind !== 'absent' && reading.kind !== 'absent' ? { provenanceRaw: reading.raw } : {}),
    ...(reading.kind === 'unreadable' ? { provenanceError: reading.why } : {}),
    agents,
    aiAssisted: agents.length > 0 || (provenance?.ai ?? 0) > 0,
  };
}

/**
 * Whether a commit is attested: it carries an `AI-Provenance` trailer, readable or not (DESIGN: "a commit
 * without it is *unattested* (hooks bypassed or not installed)"). An unreadable one still claims attestation:
 * the gate holds it on that ground (reviewNeed's unreadable reason), not as a commit the hooks never saw.
 * The one rule for every reader — report, explain, blame, approve's list and the review panel — so none of
 * them calls a commit made with COUNTERSIGN_SKIP=1 "no AI lines" while the gate says nobody can tell.
 */
export function isAttested(evidence: Pick<CommitEvidence, 'provenanceRaw'>): boolean {
  return evidence.provenanceRaw !== undefined;
}

/**
 * The AI a commit's metadata names beyond what its line counts (`aiLines`: the larger of the note's and the
 * trailer's AI lines; undefined when it has neither) account for. The gate treats these as AI-attributed
 * whatever the thresholds say — one rule for every kind of evidence:
 * - an AI co-author, an AI bot author, Claude Code's footer: the agent took part in the commit itself, and
 *   what it wrote may have reached the disk unobserved, so the counts cannot speak for it;
 * - `Assisted-by` when no AI line is counted: AI work the counts do not show — an agent's deletions (Countersign
 *   writes it for an agent whose recorded tool calls removed what the commit removes, core/agents/
 *   agentDeletionsNote.ts, attack26 06) or work the counts missed — exactly as `Co-authored-by: Claude` beside
 *   `ai=0` does.
 * An `Assisted-by` beside counted AI lines is what Countersign wrote itself: the counts and thresholds decide.
 */
export function aiBeyondCounts(evidence: CommitEvidence, aiLines: number | undefined): AgentEvidence[] {
  return evidence.agents.filter((a) => a.source !== 'assisted-by' || !aiLines);
}

/** How a piece of AI evidence is named in a reason. */
export function describeEvidence(a: AgentEvidence): string {
  switch (a.source) {
    case 'author':
      return `authored by ${a.raw}`;
    case 'message':
      return `message says ${a.raw}`;
    case 'assisted-by':
      return `Assisted-by: ${a.raw}`;
    case 'co-author':
      return `co-authored by ${a.raw}`;
    default:
      return a.raw;
  }
}
