/**
 * Who an AI agent is, in one table (issue 12): the canonical names (docs/design.md, "Agent names are canonical
 * everywhere"), how each is written in `Assisted-by`, the names other tools give it (git-ai's `agent_id.tool`,
 * co-author trailers), the program that starts it in a terminal, the agent hook it is connected through,
 * the bot accounts and exact addresses it commits from, and how the editor shows it. Everything that names
 * or recognises an agent — the gate's AI evidence, report, explain, blame, notes, trailers, the terminal
 * attribution and the editor's colours — reads this table and nothing else.
 *
 * Identities are matched exactly. There is no email-domain rule: a person who commits as `x@anthropic.com`
 * or `y@openai.com` is a person. A commit's author is an agent only as a bot account named here (the GitHub
 * login `<login>[bot]`, or its `<id>+<login>[bot]@users.noreply.github.com` address), the Copilot coding
 * agent's `<id>+Copilot@users.noreply.github.com`, one of the exact agent addresses below, or aider's
 * ` (aider)` name suffix. A co-author trailer is an agent by those, or by a name that is the product's name
 * followed only by product words ("Claude", "Claude Opus 4.5", "Cursor Agent", "aider (gpt-4o)") — never
 * by a first name alone ("Devin Smith", "Claude Monet" are people).
 */
export const CANONICAL_AGENTS = [
  'claude-code',
  'codex',
  'gemini-cli',
  'cursor',
  'copilot',
  'copilot-cli',
  'kiro',
  'aider',
  'amp',
  'opencode',
  'inline-completion',
  'unknown',
] as const;
export type CanonicalAgent = (typeof CANONICAL_AGENTS)[number];

/** The agents whose hooks `countersign checkpoint --from` reads and `agents connect` configures. */
export const HOOK_AGENTS = ['claude', 'cursor', 'codex', 'gemini', 'copilot', 'kiro', 'vscode'] as const;
export type HookAgent = (typeof HOOK_AGENTS)[number];

/** Colour families of the editor's marks: one per vendor, so a theme overrides one colour per vendor. */
export const AGENT_CLASSES = ['claude', 'codex', 'gemini', 'copilot', 'cursor', 'inline', 'other', 'unknown'] as const;
export type AgentClass = (typeof AGENT_CLASSES)[number];

interface AgentRow {
  /** The canonical name this product is counted under; products outside the canonical list are `unknown`. */
  canonical: CanonicalAgent;
  /** For hovers and tooltips. */
  display?: string;
  colour?: AgentClass;
  /** `Assisted-by: AGENT:MODEL [TOOL]`: the AGENT word, the TOOL word, the model when none is recorded. */
  assistedBy?: { agent: string; tool?: string; defaultModel?: string };
  /** Whole names other tools write for it (lower case): git-ai tool ids, Assisted-by words. */
  names?: string[];
  /** First words of a co-author name that stand for the product ("claude" in "Claude Opus 4.5"). */
  coAuthorWords?: string[];
  /** Terminal programs that start it (docs/design.md: the command's program, without its directory). */
  programs?: string[];
  /** The hooks it is connected through (VS Code's own agent hooks record Copilot unless the payload shows another harness). */
  hook?: HookAgent | HookAgent[];
  /** GitHub App logins, without `[bot]`. */
  bots?: string[];
  /** Exact addresses the agent commits or co-authors from (never a domain). */
  emails?: string[];
}

const TABLE: readonly AgentRow[] = [
  {
    canonical: 'claude-code',
    display: 'Claude Code',
    colour: 'claude',
    assistedBy: { agent: 'Claude', tool: 'claude-code' },
    names: [
      'claude',
      'claude-code',
      'claudecode',
      'claude code',
      'anthropic',
      'claude-opus',
      'claude-sonnet',
      'claude[bot]',
    ],
    coAuthorWords: ['claude'],
    programs: ['claude'],
    hook: 'claude',
    bots: ['claude'],
    emails: ['noreply@anthropic.com'],
  },
  {
    canonical: 'codex',
    display: 'Codex',
    colour: 'codex',
    assistedBy: { agent: 'Codex', tool: 'codex' },
    names: [
      'codex',
      'codex-cli',
      'openai-codex',
      'openai codex',
      'chatgpt',
      'chatgpt-codex-connector',
      'chatgpt-codex-connector[bot]',
    ],
    coAuthorWords: ['codex', 'chatgpt'],
    programs: ['codex'],
    hook: 'codex',
    bots: ['chatgpt-codex-connector', 'codex'],
    emails: ['codex@openai.com'],
  },
  {
    canonical: 'gemini-cli',
    display: 'Gemini CLI',
    colour: 'gemini',
    assistedBy: { agent: 'Gemini', tool: 'gemini-cli' },
    names: ['gemini', 'gemini-cli', 'gemini-code-assist', 'gemini-code-assist[bot]'],
    coAuthorWords: ['gemini'],
    programs: ['gemini'],
    hook: 'gemini',
    bots: ['gemini-code-assist'],
  },
  {
    canonical: 'cursor',
    display: 'Cursor',
    colour: 'cursor',
    assistedBy: { agent: 'Cursor', tool: 'cursor' },
    names: ['cursor', 'cursor-agent', 'cursoragent', 'cursor agent', 'cursor[bot]'],
    coAuthorWords: ['cursor'],
    programs: ['cursor-agent'],
    hook: 'cursor',
    bots: ['cursor', 'cursoragent'],
    emails: ['cursoragent@cursor.com'],
  },
  {
    // Copilot's agent mode in VS Code (its agent hooks) and the Copilot coding agent on GitHub.
    canonical: 'copilot',
    display: 'GitHub Copilot',
    colour: 'copilot',
    assistedBy: { agent: 'Copilot', tool: 'vscode' },
    names: [
      'github-copilot',
      'copilot',
      'github copilot',
      'copilot-swe-agent',
      'copilot-swe-agent[bot]',
      'copilot-chat',
      'vscode-copilot',
      'copilot-agent',
    ],
    coAuthorWords: ['copilot'],
    hook: ['copilot', 'vscode'],
    bots: ['copilot-swe-agent', 'copilot'],
    emails: ['copilot@github.com'],
  },
  {
    canonical: 'copilot-cli',
    display: 'Copilot CLI',
    colour: 'copilot',
    assistedBy: { agent: 'Copilot', tool: 'copilot-cli' },
    names: ['github-copilot-cli', 'copilot-cli', 'copilot cli'],
    programs: ['copilot'],
  },
  {
    canonical: 'kiro',
    display: 'Kiro',
    assistedBy: { agent: 'Kiro', tool: 'kiro' },
    names: ['kiro', 'kiro-cli'],
    coAuthorWords: ['kiro'],
    programs: ['kiro-cli'],
    hook: 'kiro',
  },
  {
    canonical: 'aider',
    display: 'Aider',
    assistedBy: { agent: 'Aider', tool: 'aider' },
    names: ['aider', 'aider-chat'],
    coAuthorWords: ['aider'],
    programs: ['aider'],
    bots: ['aider'],
    emails: ['noreply@aider.chat'],
  },
  {
    canonical: 'amp',
    display: 'Amp',
    assistedBy: { agent: 'Amp', tool: 'amp' },
    names: ['amp', 'ampcode', 'sourcegraph-amp'],
    coAuthorWords: ['amp'],
    programs: ['amp'],
    bots: ['amp'],
  },
  {
    canonical: 'opencode',
    display: 'opencode',
    assistedBy: { agent: 'OpenCode', tool: 'opencode' },
    names: ['opencode', 'sst-opencode'],
    coAuthorWords: ['opencode'],
    programs: ['opencode'],
    bots: ['opencode'],
  },
  {
    // VS Code's inline suggestions come from GitHub Copilot unless the extension names another provider.
    canonical: 'inline-completion',
    display: 'an inline completion',
    colour: 'inline',
    assistedBy: { agent: 'Copilot', tool: 'vscode', defaultModel: 'inline' },
    names: ['inline-completion', 'inline', 'tab', 'ai_tab'],
  },
  // An unexplained multi-line insertion: AI by inference, product unknown.
  { canonical: 'unknown', display: 'an unidentified AI', colour: 'unknown', assistedBy: { agent: 'Unknown' } },
  // AI products outside the canonical list: recognised as AI, counted as `unknown`.
  { canonical: 'unknown', coAuthorWords: ['devin'], bots: ['devin-ai-integration'] },
  { canonical: 'unknown', coAuthorWords: ['jules'], bots: ['google-labs-jules'] },
  { canonical: 'unknown', bots: ['openhands-agent', 'sweep-ai'] },
];

const BY_CANONICAL = new Map<string, AgentRow>(
  TABLE.filter((r) => r.display !== undefined).map((r) => [r.canonical, r]),
);
const BY_NAME = new Map<string, CanonicalAgent>();
const BY_PROGRAM = new Map<string, CanonicalAgent>();
const BY_HOOK = new Map<string, CanonicalAgent>();
const BY_BOT = new Map<string, CanonicalAgent>();
const BY_EMAIL = new Map<string, CanonicalAgent>();
const BY_CO_AUTHOR_WORD = new Map<string, CanonicalAgent>();
for (const row of TABLE) {
  BY_NAME.set(row.canonical, row.canonical);
  for (const n of row.names ?? []) BY_NAME.set(n, row.canonical);
  for (const p of row.programs ?? []) BY_PROGRAM.set(p, row.canonical);
  for (const h of [row.hook ?? []].flat()) BY_HOOK.set(h, row.canonical);
  for (const b of row.bots ?? []) BY_BOT.set(b, row.canonical);
  for (const e of row.emails ?? []) BY_EMAIL.set(e, row.canonical);
  for (const w of row.coAuthorWords ?? []) BY_CO_AUTHOR_WORD.set(w, row.canonical);
}

function own<T>(map: Map<string, T>, key: string): T | undefined {
  return map.get(key);
}

export function isCanonicalAgent(name: string): name is CanonicalAgent {
  return (CANONICAL_AGENTS as readonly string[]).includes(name);
}

/** The canonical agent for a tool or agent name another tool wrote, or undefined for a name not known here. */
export function knownAgent(raw: string | undefined): CanonicalAgent | undefined {
  if (!raw) return undefined;
  return own(BY_NAME, raw.trim().toLowerCase().replace(/\s+/g, ' '));
}

/** The canonical agent for any name; unrecognised names are `unknown`. */
export function canonicalAgent(raw: string | undefined): CanonicalAgent {
  return knownAgent(raw) ?? 'unknown';
}

/** The agent a terminal program starts (`claude` → claude-code), or undefined for any other program. */
export function agentOfProgram(program: string): CanonicalAgent | undefined {
  return own(BY_PROGRAM, program);
}

export function isHookAgent(name: string): name is HookAgent {
  return (HOOK_AGENTS as readonly string[]).includes(name);
}

/** The canonical agent a hook agent records (`--from claude` → claude-code). */
export function agentOfHook(hook: HookAgent): CanonicalAgent {
  return own(BY_HOOK, hook) as CanonicalAgent;
}

export function agentDisplayName(agent: string): string {
  return BY_CANONICAL.get(agent)?.display ?? agent;
}

export function agentClassOf(agent: string): AgentClass {
  return BY_CANONICAL.get(agent)?.colour ?? 'other';
}

/** How `Assisted-by` writes a canonical agent; undefined for a name outside the canonical list. */
export function assistedByWords(agent: string): { agent: string; tool?: string; defaultModel?: string } | undefined {
  return isCanonicalAgent(agent) ? BY_CANONICAL.get(agent)?.assistedBy : undefined;
}

/** The canonical agent whose `Assisted-by` AGENT word is `word` (case-insensitive), first in table order. */
export function agentOfAssistedByWord(word: string): CanonicalAgent | undefined {
  const w = word.toLowerCase();
  for (const [agent, row] of BY_CANONICAL)
    if (row.assistedBy?.agent.toLowerCase() === w) return agent as CanonicalAgent;
  return undefined;
}

/** Words that may follow the product name in a co-author name ("Claude Opus 4.5", "Cursor Agent"). */
const PRODUCT_WORDS =
  /^(code|cli|agent|ai|assistant|opus|sonnet|haiku|swe|coding|chat|bot|pro|flash|max|mini|[0-9][0-9a-z.]*|v[0-9][0-9a-z.]*)$/;

function botLogin(name: string, email: string): string | undefined {
  const byName = /^(.+)\[bot\]$/.exec(name);
  if (byName) return byName[1];
  const byEmail = /^\d+\+(.+)\[bot\]@users\.noreply\.github\.com$/.exec(email);
  return byEmail?.[1];
}

/** The agent an identity's bot account or exact address stands for (author and co-author alike). */
function exactIdentity(name: string, email: string): CanonicalAgent | undefined {
  const login = botLogin(name, email);
  if (login !== undefined) return own(BY_BOT, login);
  // The Copilot coding agent commits as `Copilot <198982749+Copilot@users.noreply.github.com>`.
  if (/^\d+\+copilot@users\.noreply\.github\.com$/.test(email)) return 'copilot';
  return own(BY_EMAIL, email);
}

export interface Identity {
  name: string;
  email: string;
}

/** Whether an identity is an AI at all: `aiOf*` below answer `unknown` for AI products outside the list. */
export function aiOfAuthor(who: Identity): CanonicalAgent | undefined {
  const name = who.name.trim();
  if (/\(aider\)$/i.test(name)) return 'aider';
  return exactIdentity(name.toLowerCase(), who.email.trim().toLowerCase());
}

/** A co-author (`Co-authored-by: Name <email>`) that is an agent, by identity or by its product name. */
export function aiOfCoAuthor(who: Identity): CanonicalAgent | undefined {
  const name = who.name.trim().toLowerCase();
  const exact = exactIdentity(name, who.email.trim().toLowerCase());
  if (exact) return exact;
  // "aider (gpt-4o)", "Claude (claude-sonnet-4)": the parenthetical is a model, not part of the name.
  const words = name
    .replace(/\([^)]*\)/g, ' ')
    .trim()
    .split(/[\s-]+/)
    .filter(Boolean);
  if (words[0] === 'github' && words[1] === 'copilot') words.shift();
  const agent = own(BY_CO_AUTHOR_WORD, words[0] ?? '');
  return agent !== undefined && words.slice(1).every((w) => PRODUCT_WORDS.test(w)) ? agent : undefined;
}
