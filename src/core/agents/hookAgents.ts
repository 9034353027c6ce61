import { closest } from '../didYouMean';
import {
  agentDisplayName,
  agentOfHook,
  CANONICAL_AGENTS,
  HOOK_AGENTS,
  isHookAgent,
  knownAgent,
  type CanonicalAgent,
  type HookAgent,
} from './agentIdentity';

/**
 * The agents whose hooks `countersign checkpoint --from` understands and `countersign agents connect`
 * configures; the canonical name (docs/design.md, "Agent names are canonical everywhere") each records is the
 * agent-identity table's.
 */
export { agentOfHook, HOOK_AGENTS, isHookAgent, type HookAgent };

/**
 * The canonical agent a name given by a person or a file stands for (`checkpoint --agent`, `import`'s metadata):
 * a hook agent's short name (`claude`, `vscode`) or any name in the agent table (`Claude`, `claude-code`,
 * `codex-cli`), whatever its case; undefined for anything else, so no caller can record a name that the
 * trailer, the note and the report would each read differently (newuser14 S27).
 */
export function agentNamed(name: string): CanonicalAgent | undefined {
  const word = name.trim().toLowerCase();
  return isHookAgent(word) ? agentOfHook(word) : knownAgent(word);
}

/**
 * "unknown agent 'aidr' (canonical names: …). Did you mean 'aider'?" for a name agentNamed does not know; an AI
 * tool outside the list is recorded as `unknown`, which the message offers when no name is close.
 */
export function unknownAgentNameMessage(word: string): string {
  const names = CANONICAL_AGENTS.filter((a) => a !== 'unknown');
  const near = closest(word.trim().toLowerCase(), [...names, ...HOOK_AGENTS]);
  const hint = near
    ? ` Did you mean '${near}'${isHookAgent(near) ? ` (recorded as ${agentOfHook(near)})` : ''}?`
    : ' For an AI tool not in this list, use --agent unknown.';
  return `unknown agent '${word}' (canonical names: ${names.join(', ')}, unknown).${hint}`;
}

/**
 * "unknown agent 'claud' (expected claude, cursor, …). Did you mean 'claude' (Claude Code)?" — for every place
 * that takes a hook agent's name (agents connect/disconnect, init --agents, checkpoint --from). A canonical name
 * (`claude-code`, `gemini-cli`) or a near miss of one leads to the hook agent that records it.
 */
export function unknownHookAgentMessage(word: string, expected = HOOK_AGENTS.join(', ')): string {
  const canonical = HOOK_AGENTS.map((h) => [agentOfHook(h), h] as const);
  const exact = canonical.find(([c]) => c === word)?.[1];
  const near = exact ?? closest(word, [...HOOK_AGENTS, ...canonical.map(([c]) => c)]);
  const hook = near === undefined ? undefined : isHookAgent(near) ? near : canonical.find(([c]) => c === near)?.[1];
  const hint = hook
    ? ` Did you mean '${hook}' (${agentDisplayName(agentOfHook(hook))}, recorded as ${agentOfHook(hook)})?`
    : '';
  return `unknown agent '${word}' (expected ${expected}).${hint}`;
}
