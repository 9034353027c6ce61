import * as z from 'zod/mini';
import '../zodMessages';
import { observationSchema } from '../attribution/observations';
import { labelIdentity, type LineLabel } from '../attribution/labels';

/**
 * The working ledger's on-disk records (`.git/countersign/ledger/`), validated with zod whenever they are
 * read back, because other processes (and other versions of Countersign) write them.
 *
 * - queue/<id>.json — one incoming record each, written atomically by whoever observed something;
 * - files/<hash>.json — the folded attribution of one file (content + labels);
 * - context.json — what is in flight between records: open agent tool calls with their before snapshots,
 *   terminal commands running, the last clipboard text, pending inline accepts, save windows;
 * - journal.json — a fold's redo log (see ledgerStore).
 */
export const lineLabelSchema: z.ZodMiniType<LineLabel> = z.union([
  z.object({
    kind: z.literal('ai'), agent: z.string(), model: z.optional(z.string()), session: z.optional(z.string()),
    confidence: z.optional(z.literal('low')), at: z.optional(z.number()),
  }),
  z.object({
    kind: z.literal('human'), author: z.optional(z.string()),
    wasAi: z.optional(z.object({ agent: z.string(), model: z.optional(z.string()), session: z.optional(z.string()) })),
  }),
  z.object({ kind: z.literal('untracked'), why: z.optional(z.literal('unobserved')) }),
]);

/** Labels stored run-length encoded: a 100,000-line file with a few AI ranges stays a few hundred bytes. */
export const labelRunsSchema = z.array(z.tuple([z.int().check(z.positive()), lineLabelSchema]));
export type LabelRuns = z.infer<typeof labelRunsSchema>;

export function encodeLabels(labels: readonly LineLabel[]): LabelRuns {
  const runs: LabelRuns = [];
  let prevId = '';
  for (const label of labels) {
    const id = labelIdentity(label);
    const last = runs[runs.length - 1];
    if (last && id === prevId) last[0]++;
    else runs.push([1, label]);
    prevId = id;
  }
  return runs;
}

export function decodeLabels(runs: LabelRuns): LineLabel[] {
  const labels: LineLabel[] = [];
  for (const [count, label] of runs) for (let i = 0; i < count; i++) labels.push(label);
  return labels;
}

/** One incoming record. `id` orders the queue: time, then a per-process counter, then pid and randomness. */
export const queueEntrySchema = z.discriminatedUnion('kind', [
  z.object({
    v: z.literal(1), id: z.string(), at: z.number(), kind: z.literal('observation'),
    observation: observationSchema,
    /** Pairs an agent `after` with its `before` when the agent names its tool calls (Claude's tool_use_id). */
    callId: z.optional(z.string()),
    /** Files the tool call deleted (an agent observation's `files` can only hold contents). */
    deleted: z.optional(z.array(z.string())),
    /** The call was a shell command: its `after` closes every snapshot the `before` took. */
    shell: z.optional(z.boolean()),
  }),
  z.object({
    v: z.literal(1), id: z.string(), at: z.number(), kind: z.literal('store'),
    path: z.string(), content: z.string(), labels: labelRunsSchema,
  }),
]);
export type QueueEntry = z.infer<typeof queueEntrySchema>;

export const fileStateSchema = z.object({
  v: z.literal(1),
  path: z.string(),
  content: z.string(),
  labels: labelRunsSchema,
  updatedAt: z.number(),
});
export type FileStateRecord = z.infer<typeof fileStateSchema>;

const snapshotSchema = z.object({ content: z.string(), labels: labelRunsSchema });

export const toolCallSchema = z.object({
  agent: z.string(),
  model: z.optional(z.string()),
  session: z.optional(z.string()),
  callId: z.optional(z.string()),
  startedAt: z.number(),
  /** Each file's content and labels when the call began: its `after` is compared with these. */
  files: z.record(z.string(), snapshotSchema),
});
export type ToolCallRecord = z.infer<typeof toolCallSchema>;

export const contextSchema = z.object({
  v: z.literal(1),
  calls: z.record(z.string(), toolCallSchema),
  terminals: z.array(z.object({ command: z.string(), startedAt: z.number() })),
  clipboard: z.optional(z.object({ text: z.string(), at: z.number() })),
  inlineAccepts: z.record(z.string(), z.object({ agent: z.optional(z.string()), at: z.number() })),
  saving: z.record(z.string(), z.number()),
});
export type LedgerContext = z.infer<typeof contextSchema>;

export function emptyContext(): LedgerContext {
  return { v: 1, calls: {}, terminals: [], inlineAccepts: {}, saving: {} };
}

/** A fold's redo log: every file it writes (null = delete) and every queue entry it consumed. */
export const journalSchema = z.object({
  v: z.literal(1),
  files: z.record(z.string(), z.nullable(fileStateSchema)),
  context: contextSchema,
  consumed: z.array(z.string()),
});
export type Journal = z.infer<typeof journalSchema>;
