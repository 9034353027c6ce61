import { CANONICAL_AGENTS } from '../attribution/observations';

/**
 * Canonical agent names (DESIGN.md, "Agent names are canonical everywhere") from what other tools write:
 * git-ai's `agent_id.tool` values, the AGENT and TOOL words of `Assisted-by`, co-author names and bot
 * accounts. A name nothing here recognises is `unknown`: reports group by the closed canonical list, and
 * explain/blame show the raw name next to it so nothing is lost.
 */
export type CanonicalAgent = typeof CANONICAL_AGENTS[number];

const canonical = new Set<string>(CANONICAL_AGENTS);

/** Lower-cased aliases → canonical name. Keys are whole names after normalisation (see `normaliseName`). */
const aliases: Record<string, CanonicalAgent> = {
  // git-ai's tool ids (src/commands/checkpoint_agent/presets in git-ai)
  'claude': 'claude-code', 'claude-code': 'claude-code', 'claudecode': 'claude-code', 'anthropic': 'claude-code',
  'claude-opus': 'claude-code', 'claude-sonnet': 'claude-code', 'claude[bot]': 'claude-code',
  'codex': 'codex', 'codex-cli': 'codex', 'openai-codex': 'codex', 'chatgpt-codex-connector[bot]': 'codex', 'chatgpt': 'codex',
  'gemini': 'gemini-cli', 'gemini-cli': 'gemini-cli', 'gemini-code-assist': 'gemini-cli', 'gemini-code-assist[bot]': 'gemini-cli',
  'cursor': 'cursor', 'cursor-agent': 'cursor', 'cursoragent': 'cursor', 'cursor agent': 'cursor', 'cursor[bot]': 'cursor',
  'github-copilot': 'copilot', 'copilot': 'copilot', 'github copilot': 'copilot', 'copilot-swe-agent': 'copilot',
  'copilot-swe-agent[bot]': 'copilot', 'copilot-chat': 'copilot', 'vscode-copilot': 'copilot', 'copilot-agent': 'copilot',
  'github-copilot-cli': 'copilot-cli', 'copilot-cli': 'copilot-cli', 'copilot cli': 'copilot-cli',
  'kiro': 'kiro', 'kiro-cli': 'kiro',
  'aider': 'aider', 'aider-chat': 'aider',
  'amp': 'amp', 'ampcode': 'amp', 'sourcegraph-amp': 'amp',
  'opencode': 'opencode', 'sst-opencode': 'opencode',
  'inline-completion': 'inline-completion', 'inline': 'inline-completion', 'tab': 'inline-completion', 'ai_tab': 'inline-completion',
};

function normaliseName(raw: string): string {
  return raw.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** The canonical agent for a tool or agent name, or undefined when the name is not one we know. */
export function knownAgent(raw: string | undefined): CanonicalAgent | undefined {
  if (!raw) return undefined;
  const n = normaliseName(raw);
  if (canonical.has(n)) return n as CanonicalAgent;
  return aliases[n];
}

/** The canonical agent for any name; unrecognised names are `unknown`. */
export function canonicalAgent(raw: string | undefined): CanonicalAgent {
  return knownAgent(raw) ?? 'unknown';
}
