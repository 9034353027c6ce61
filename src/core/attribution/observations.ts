import * as z from 'zod/mini';
import '../zodMessages';

/**
 * Observations: the one input of the attribution engine (docs/design.md, "Attribution"). The editor,
 * agents' hooks (through the working ledger) and `countersign replay` all produce these. The zod schemas
 * validate traces and ledger records read from disk; the types are what code passes around.
 */
/** The canonical agent names live with the rest of the agents' identity (core/agents/agentIdentity). */
export { CANONICAL_AGENTS } from '../agents/agentIdentity';

const offset = z.int().check(z.nonnegative());
const change = z.object({ offset, length: offset, text: z.string() });

export const observationSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('edit'), file: z.string(), changes: z.array(change), reason: z.optional(z.enum(['undo', 'redo'])) }),
  z.object({ type: z.literal('clipboard'), text: z.string() }),
  z.object({ type: z.literal('inlineAccept'), file: z.string(), agent: z.optional(z.string()) }),
  z.object({
    type: z.literal('agent'), phase: z.enum(['before', 'after']), agent: z.string(),
    model: z.optional(z.string()), session: z.optional(z.string()), files: z.record(z.string(), z.string()),
  }),
  z.object({ type: z.literal('diskWrite'), file: z.string(), content: z.string() }),
  z.object({ type: z.literal('terminal'), command: z.string(), state: z.enum(['start', 'end']) }),
  z.object({ type: z.literal('willSave'), file: z.string() }),
  z.object({ type: z.literal('save'), file: z.string() }),
]);

export type Observation = z.infer<typeof observationSchema>;
export type EditObservation = Extract<Observation, { type: 'edit' }>;
export type AgentObservation = Extract<Observation, { type: 'agent' }>;

export const traceSchema = z.object({
  version: z.literal(1),
  files: z.record(z.string(), z.string()),
  events: z.array(observationSchema),
});
export type Trace = z.infer<typeof traceSchema>;
