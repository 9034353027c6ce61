/**
 * The agents whose hooks `countersign checkpoint --from` understands and `countersign agents connect`
 * configures, and the canonical name (DESIGN.md, "Agent names are canonical everywhere") each records.
 */
export const HOOK_AGENTS = ['claude', 'cursor', 'codex', 'gemini', 'copilot', 'kiro'] as const;
export type HookAgent = (typeof HOOK_AGENTS)[number];

export const CANONICAL_AGENT: Record<HookAgent, string> = {
  claude: 'claude-code',
  cursor: 'cursor',
  codex: 'codex',
  gemini: 'gemini-cli',
  copilot: 'copilot',
  kiro: 'kiro',
};

export function isHookAgent(name: string): name is HookAgent {
  return (HOOK_AGENTS as readonly string[]).includes(name);
}

/**
 * `checkpoint --agent NAME` by hand: the hook-agent short names map to their canonical names, so
 * `--agent claude` and `--agent claude-code` record the same agent; anything else is kept as given.
 */
export function canonicalAgentName(name: string): string {
  return isHookAgent(name) ? CANONICAL_AGENT[name] : name;
}
