import * as s from '../shape';
import { agentRemovalsSchema, settledRemovalsSchema, type AgentRemovals, type SettledRemovals } from './agentRemovals';
import { observationSchema, type Observation } from '../attribution/observations';
import {
  labelIdentity,
  type AiLabel,
  type HumanLabel,
  type LineLabel,
  type UntrackedLabel,
} from '../attribution/labels';

/**
 * The working ledger's on-disk records (`.git/countersign/ledger/`), validated whenever they are read back,
 * because other processes (and other versions of Countersign) write them. Checked with core/shape.ts, not
 * zod: every commit reads them (dist/hook.js).
 *
 * - queue/<id>.json — one incoming record each, written atomically by whoever observed something;
 * - files/<hash>.json — the folded attribution of one file (content + labels);
 * - context.json — what is in flight between records: open agent tool calls with their before snapshots,
 *   terminal commands running, the last clipboard text, pending inline accepts, save windows;
 * - journal.json — a fold's redo log (see ledgerStore).
 */
const agentFields = { agent: s.string, model: s.optional(s.string), session: s.optional(s.string) };

export const lineLabelSchema: s.Shape<LineLabel> = s.discriminated<LineLabel>('kind', {
  ai: s.object<AiLabel>({
    kind: s.literal('ai'),
    ...agentFields,
    confidence: s.optional(s.literal('low')),
    at: s.optional(s.number),
  }),
  human: s.object<HumanLabel>({
    kind: s.literal('human'),
    author: s.optional(s.string),
    wasAi: s.optional(s.object<NonNullable<HumanLabel['wasAi']>>(agentFields)),
  }),
  untracked: s.object<UntrackedLabel>({ kind: s.literal('untracked'), why: s.optional(s.literal('unobserved')) }),
});

/** Labels stored run-length encoded: a 100,000-line file with a few AI ranges stays a few hundred bytes. */
export type LabelRuns = Array<[number, LineLabel]>;
export const labelRunsSchema: s.Shape<LabelRuns> = s.array(s.tuple(s.integer(1), lineLabelSchema));

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
export type QueueEntry =
  | {
      v: 1;
      id: string;
      at: number;
      kind: 'observation';
      observation: Observation;
      /** Pairs an agent `after` with its `before` when the agent names its tool calls (Claude's tool_use_id). */
      callId?: string;
      /** Files the tool call deleted (an agent observation's `files` can only hold contents). */
      deleted?: string[];
      /**
       * The call was a shell command: its `after` closes every snapshot the `before` took. On a `before`: its
       * snapshot holds every file git listed as changed, so every other file was HEAD's content then.
       */
      shell?: boolean;
      /**
       * On a shell call's `before`: the files git listed as changed that its snapshot does not hold — deleted,
       * binary or too big — when it began (a file its after finds gone was the call's doing only if it is not
       * here). Absent in older records: such deletions are not credited.
       */
      absent?: string[];
      /**
       * On an `after`: files it could not snapshot (over the size bound, not a regular file). It closes the
       * before's snapshot of them all the same; what the call wrote there reads as untracked (nothing saw it).
       */
      unread?: string[];
      /**
       * Files the checkpoint found too large to snapshot -> their stamp (size, times, inode: never the bytes).
       * A before's and its after's differ when the call changed the file (core/ledger/agentRemovals.ts).
       */
      stamps?: Record<string, string>;
    }
  | { v: 1; id: string; at: number; kind: 'store'; path: string; content: string; labels: LabelRuns }
  /**
   * A commit was made that carried these agents' removals (newuser24 F1): prepared by prepare-commit-msg, moved
   * into the queue by post-commit (or post-merge) only when the commit it was computed for was made
   * (src/git/settledRemovals.ts). The fold takes them out of the context's removals and keeps them as settled by
   * `commit` (written by post-commit; attack31 F1), taking from the settled records of `from` what the hook counted
   * as standing again (agentRemovals.applySettlement).
   */
  | {
      v: 1;
      id: string;
      at: number;
      kind: 'settle';
      removals: AgentRemovals;
      from?: string[];
      commit?: string;
    };

export const queueEntrySchema: s.Shape<QueueEntry> = s.discriminated<QueueEntry>('kind', {
  observation: s.object<Extract<QueueEntry, { kind: 'observation' }>>({
    v: s.literal(1),
    id: s.string,
    at: s.number,
    kind: s.literal('observation'),
    observation: observationSchema,
    callId: s.optional(s.string),
    deleted: s.optional(s.array(s.string)),
    shell: s.optional(s.boolean),
    absent: s.optional(s.array(s.string)),
    unread: s.optional(s.array(s.string)),
    stamps: s.optional(s.record(s.string)),
  }),
  store: s.object<Extract<QueueEntry, { kind: 'store' }>>({
    v: s.literal(1),
    id: s.string,
    at: s.number,
    kind: s.literal('store'),
    path: s.string,
    content: s.string,
    labels: labelRunsSchema,
  }),
  settle: s.object<Extract<QueueEntry, { kind: 'settle' }>>({
    v: s.literal(1),
    id: s.string,
    at: s.number,
    kind: s.literal('settle'),
    removals: agentRemovalsSchema,
    from: s.optional(s.array(s.string)),
    commit: s.optional(s.string),
  }),
});

export type FileStateRecord = { v: 1; path: string; content: string; labels: LabelRuns; updatedAt: number };
export const fileStateSchema: s.Shape<FileStateRecord> = s.object<FileStateRecord>({
  v: s.literal(1),
  path: s.string,
  content: s.string,
  labels: labelRunsSchema,
  updatedAt: s.number,
});

type Snapshot = { content: string; labels: LabelRuns };
const snapshotSchema = s.object<Snapshot>({ content: s.string, labels: labelRunsSchema });

export type ToolCallRecord = {
  agent: string;
  model?: string;
  session?: string;
  callId?: string;
  startedAt: number;
  /** Each file's content and labels when the call began: its `after` is compared with these. */
  files: Record<string, Snapshot>;
  /** A shell call whose before snapshotted every file git listed as changed: any other file was as in HEAD. */
  shell?: boolean;
  /** Files git listed at the call's start that its snapshot lacks (its before's `absent`); undefined: not known. */
  absent?: string[];
  /** Stamps of the files its before found too large to snapshot (the before's `stamps`). */
  stamps?: Record<string, string>;
};
export const toolCallSchema: s.Shape<ToolCallRecord> = s.object<ToolCallRecord>({
  ...agentFields,
  callId: s.optional(s.string),
  startedAt: s.number,
  files: s.record(snapshotSchema),
  shell: s.optional(s.boolean),
  absent: s.optional(s.array(s.string)),
  stamps: s.optional(s.record(s.string)),
});

export type LedgerContext = {
  v: 1;
  calls: Record<string, ToolCallRecord>;
  terminals: Array<{ command: string; startedAt: number }>;
  clipboard?: { text: string; at: number };
  inlineAccepts: Record<string, { agent?: string; at: number }>;
  saving: Record<string, number>;
  /** What agents' tool calls removed that is still gone (core/ledger/agentRemovals.ts); absent in older ledgers. */
  removals?: AgentRemovals;
  /** Agents' removals settled by the commits that carried them, oldest first (agentRemovals.ts SettledRemovals). */
  settled?: SettledRemovals[];
};
export const contextSchema: s.Shape<LedgerContext> = s.object<LedgerContext>({
  v: s.literal(1),
  calls: s.record(toolCallSchema),
  terminals: s.array(s.object({ command: s.string, startedAt: s.number })),
  clipboard: s.optional(s.object({ text: s.string, at: s.number })),
  inlineAccepts: s.record(s.object<{ agent?: string; at: number }>({ agent: s.optional(s.string), at: s.number })),
  saving: s.record(s.number),
  removals: s.optional(agentRemovalsSchema),
  settled: s.optional(s.array(settledRemovalsSchema)),
});

export function emptyContext(): LedgerContext {
  return { v: 1, calls: {}, terminals: [], inlineAccepts: {}, saving: {} };
}

/** A fold's redo log: every file it writes (null = delete) and every queue entry it consumed. */
export type Journal = {
  v: 1;
  files: Record<string, FileStateRecord | null>;
  context: LedgerContext;
  consumed: string[];
};
export const journalSchema: s.Shape<Journal> = s.object<Journal>({
  v: s.literal(1),
  files: s.record(s.nullable(fileStateSchema)),
  context: contextSchema,
  consumed: s.array(s.string),
});
