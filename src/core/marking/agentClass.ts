/**
 * Agent classes: the colour families the gutter, the overview ruler and line backgrounds use. A class groups
 * the canonical agent names (DESIGN.md) of one vendor so that a theme overrides one colour per vendor, not one
 * per tool; anything unrecognised falls into `other`, never into a vendor's colour.
 */
export const AGENT_CLASSES = ['claude', 'codex', 'gemini', 'copilot', 'cursor', 'inline', 'other', 'unknown'] as const;
export type AgentClass = (typeof AGENT_CLASSES)[number];

const CLASS_OF: Readonly<Record<string, AgentClass>> = {
  'claude-code': 'claude',
  codex: 'codex',
  'gemini-cli': 'gemini',
  copilot: 'copilot',
  'copilot-cli': 'copilot',
  cursor: 'cursor',
  'inline-completion': 'inline',
  unknown: 'unknown',
};

export function agentClassOf(agent: string): AgentClass {
  return Object.prototype.hasOwnProperty.call(CLASS_OF, agent) ? CLASS_OF[agent] : 'other';
}

/** The two theme colours of a class: the whole-line background and the overview-ruler mark. */
export type ColourRole = 'Background' | 'Ruler';

export function colourId(cls: AgentClass, role: ColourRole): string {
  return `countersign.aiLine.${cls}${role}`;
}

/** Human-facing agent names for hovers and tooltips; unknown names are shown as they are. */
const DISPLAY_NAMES: Readonly<Record<string, string>> = {
  'claude-code': 'Claude Code',
  codex: 'Codex',
  'gemini-cli': 'Gemini CLI',
  cursor: 'Cursor',
  copilot: 'GitHub Copilot',
  'copilot-cli': 'Copilot CLI',
  kiro: 'Kiro',
  aider: 'Aider',
  amp: 'Amp',
  opencode: 'opencode',
  'inline-completion': 'an inline completion',
  unknown: 'an unidentified AI',
};

export function agentDisplayName(agent: string): string {
  return Object.prototype.hasOwnProperty.call(DISPLAY_NAMES, agent) ? DISPLAY_NAMES[agent] : agent;
}
