import { agentOfHook, HOOK_AGENTS, isHookAgent, type HookAgent } from './agentIdentity';

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
