/**
 * Line labels: what the attribution engine says about each line (docs/design.md, "Attribution").
 * Every consumer — gutter marks, trailers, notes, `status`, `replay` — speaks in these, and the compact
 * key form (`ai:<agent>`, `human`, `untracked`) is the contract `countersign replay --json` prints.
 */
export type AiLabel = {
  kind: 'ai';
  agent: string;
  model?: string;
  session?: string;
  /** Set when the engine guessed (an unexplained multi-line insertion): the line is AI, agent `unknown`. */
  confidence?: 'low';
  /** When the writing happened (ms since epoch), only when the engine was given a clock. */
  at?: number;
};

export type HumanLabel = {
  kind: 'human';
  author?: string;
  /** The line still carries characters an AI wrote: statistics count it as "AI, modified". */
  wasAi?: { agent: string; model?: string; session?: string };
};

/**
 * Nobody known wrote the line. `why: 'unobserved'`: it changed while Countersign watched the file but saw no
 * writer — typed outside VS Code, or written by a tool without hooks (a disk write with no agent active, a
 * change found when nothing watched). Absent: never seen being written — content that predates observation.
 * Both count as `untracked` everywhere counts are kept; the difference is for people ("why is this untracked?").
 */
export type UntrackedLabel = { kind: 'untracked'; why?: 'unobserved' };

/**
 * Why untracked lines are untracked, in the words `status` and the status bar use. Neither claims more than is
 * known (newuser15 #6): lines an agent wrote and git brought back (a switch, a merge, a pull) change with no
 * writer in sight too, and a file a shell created after install was never seen being written either.
 */
export const UNOBSERVED_REASON =
  'changed with no writer Countersign saw (typed outside VS Code, a tool or agent without hooks, or git itself: checkout, merge, pull)';
export const NEVER_SEEN_REASON =
  'never seen being written (from before Countersign watched the file, or created by a shell or tool it does not see)';

export type LineLabel = AiLabel | HumanLabel | UntrackedLabel;

export const HUMAN: HumanLabel = Object.freeze({ kind: 'human' }) as HumanLabel;
export const UNTRACKED: UntrackedLabel = Object.freeze({ kind: 'untracked' }) as UntrackedLabel;
export const UNOBSERVED: UntrackedLabel = Object.freeze({ kind: 'untracked', why: 'unobserved' }) as UntrackedLabel;

export function aiLabel(
  agent: string,
  extra: { model?: string; session?: string; confidence?: 'low'; at?: number } = {},
): AiLabel {
  const label: AiLabel = { kind: 'ai', agent };
  if (extra.model !== undefined) label.model = extra.model;
  if (extra.session !== undefined) label.session = extra.session;
  if (extra.confidence !== undefined) label.confidence = extra.confidence;
  if (extra.at !== undefined) label.at = extra.at;
  return label;
}

/** The compact form `countersign replay --json` prints: `ai:<agent>`, `human` or `untracked`. */
export function labelKey(label: LineLabel): string {
  switch (label.kind) {
    case 'ai':
      return `ai:${label.agent}`;
    case 'human':
      return 'human';
    case 'untracked':
      return 'untracked';
  }
}

/** Alias of {@link labelKey}, for readers who think of it as formatting. */
export const formatLabel = labelKey;

/** Inverse of {@link labelKey}; returns undefined for anything else so callers can report the bad value. */
export function parseLabelKey(key: string): LineLabel | undefined {
  if (key === 'human') return HUMAN;
  if (key === 'untracked') return UNTRACKED;
  if (key.startsWith('ai:') && key.length > 3) return aiLabel(key.slice(3));
  return undefined;
}

/**
 * A stable identity for a label including every field, so equal labels intern to one writer and tests can
 * compare labels without caring about object identity or property order.
 */
export function labelIdentity(label: LineLabel): string {
  switch (label.kind) {
    case 'ai':
      return JSON.stringify([
        'ai',
        label.agent,
        label.model ?? null,
        label.session ?? null,
        label.confidence ?? null,
        label.at ?? null,
      ]);
    case 'human':
      return JSON.stringify([
        'human',
        label.author ?? null,
        label.wasAi ? [label.wasAi.agent, label.wasAi.model ?? null, label.wasAi.session ?? null] : null,
      ]);
    case 'untracked':
      return label.why ? `["untracked","${label.why}"]` : '["untracked"]';
  }
}

export function labelsEqual(a: LineLabel, b: LineLabel): boolean {
  return a === b || labelIdentity(a) === labelIdentity(b);
}

/** Per-file statistics. `human` counts every human line, including the `aiModified` ones (a subset). */
export interface FileStats {
  ai: number;
  aiModified: number;
  human: number;
  untracked: number;
  /** Agents that wrote the file's current AI lines, sorted. */
  agents: string[];
}
