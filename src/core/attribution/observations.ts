import * as s from '../shape';

/**
 * Observations: the one input of the attribution engine (docs/design.md, "Attribution"). The editor,
 * agents' hooks (through the working ledger) and `countersign replay` all produce these. The shapes
 * validate traces and ledger records read from disk (core/shape.ts: they are on every commit's path, where
 * no schema library is loaded); the types are what code passes around.
 */
/** The canonical agent names live with the rest of the agents' identity (core/agents/agentIdentity). */
export { CANONICAL_AGENTS } from '../agents/agentIdentity';

export type EditObservation = {
  type: 'edit';
  file: string;
  changes: Array<{ offset: number; length: number; text: string }>;
  reason?: 'undo' | 'redo';
};
export type AgentObservation = {
  type: 'agent';
  phase: 'before' | 'after';
  agent: string;
  model?: string;
  session?: string;
  files: Record<string, string>;
};
export type Observation =
  | EditObservation
  | { type: 'clipboard'; text: string }
  | { type: 'inlineAccept'; file: string; agent?: string }
  | AgentObservation
  | { type: 'diskWrite'; file: string; content: string }
  | { type: 'terminal'; command: string; state: 'start' | 'end' }
  | { type: 'willSave'; file: string }
  | { type: 'save'; file: string };

const offset = s.integer(0);

export const observationSchema: s.Shape<Observation> = s.discriminated<Observation>('type', {
  edit: s.object<EditObservation>({
    type: s.literal('edit'),
    file: s.string,
    changes: s.array(s.object({ offset, length: offset, text: s.string })),
    reason: s.optional(s.oneOf(['undo', 'redo'])),
  }),
  clipboard: s.object({ type: s.literal('clipboard'), text: s.string }),
  inlineAccept: s.object({ type: s.literal('inlineAccept'), file: s.string, agent: s.optional(s.string) }),
  agent: s.object<AgentObservation>({
    type: s.literal('agent'),
    phase: s.oneOf(['before', 'after']),
    agent: s.string,
    model: s.optional(s.string),
    session: s.optional(s.string),
    files: s.record(s.string),
  }),
  diskWrite: s.object({ type: s.literal('diskWrite'), file: s.string, content: s.string }),
  terminal: s.object({ type: s.literal('terminal'), command: s.string, state: s.oneOf(['start', 'end']) }),
  willSave: s.object({ type: s.literal('willSave'), file: s.string }),
  save: s.object({ type: s.literal('save'), file: s.string }),
});

export type Trace = { version: 1; files: Record<string, string>; events: Observation[] };

export const traceSchema: s.Shape<Trace> = s.object<Trace>({
  version: s.literal(1),
  files: s.record(s.string),
  events: s.array(observationSchema),
});
