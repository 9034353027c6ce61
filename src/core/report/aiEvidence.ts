import { AI_PROVENANCE, ASSISTED_BY, parseAiProvenance, trailerValues, type ProvenanceCounts, type Trailer } from '../trailers';
import { canonicalAgent, knownAgent, type CanonicalAgent } from './agentNames';

/**
 * AI evidence in a commit's metadata, beyond Countersign's own note (DESIGN.md, `report`): the
 * `AI-Provenance` trailer, `Assisted-by`, AI co-author trailers that agents add themselves (Claude Code's
 * `Co-Authored-By: Claude <noreply@anthropic.com>`, Cursor's, Codex's, Copilot's…), aider's `(aider)` author
 * suffix and AI bot authors (`copilot-swe-agent[bot]`, `devin-ai-integration[bot]`, `claude[bot]`…).
 *
 * Names are matched strictly: a co-author "Devin Smith <devin@example.com>" is a person, "Devin" or
 * "devin-ai-integration[bot]" is not — a false AI flag on a human would be as wrong as a missed agent.
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
  /** The raw `AI-Provenance` value when present, even if unreadable. */
  provenanceRaw?: string;
  /** Agents named by trailers, the author or the message; deduplicated by (agent, source, model). */
  agents: AgentEvidence[];
  /** True when metadata alone (without the note) says AI took part. */
  aiAssisted: boolean;
}

export interface CommitIdentity {
  authorName: string;
  authorEmail: string;
}

/** AI product names that may open a co-author or bot name. */
const AI_FIRST_WORDS: Record<string, string> = {
  claude: 'claude', codex: 'codex', copilot: 'copilot', devin: 'devin', aider: 'aider', cursor: 'cursor',
  gemini: 'gemini', amp: 'amp', opencode: 'opencode', kiro: 'kiro', jules: 'jules', chatgpt: 'codex',
};
/** Words that may follow the product name without making it a person's name ("Claude Opus 4.5", "Cursor Agent"). */
const PRODUCT_WORDS = /^(code|cli|agent|ai|assistant|opus|sonnet|haiku|swe|coding|chat|bot|pro|flash|max|mini|[0-9][0-9a-z.]*|v[0-9][0-9a-z.]*)$/;

/** Bot logins (without `[bot]`) and what they are. */
const BOT_LOGINS: Record<string, string> = {
  'copilot-swe-agent': 'copilot', 'copilot': 'copilot', 'devin-ai-integration': 'devin', 'claude': 'claude',
  'google-labs-jules': 'jules', 'cursor': 'cursor', 'cursoragent': 'cursor', 'codex': 'codex',
  'chatgpt-codex-connector': 'codex', 'gemini-code-assist': 'gemini', 'amp': 'amp', 'aider': 'aider', 'opencode': 'opencode',
  'openhands-agent': 'openhands', 'sweep-ai': 'sweep',
};

/** Email domains only AI agents commit from. */
const AI_EMAIL_DOMAINS: Record<string, string> = {
  'anthropic.com': 'claude', 'openai.com': 'codex', 'cursor.com': 'cursor', 'aider.chat': 'aider',
  'ampcode.com': 'amp', 'devin.ai': 'devin', 'cognition.ai': 'devin', 'opencode.ai': 'opencode', 'kiro.dev': 'kiro',
};

function productFromName(name: string): string | undefined {
  const n = name.trim().toLowerCase();
  const bot = /^(.+)\[bot\]$/.exec(n);
  if (bot) return BOT_LOGINS[bot[1]];
  // "aider (gpt-4o)", "Claude (claude-sonnet-4)": the parenthetical is a model, not part of the name.
  const words = n.replace(/\([^)]*\)/g, ' ').trim().split(/[\s-]+/).filter(Boolean);
  if (words[0] === 'github' && words[1] === 'copilot') words.shift();
  const product = AI_FIRST_WORDS[words[0] ?? ''];
  if (!product) return undefined;
  return words.slice(1).every((w) => PRODUCT_WORDS.test(w)) ? product : undefined;
}

function productFromEmail(email: string): string | undefined {
  const e = email.trim().toLowerCase();
  const gh = /^(?:\d+\+)?([^@]+?)(?:\[bot\])?@users\.noreply\.github\.com$/.exec(e);
  if (gh) {
    if (BOT_LOGINS[gh[1]] && /\[bot\]@|^\d+\+copilot@/.test(e)) return BOT_LOGINS[gh[1]];
    return undefined;
  }
  const domain = e.split('@')[1];
  return domain ? AI_EMAIL_DOMAINS[domain] : undefined;
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

/** The canonical agent an identity (author or co-author) stands for, or undefined for a person. */
export function aiIdentity(name: string, email: string): CanonicalAgent | undefined {
  const product = productFromName(name) ?? productFromEmail(email);
  return product === undefined ? undefined : canonicalAgent(product);
}

/** `Assisted-by: AGENT:MODEL [TOOL...]` (Linux kernel / Fedora): the TOOL word wins when it names an agent. */
export function parseAssistedBy(value: string): AgentEvidence {
  const [head = '', ...tools] = value.trim().split(/\s+/);
  const colon = head.indexOf(':');
  const agentName = colon >= 0 ? head.slice(0, colon) : head;
  const model = colon >= 0 ? head.slice(colon + 1) || undefined : undefined;
  let agent: CanonicalAgent | undefined;
  for (const t of tools) agent ??= knownAgent(t);
  // Countersign writes inline completions as `Copilot:inline vscode` (DESIGN.md, "What a commit carries").
  if (!agent && model === 'inline') agent = 'inline-completion';
  agent ??= knownAgent(agentName) ?? aiIdentity(agentName, '') ?? 'unknown';
  return { agent, raw: value, ...(model && model !== 'inline' ? { model } : {}), source: 'assisted-by' };
}

const CO_AUTHOR_KEYS = new Set(['co-authored-by', 'co-developed-by', 'generated-by', 'ai-assisted-by']);

export function commitEvidence(identity: CommitIdentity, trailers: Trailer[], message = ''): CommitEvidence {
  const agents: AgentEvidence[] = [];
  const add = (e: AgentEvidence) => {
    if (!agents.some((a) => a.agent === e.agent && a.source === e.source && a.model === e.model)) agents.push(e);
  };
  for (const v of trailerValues(trailers, ASSISTED_BY)) add(parseAssistedBy(v));
  for (const t of trailers) {
    if (!CO_AUTHOR_KEYS.has(t.key.toLowerCase())) continue;
    const { name, email } = splitIdent(t.value);
    const agent = aiIdentity(name, email);
    if (agent) add({ agent, raw: t.value, ...(modelFromParenthetical(name) ? { model: modelFromParenthetical(name) } : {}), source: 'co-author' });
  }
  const authorAgent = /\(aider\)\s*$/i.test(identity.authorName) ? 'aider' : aiIdentity(identity.authorName, identity.authorEmail);
  if (authorAgent) add({ agent: authorAgent, raw: `${identity.authorName} <${identity.authorEmail}>`, source: 'author' });
  // Claude Code's default commit footer; kept even when a co-author trailer was edited away.
  if (/Generated with \[?Claude Code\]?/.test(message)) add({ agent: 'claude-code', raw: 'Generated with Claude Code', source: 'message' });

  const provenanceValues = trailerValues(trailers, AI_PROVENANCE);
  const provenanceRaw = provenanceValues.length > 0 ? provenanceValues[provenanceValues.length - 1] : undefined;
  const provenance = provenanceRaw !== undefined ? parseAiProvenance(provenanceRaw) : undefined;
  return {
    ...(provenance ? { provenance } : {}),
    ...(provenanceRaw !== undefined ? { provenanceRaw } : {}),
    agents,
    aiAssisted: agents.length > 0 || (provenance?.ai ?? 0) > 0,
  };
}
