import { closest } from '../didYouMean';
import { agentDisplayName, agentOfHook, HOOK_AGENTS, isHookAgent, type HookAgent } from './agentIdentity';

/**
 * The agents whose hooks `countersign checkpoint --from` understands and `countersign agents connect`
 * configures; the canonical name (docs/design.md, "Agent names are canonical everywhere") each records is the
 * agent-identity table's.
 */
export { agentOfHook, HOOK_AGENTS, isHookAgent, type HookAgent };

/**
 * `checkpoint --agent NAME` by hand: the hook-agent short names map to their canonical names, so
 * `--agent claude` and `--agent claude-code` record the same agent; anything else is kept as given.
 */
export function canonicalAgentName(name: string): string {
  return isHookAgent(name) ? agentOfHook(name) : name;
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
