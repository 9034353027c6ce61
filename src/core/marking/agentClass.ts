import { AGENT_CLASSES, agentClassOf, agentDisplayName, type AgentClass } from '../agents/agentIdentity';

/**
 * Agent classes: the colour families the gutter, the overview ruler and line backgrounds use. A class groups
 * the canonical agent names (docs/design.md) of one vendor so that a theme overrides one colour per vendor, not one
 * per tool; anything unrecognised falls into `other`, never into a vendor's colour. Which agent is in which
 * class, and its display name, is the agent-identity table's (core/agents/agentIdentity).
 */
export { AGENT_CLASSES, agentClassOf, agentDisplayName, type AgentClass };

/** The two theme colours of a class: the whole-line background and the overview-ruler mark. */
export type ColourRole = 'Background' | 'Ruler';

export function colourId(cls: AgentClass, role: ColourRole): string {
  return `countersign.aiLine.${cls}${role}`;
}
