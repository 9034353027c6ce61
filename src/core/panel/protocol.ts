import * as z from 'zod/mini';
import '../zodMessages';

/**
 * The review panel's message protocol: every message between the extension and the webview
 * is one of these discriminated unions, declared once and validated with zod on both sides. The webview's
 * script (media/src/reviewPanel.ts) and the extension's provider import this module; it imports no vscode,
 * so it also bundles into the browser script. A message that does not parse is logged and ignored.
 */

const count = z.int().check(z.nonnegative());
const sha = z.string().check(z.regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, 'a full commit id'));

export const agentShareSchema = z.object({
  agent: z.string(),
  model: z.optional(z.string()),
  /** AI lines attested to this agent/model by the note; undefined when only a trailer names it. */
  lines: z.optional(count),
});
export type AgentShare = z.infer<typeof agentShareSchema>;

export const fileCardSchema = z.object({
  path: z.string(),
  status: z.string(),
  added: z.nullable(count),
  deleted: z.nullable(count),
  aiLines: count,
  infrastructure: z.boolean(),
});
export type FileCard = z.infer<typeof fileCardSchema>;

export const approvalCardSchema = z.object({
  name: z.string(),
  email: z.string(),
  time: z.string(),
  via: z.string(),
});

export const commitCardSchema = z.object({
  sha,
  subject: z.string(),
  author: z.object({ name: z.string(), email: z.string() }),
  /** The base an approval of this commit is recorded against (the gate's review base). */
  base: z.string(),
  agents: z.array(agentShareSchema),
  /** AI-written added lines (note or AI-Provenance trailer, the larger); null when nothing says. */
  aiLines: z.nullable(count),
  addedLines: count,
  deletedLines: count,
  deletedFiles: count,
  infrastructurePaths: z.array(z.string()),
  tiers: z.array(z.string()),
  attested: z.boolean(),
  files: z.array(fileCardSchema),
  reasons: z.array(z.string()),
  approvals: z.array(approvalCardSchema),
  needsReview: z.boolean(),
  ok: z.boolean(),
  /** Why the person using this editor may not approve it (own commit, not a reviewer…); undefined: may. */
  cannotApprove: z.optional(z.string()),
  /**
   * The commits an approval of this one covers (base..sha, newest first), as `countersign approve` lists
   * them before signing: approving a commit approves everything since the base.
   */
  covers: z._default(z.array(z.object({ sha, subject: z.string(), aiLines: z.nullable(count) })), []),
});
export type CommitCard = z.infer<typeof commitCardSchema>;

export const reviewBranchSchema = z.object({
  remote: z.string(),
  branch: z.string(),
  target: z.string(),
  head: sha,
  commits: z.array(commitCardSchema),
  /** Commits of the branch that need nothing (or are approved already): counted, not listed. */
  settled: count,
  errors: z.array(z.string()),
  /**
   * One approval of the branch's head covering every awaiting commit (base..head), when more than the head
   * awaits: the one decision `verify` and `approve REMOTE/BRANCH` describe, where the cards' commands are
   * the alternative (newuser15 #5). `covers`: the commits base..head; `cannotApprove` as a card's.
   */
  /** Someone's standing request for changes holds an awaiting commit (its readers say core/changesRequested.ts once). */
  heldByChangesRequest: z.optional(z.boolean()),
  approveTip: z.optional(z.object({ sha, base: z.string(), covers: count, cannotApprove: z.optional(z.string()) })),
});
export type ReviewBranch = z.infer<typeof reviewBranchSchema>;

export const developerViewSchema = z.object({
  branch: z.nullable(z.string()),
  /** `origin/main`: the protected branch the current branch is judged against. */
  target: z.nullable(z.string()),
  protected: z.boolean(),
  ok: z.boolean(),
  /** One line, the same as the status bar's, and its tone (core/panel/gateStatus.ts). */
  summary: z.string(),
  tone: z.enum(['blocked', 'approved', 'clear', 'unprotected', 'error', 'unknown']),
  blocked: z.array(z.object({ sha, subject: z.string(), reasons: z.array(z.string()) })),
  approvedBy: z.array(z.string()),
  errors: z.array(z.string()),
  notices: z.array(z.string()),
  approveCommand: z.optional(z.string()),
});
export type DeveloperView = z.infer<typeof developerViewSchema>;

export const repoStateSchema = z.enum(['ok', 'noPolicy', 'policyError', 'noRemote', 'error']);

export const repoViewSchema = z.object({
  root: z.string(),
  name: z.string(),
  state: repoStateSchema,
  /** What to do next, for the states other than `ok`. */
  message: z.optional(z.string()),
  me: z.object({
    email: z.optional(z.string()),
    reviewer: z.optional(z.string()),
    signingKey: z.optional(z.string()),
  }),
  developer: z.optional(developerViewSchema),
  review: z.array(reviewBranchSchema),
  notices: z.array(z.string()),
  /** Another tool (husky, lefthook, pre-commit) switched Countersign's hooks off: what happened and the fix. */
  hooksWarning: z.optional(z.string()),
});
export type RepoView = z.infer<typeof repoViewSchema>;

export const panelModelSchema = z.object({
  /** Why there is nothing to show at all; undefined when `repos` has something. */
  empty: z.optional(z.enum(['noFolder', 'notGit', 'untrusted', 'loading'])),
  repos: z.array(repoViewSchema),
  updated: z.string(),
});
export type PanelModel = z.infer<typeof panelModelSchema>;

/** Commands the panel's empty states and links may run; each maps to one contributed command. */
export const panelCommandSchema = z.enum([
  'createPolicy',
  'editPolicy',
  'setSigningKey',
  'installHooks',
  'manageTrust',
  'showLog',
  'openReport',
]);
export type PanelCommand = z.infer<typeof panelCommandSchema>;

const repo = z.string().check(z.minLength(1));

/** Webview -> extension. */
export const webviewMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('refresh'), fetch: z.boolean() }),
  z.object({ type: z.literal('openDiff'), repo, sha, path: z.optional(z.string()) }),
  z.object({ type: z.literal('approve'), repo, sha, base: sha }),
  z.object({
    type: z.literal('requestChanges'),
    repo,
    sha,
    base: sha,
    comment: z.string().check(z.trim(), z.minLength(1, 'say what must change'), z.maxLength(4000)),
  }),
  z.object({ type: z.literal('explain'), repo, sha }),
  z.object({ type: z.literal('requestReview'), repo }),
  /** Copies the developer view's approve command of that repository (the host copies its own text, not the page's). */
  z.object({ type: z.literal('copyApproveCommand'), repo }),
  z.object({ type: z.literal('command'), command: panelCommandSchema, repo: z.optional(z.string()) }),
]);
export type WebviewMessage = z.infer<typeof webviewMessageSchema>;

/** Extension -> webview. */
export const hostMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('state'), model: panelModelSchema }),
  /** An action is running (`key` names it, e.g. `approve:<sha>`), or none (null). */
  z.object({ type: z.literal('busy'), key: z.nullable(z.string()), label: z.optional(z.string()) }),
  z.object({ type: z.literal('notice'), level: z.enum(['info', 'error']), text: z.string() }),
]);
export type HostMessage = z.infer<typeof hostMessageSchema>;

export type Parsed<T> = { ok: true; message: T } | { ok: false; error: string };

function parseWith<T>(schema: z.ZodMiniType<T>, raw: unknown, side: string): Parsed<T> {
  const r = schema.safeParse(raw);
  if (r.success) return { ok: true, message: r.data };
  const type =
    raw !== null && typeof raw === 'object' && 'type' in raw ? String((raw as { type: unknown }).type) : typeof raw;
  const issues = r.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`)
    .join('; ');
  return { ok: false, error: `invalid ${side} message (${type}): ${issues}` };
}

export function parseWebviewMessage(raw: unknown): Parsed<WebviewMessage> {
  return parseWith(webviewMessageSchema, raw, 'webview');
}

export function parseHostMessage(raw: unknown): Parsed<HostMessage> {
  return parseWith(hostMessageSchema, raw, 'extension');
}

/** The key of the busy state an action sets, shared so both sides agree on which button spins. */
export function actionKey(
  kind: 'approve' | 'requestChanges' | 'openDiff' | 'requestReview' | 'refresh',
  id = '',
): string {
  return id ? `${kind}:${id}` : kind;
}
