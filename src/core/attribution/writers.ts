import { HUMAN, UNTRACKED, labelIdentity, type AiLabel, type HumanLabel, type LineLabel } from './labels';

/** Index of a writer in a {@link WriterTable}; character runs store these instead of label objects. */
export type WriterId = number;

/** Bit 30 of an agent mask means "more agents than bits": count them by walking the lines instead. */
export const AGENT_OVERFLOW_BIT = 1 << 30;

/**
 * Interns the writers of characters (an AI agent with model/session, a human, "untracked") so each character
 * run carries a small integer, and derived line labels are shared objects rather than one allocation per line.
 * Labels handed out are frozen: callers get views, never the engine's state.
 */
export class WriterTable {
  private readonly labels: LineLabel[] = [];
  private readonly ids = new Map<string, WriterId>();
  private readonly agentIds = new Map<string, number>();
  private readonly modified = new Map<string, HumanLabel>();
  readonly untracked: WriterId;
  readonly human: WriterId;

  constructor() {
    this.untracked = this.intern(UNTRACKED);
    this.human = this.intern(HUMAN);
  }

  /** The id of a writer. A human label's `wasAi` is derived from the characters, so it is not part of a writer. */
  intern(label: LineLabel): WriterId {
    const writer = label.kind === 'human' && label.wasAi ? stripWasAi(label) : label;
    const key = labelIdentity(writer);
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.labels.length;
      this.labels.push(Object.freeze({ ...writer }));
      this.ids.set(key, id);
      if (writer.kind === 'ai' && !this.agentIds.has(writer.agent)) this.agentIds.set(writer.agent, this.agentIds.size);
    }
    return id;
  }

  label(id: WriterId): LineLabel {
    return this.labels[id];
  }

  isAi(id: WriterId): boolean {
    return this.labels[id].kind === 'ai';
  }

  isHuman(id: WriterId): boolean {
    return this.labels[id].kind === 'human';
  }

  /** The label of a human line that still carries characters AI wrote (statistics: "AI, modified"). */
  humanWasAi(humanId: WriterId, aiId: WriterId): HumanLabel {
    const key = `${humanId}/${aiId}`;
    let label = this.modified.get(key);
    if (!label) {
      const ai = this.labels[aiId] as AiLabel;
      const wasAi: { agent: string; model?: string; session?: string } = { agent: ai.agent };
      if (ai.model !== undefined) wasAi.model = ai.model;
      if (ai.session !== undefined) wasAi.session = ai.session;
      label = Object.freeze({ ...(this.labels[humanId] as HumanLabel), wasAi: Object.freeze(wasAi) });
      this.modified.set(key, label);
    }
    return label;
  }

  /** One bit per agent name, so subtrees can say cheaply which agents wrote their lines. */
  agentBit(id: WriterId): number {
    const label = this.labels[id];
    if (label.kind !== 'ai') return 0;
    const index = this.agentIds.get(label.agent)!;
    return index < 30 ? 1 << index : AGENT_OVERFLOW_BIT;
  }

  /** Agent names whose bits are set in `mask` (without the overflow bit). */
  agentsInMask(mask: number): string[] {
    const names: string[] = [];
    for (const [name, index] of this.agentIds) if (index < 30 && (mask & (1 << index)) !== 0) names.push(name);
    return names;
  }
}

function stripWasAi(label: HumanLabel): HumanLabel {
  const copy: HumanLabel = { kind: 'human' };
  if (label.author !== undefined) copy.author = label.author;
  return copy;
}
