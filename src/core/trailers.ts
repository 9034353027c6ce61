/**
 * Trailer codec. Writing goes through `git interpret-trailers` (src/git) so git's own parser always agrees;
 * this module parses what git would parse and formats Countersign's values.
 */
export interface Trailer {
  key: string;
  value: string;
}

export interface ProvenanceCounts {
  ai: number;
  human: number;
  untracked: number;
}

export const AI_PROVENANCE = 'AI-Provenance';
export const ASSISTED_BY = 'Assisted-by';

export function formatAiProvenance(c: ProvenanceCounts): string {
  return `v1 ai=${c.ai} human=${c.human} untracked=${c.untracked}`;
}

/** Parses `v1 ai=N human=N untracked=N` (extra `key=value` words from newer versions are ignored). */
export function parseAiProvenance(value: string): ProvenanceCounts | undefined {
  const words = value.trim().split(/\s+/);
  if (words[0] !== 'v1') return undefined;
  const fields = new Map<string, number>();
  for (const w of words.slice(1)) {
    const m = /^([a-z]+)=(\d+)$/.exec(w);
    if (m) fields.set(m[1], Number(m[2]));
  }
  const ai = fields.get('ai'), human = fields.get('human'), untracked = fields.get('untracked');
  if (ai === undefined || human === undefined || untracked === undefined) return undefined;
  return { ai, human, untracked };
}

const TRAILER_LINE = /^([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$/;
/** Trailers git recognises in a mixed paragraph even when fewer than 25% of its lines are trailers. */
const GIT_GENERATED = /^(Signed-off-by|\(cherry picked from commit )/;

/**
 * The trailers of a commit message as `git interpret-trailers --parse` sees them: the last paragraph,
 * ignoring comment lines and anything after a `---` divider or scissors line, when every line is a trailer
 * or continuation, or at least 25% are trailers and one is git-generated.
 */
export function parseTrailers(message: string, commentChar = '#'): Trailer[] {
  const lines = message.replace(/\r\n/g, '\n').split('\n');
  const cut = lines.findIndex((l) => /^-{3}(\s|$)/.test(l) || /^# -+ >8 -+$/.test(l));
  const body = (cut >= 0 ? lines.slice(0, cut) : lines).filter((l) => !l.startsWith(commentChar));
  while (body.length > 0 && body[body.length - 1].trim() === '') body.pop();
  let start = body.length;
  while (start > 0 && body[start - 1].trim() !== '') start--;
  // The first paragraph is the subject: git never reads trailers from it.
  if (start === 0) return [];
  const para = body.slice(start);
  const trailers: Trailer[] = [];
  let trailerLines = 0, otherLines = 0, generated = false;
  for (const line of para) {
    if (/^[ \t]/.test(line) && trailers.length > 0) {
      trailers[trailers.length - 1].value += ' ' + line.trim();
      continue;
    }
    const m = TRAILER_LINE.exec(line);
    if (m) {
      trailers.push({ key: m[1], value: m[2].trim() });
      trailerLines++;
      if (GIT_GENERATED.test(line)) generated = true;
    } else {
      otherLines++;
    }
  }
  if (trailerLines === 0) return [];
  if (otherLines === 0) return trailers;
  if (generated && trailerLines * 3 >= otherLines) return trailers;
  return [];
}

export function trailerValues(trailers: Trailer[], key: string): string[] {
  const k = key.toLowerCase();
  return trailers.filter((t) => t.key.toLowerCase() === k).map((t) => t.value);
}

// ------------------------------------------------------------------------------------------- Assisted-by

/**
 * `Assisted-by: AGENT:MODEL [TOOL]` (the Linux kernel's and Fedora's convention). AGENT names the AI
 * product, MODEL the model (`unknown` when the agent did not say; `inline` for editor inline completions),
 * TOOL the program through which it wrote — Countersign's canonical agent name, or `vscode` for what
 * arrived through the editor. The mapping is the one table below; an agent not in it is written with its
 * name capitalised as AGENT and itself as TOOL.
 */
const ASSISTED_BY_NAMES: Record<string, { agent: string; tool?: string; defaultModel?: string }> = {
  'claude-code': { agent: 'Claude', tool: 'claude-code' },
  codex: { agent: 'Codex', tool: 'codex' },
  'gemini-cli': { agent: 'Gemini', tool: 'gemini-cli' },
  cursor: { agent: 'Cursor', tool: 'cursor' },
  // `copilot` is Copilot's agent mode in VS Code (its agent hooks); `copilot-cli` the terminal agent.
  copilot: { agent: 'Copilot', tool: 'vscode' },
  'copilot-cli': { agent: 'Copilot', tool: 'copilot-cli' },
  kiro: { agent: 'Kiro', tool: 'kiro' },
  aider: { agent: 'Aider', tool: 'aider' },
  amp: { agent: 'Amp', tool: 'amp' },
  opencode: { agent: 'OpenCode', tool: 'opencode' },
  // VS Code's inline suggestions come from GitHub Copilot unless the extension names another provider
  // (then `agent` carries that provider's name instead of `inline-completion`).
  'inline-completion': { agent: 'Copilot', tool: 'vscode', defaultModel: 'inline' },
  // An unexplained multi-line insertion: AI by inference, product unknown.
  unknown: { agent: 'Unknown' },
};

function capitalise(s: string): string {
  return s.length === 0 ? s : s[0].toUpperCase() + s.slice(1);
}

/** The value of one `Assisted-by` trailer for a canonical agent name and (optional) model. */
export function formatAssistedBy(agent: string, model?: string): string {
  const known = ASSISTED_BY_NAMES[agent];
  const name = known?.agent ?? capitalise(agent.replace(/[\s:]+/g, '-'));
  const tool = known ? known.tool : agent;
  const m = (model && model.trim()) || known?.defaultModel || 'unknown';
  return `${name}:${m.replace(/\s+/g, '-')}${tool ? ` ${tool}` : ''}`;
}

export interface AssistedBy {
  agent: string;
  model: string;
  tool?: string;
}

export function parseAssistedBy(value: string): AssistedBy | undefined {
  const m = /^([^\s:]+):(\S+)(?:\s+(\S+))?/.exec(value.trim());
  if (!m) return undefined;
  return { agent: m[1], model: m[2], ...(m[3] ? { tool: m[3] } : {}) };
}

/** The canonical agent an `Assisted-by` value names: by its TOOL when that is canonical, else by its AGENT. */
export function canonicalAgentOfAssistedBy(a: AssistedBy): string {
  if (a.tool && ASSISTED_BY_NAMES[a.tool] && a.tool !== 'unknown') return a.tool;
  const byName = Object.entries(ASSISTED_BY_NAMES).find(([, v]) => v.agent.toLowerCase() === a.agent.toLowerCase());
  if (a.tool === 'vscode' && a.agent.toLowerCase() === 'copilot') return a.model === 'inline' ? 'inline-completion' : 'copilot';
  return byName ? byName[0] : a.agent.toLowerCase();
}

/**
 * The `Assisted-by` values still to add: ours minus any the message already has for the same AGENT:MODEL
 * (an agent or the author may have written one, with or without a TOOL part).
 */
export function assistedByToAdd(existing: Trailer[], ours: string[]): string[] {
  const have = new Set(trailerValues(existing, ASSISTED_BY).map((v) => {
    const a = parseAssistedBy(v);
    return a ? `${a.agent}:${a.model}`.toLowerCase() : v.toLowerCase();
  }));
  const out: string[] = [];
  for (const v of ours) {
    const a = parseAssistedBy(v);
    const k = a ? `${a.agent}:${a.model}`.toLowerCase() : v.toLowerCase();
    if (have.has(k)) continue;
    have.add(k);
    out.push(v);
  }
  return out;
}

// ----------------------------------------------------------------------------------------- AI evidence

export type AiEvidenceSource = 'assisted-by' | 'co-authored-by' | 'author' | 'ai-provenance';

export interface AiEvidence {
  /** Canonical agent name where one is known (`unknown` for an AI-Provenance count without names). */
  agent: string;
  source: AiEvidenceSource;
  /** The trailer line or author identity that is the evidence. */
  text: string;
}

export interface CommitIdentity {
  message: string;
  authorName?: string;
  authorEmail?: string;
}

/** Addresses only agents use (co-author trailers they add, or the author of commits they make themselves). */
const AI_EMAILS: Array<[RegExp, string]> = [
  [/^noreply@anthropic\.com$/i, 'claude-code'],
  [/^\d*\+?copilot@users\.noreply\.github\.com$|^copilot@github\.com$/i, 'copilot'],
  [/^codex@openai\.com$|chatgpt-codex-connector/i, 'codex'],
  [/devin-ai-integration/i, 'devin'],
  [/^noreply@aider\.chat$/i, 'aider'],
  [/^cursoragent@cursor\.com$/i, 'cursor'],
  [/gemini-code-assist/i, 'gemini-cli'],
  [/google-labs-jules/i, 'jules'],
  [/@ampcode\.com$/i, 'amp'],
  [/@opencode\.ai$/i, 'opencode'],
  [/@kiro\.dev$/i, 'kiro'],
];

/** Names agents sign co-author trailers with (`aider (gpt-4o)`, `copilot-swe-agent[bot]` reduce to these). */
const AI_NAMES: Record<string, string> = {
  claude: 'claude-code', 'claude code': 'claude-code', codex: 'codex', 'openai codex': 'codex', 'chatgpt-codex-connector': 'codex',
  copilot: 'copilot', 'github copilot': 'copilot', 'copilot-swe-agent': 'copilot', devin: 'devin', 'devin-ai-integration': 'devin',
  aider: 'aider', cursor: 'cursor', 'cursor agent': 'cursor', gemini: 'gemini-cli', 'gemini-code-assist': 'gemini-cli',
  jules: 'jules', 'google-labs-jules': 'jules', amp: 'amp', opencode: 'opencode', kiro: 'kiro',
};

function splitIdent(ident: string): { name: string; email: string } {
  const m = /^(.*?)\s*<([^>]*)>\s*$/.exec(ident.trim());
  return m ? { name: m[1].trim(), email: m[2].trim() } : { name: ident.trim(), email: '' };
}

function agentOfEmail(email: string): string | undefined {
  for (const [re, agent] of AI_EMAILS) if (re.test(email)) return agent;
  return undefined;
}

function agentOfName(name: string): string | undefined {
  const base = name.replace(/\[bot\]$/i, '').replace(/\s*\([^)]*\)$/, '').trim().toLowerCase();
  return AI_NAMES[base];
}

/** A co-author is an agent when its address is an agent's or its name is exactly an agent's name. */
function coAuthorAgent(value: string): string | undefined {
  const { name, email } = splitIdent(value);
  return agentOfEmail(email) ?? agentOfName(name);
}

/**
 * A commit author is an agent only by an agent's address, a bot account named after an agent, or aider's
 * ` (aider)` suffix — never by a first name alone (people are called Claude, Devin and Jules too).
 */
function authorAgent(name: string, email: string): string | undefined {
  if (/\(aider\)$/i.test(name)) return 'aider';
  const byEmail = agentOfEmail(email);
  if (byEmail) return byEmail;
  return /\[bot\]$/i.test(name) ? agentOfName(name) : undefined;
}

/**
 * What a commit's own text says about AI involvement: Countersign's `Assisted-by` and `AI-Provenance`
 * (`ai>0`), co-author trailers agents add themselves (`Co-Authored-By: Claude <noreply@anthropic.com>`,
 * `Co-authored-by: Codex …`, Copilot's and Devin's bots…), aider's ` (aider)` author-name suffix and agent
 * bot authors. Pure: callers pass the message and author, e.g. from `git log --format=%B%x00%an%x00%ae`.
 */
export function aiEvidenceFromCommit(c: CommitIdentity): AiEvidence[] {
  const out: AiEvidence[] = [];
  const trailers = parseTrailers(c.message);
  for (const t of trailers) {
    const key = t.key.toLowerCase();
    if (key === 'assisted-by') {
      const a = parseAssistedBy(t.value);
      if (a) out.push({ agent: canonicalAgentOfAssistedBy(a), source: 'assisted-by', text: `${t.key}: ${t.value}` });
    } else if (key === 'co-authored-by') {
      const agent = coAuthorAgent(t.value);
      if (agent) out.push({ agent, source: 'co-authored-by', text: `${t.key}: ${t.value}` });
    } else if (key === AI_PROVENANCE.toLowerCase()) {
      const counts = parseAiProvenance(t.value);
      if (counts && counts.ai > 0 && !out.some((e) => e.source === 'assisted-by')) {
        out.push({ agent: 'unknown', source: 'ai-provenance', text: `${t.key}: ${t.value}` });
      }
    }
  }
  // An AI-Provenance count is only "unknown" evidence when nothing names the agent.
  const named = out.filter((e) => e.source !== 'ai-provenance');
  const result = named.length > 0 ? named : out;
  const name = c.authorName?.trim() ?? '';
  const email = c.authorEmail?.trim() ?? '';
  const agent = authorAgent(name, email);
  if (agent) result.push({ agent, source: 'author', text: `${name} <${email}>` });
  return result;
}
