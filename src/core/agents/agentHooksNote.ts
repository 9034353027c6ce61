import type { AuthorshipNote, AuthorshipNoteMeta } from '../authorshipNote';
import { agentDisplayName } from './agentIdentity';
import type { AgentHookState, AgentHookStatus } from './hookHealth';

/**
 * Which agents' hooks were connected when a commit was made, kept in the note's JSON metadata under a key
 * of Countersign's own (`"countersign": {"agent_hooks": {"claude-code": "removed", …}}`). git-ai's readers
 * deserialize the metadata into a struct without `deny_unknown_fields`, so an extra key is ignored there and
 * the note stays an `authorship/3.0.0` note; Countersign's codec keeps unknown keys on read-modify-write.
 * Only agents that were connected at some point are listed: a repository that never used Kiro says nothing of it.
 */
export type RecordedHookStatus = Exclude<AgentHookStatus, 'notConnected'>;

export interface CountersignNoteMeta {
  agent_hooks?: Record<string, RecordedHookStatus>;
  [extra: string]: unknown;
}

const RECORDED: readonly RecordedHookStatus[] = ['connected', 'removed', 'altered', 'elsewhere', 'notInWorktree'];

export function withAgentHooks(note: AuthorshipNote, states: readonly AgentHookState[]): AuthorshipNote {
  const hooks: Record<string, RecordedHookStatus> = {};
  for (const s of states) if (s.status !== 'notConnected') hooks[s.canonical] = s.status;
  if (Object.keys(hooks).length === 0) return note;
  const previous = isObject(note.meta.countersign) ? note.meta.countersign : {};
  const meta: AuthorshipNoteMeta = { ...note.meta, countersign: { ...previous, agent_hooks: hooks } };
  return { ...note, meta };
}

export interface RecordedAgentHook {
  /** Canonical name. */
  agent: string;
  /** "Claude Code". */
  name: string;
  status: RecordedHookStatus;
}

/** What the note recorded about agents' hooks at commit time (empty for notes without it, e.g. git-ai's). */
export function agentHooksAtCommit(meta: AuthorshipNoteMeta): RecordedAgentHook[] {
  const cs = meta.countersign;
  if (!isObject(cs) || !isObject(cs.agent_hooks)) return [];
  const out: RecordedAgentHook[] = [];
  for (const [agent, status] of Object.entries(cs.agent_hooks)) {
    if (typeof status !== 'string' || !(RECORDED as readonly string[]).includes(status)) continue;
    out.push({ agent, name: agentDisplayName(agent), status: status as RecordedHookStatus });
  }
  return out;
}

/** "Claude Code was running without Countersign's hooks (they had been removed)". */
export function describeRecordedHook(h: RecordedAgentHook): string {
  if (h.status === 'connected') return `${h.name}: hooks connected`;
  // Neutral: nothing was removed; the hooks were connected in another worktree only (newuser20 F12). Its lines
  // in this commit may still be attributed, when something else recorded them (a checkpoint, VS Code).
  if (h.status === 'notInWorktree')
    return `${h.name}: hooks not connected in the worktree this commit was made in (only in another worktree): edits it made there were recorded only if something else saw them`;
  const why =
    h.status === 'removed'
      ? 'they had been removed'
      : h.status === 'elsewhere'
        ? 'they were pinned to another clone or machine'
        : 'they had been changed';
  return `${h.name} was running without Countersign's hooks (${why}): its edits in this commit count as untracked`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
