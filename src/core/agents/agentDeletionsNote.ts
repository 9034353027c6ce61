import type { AuthorshipNote, AuthorshipNoteMeta } from '../authorshipNote';
import { sessionKey } from '../authorshipNote';
import { removedLineKey, type AgentRemovals } from '../ledger/agentRemovals';
import { safeName, terminalSafe } from '../provenanceStrings';
import { formatAssistedBy } from '../trailers';
import { canonicalAgent } from './agentIdentity';

/**
 * Deletions an agent made that a commit carries (attack26 06: a change made only by deleting lines counts no AI
 * line, so without this it read as a human's). The rule: a line (or file) the commit removes is an agent's when
 * the working ledger recorded one of its tool calls removing a line of the same content from that file (compared
 * ignoring whitespace, as the engine compares) that has not come back since, or removing that very file. So a
 * human's deletion after an agent's call never matches, nor does an agent's deletion a human restored.
 *
 * Such an agent gets an `Assisted-by` like an agent that wrote lines (AI-Provenance still counts added lines
 * only), and the note's JSON metadata records what it deleted under Countersign's own key, beside `agent_hooks`
 * (agentHooksNote.ts): `"countersign": {"deleted": {"s_…": {"agent", "model"?, "files": {PATH: {"lines", "file"?}}}}}`,
 * keyed like the note's sessions. git-ai's readers ignore the key.
 */
export interface CommitRemoval {
  /** The text of every line the commit removes from the file. */
  lines: string[];
  /** The commit deletes the file. */
  wholeFile: boolean;
}

export interface DeletedFile {
  path: string;
  lines: number;
  /** The agent deleted the whole file. */
  file?: true;
  /** The agent's call changed the file where no snapshot could read it (over the size bound): `lines` is 0. */
  unread?: true;
}

export interface AgentDeletion {
  agent: string;
  model?: string;
  session?: string;
  files: DeletedFile[];
}

/** Which agents removed what the commit removes (`committed`: path -> what the commit removes there). */
export function matchAgentDeletions(
  removals: AgentRemovals,
  committed: ReadonlyMap<string, CommitRemoval>,
): AgentDeletion[] {
  const byWriter = new Map<string, AgentDeletion>();
  const credit = (w: { agent: string; model?: string; session?: string }, file: DeletedFile) => {
    const agent = canonicalAgent(w.agent);
    const k = JSON.stringify([agent, w.model ?? '', w.session ?? '']);
    let d = byWriter.get(k);
    if (!d) {
      d = { agent, ...(w.model ? { model: w.model } : {}), ...(w.session ? { session: w.session } : {}), files: [] };
      byWriter.set(k, d);
    }
    d.files.push(file);
  };
  for (const [path, removed] of committed) {
    const records = removals[path];
    if (!records || records.length === 0 || removed.lines.length === 0) continue;
    // Newest first: the last call that removed a line is the one the commit carries.
    const newestFirst = [...records].sort((a, b) => b.at - a.at);
    const tombstone = removed.wholeFile ? newestFirst.find((r) => r.file) : undefined;
    if (tombstone) {
      credit(tombstone, { path, lines: removed.lines.length, file: true });
      continue;
    }
    const left = new Map<string, number>();
    for (const line of removed.lines) {
      const key = removedLineKey(line);
      if (key !== undefined) left.set(key, (left.get(key) ?? 0) + 1);
    }
    for (const r of newestFirst) {
      let n = 0;
      for (const [key, count] of Object.entries(r.lines ?? {})) {
        const have = left.get(key) ?? 0;
        const take = Math.min(have, count);
        if (take > 0) left.set(key, have - take);
        n += take;
      }
      if (n > 0) credit(r, { path, lines: n });
    }
  }
  return [...byWriter.values()];
}

/**
 * The agents whose tool call changed one of `changed` (the paths the commit changes) where no snapshot could read
 * it (core/ledger/agentRemovals.ts changedUnread: over the size bound). Which lines they wrote is not known, so
 * none is counted as theirs, but they assisted the commit: its `Assisted-by` names them, so the gate requires
 * review as for any AI-assisted commit (newuser22 F-nul), as for an agent's deletion.
 */
export function unreadWriters(removals: AgentRemovals, changed: Iterable<string>): AgentDeletion[] {
  const out: AgentDeletion[] = [];
  for (const path of new Set(changed))
    for (const r of removals[path] ?? [])
      if (r.unread)
        out.push({
          agent: canonicalAgent(r.agent),
          ...(r.model ? { model: r.model } : {}),
          files: [{ path, lines: 0, unread: true }],
        });
  return out;
}

/** `Assisted-by` values for the deleting agents, one per agent/model. */
export function deletionAssistedBy(deletions: readonly AgentDeletion[]): string[] {
  return [...new Set(deletions.map((d) => formatAssistedBy(d.agent, d.model)))];
}

interface DeletedEntry {
  agent: string;
  model?: string;
  files: Record<string, { lines: number; file?: true; unread?: true }>;
}

/** The note with `deletions` recorded in its metadata (unchanged when there are none). */
export function withAgentDeletions(note: AuthorshipNote, deletions: readonly AgentDeletion[]): AuthorshipNote {
  if (deletions.length === 0) return note;
  const deleted: Record<string, DeletedEntry> = {};
  for (const d of deletions) {
    // The note's own session key for this agent's conversation; a second model of it gets its own, as there.
    let key = sessionKey(d.agent, d.session ?? 'unspecified');
    if (deleted[key] && deleted[key].model !== d.model)
      key = sessionKey(d.agent, `${d.session ?? 'unspecified'}#${d.model ?? 'unknown'}`);
    const entry = (deleted[key] ??= { agent: d.agent, ...(d.model ? { model: d.model } : {}), files: {} });
    for (const f of d.files) {
      const had = entry.files[f.path];
      entry.files[f.path] = {
        lines: (had?.lines ?? 0) + f.lines,
        ...(f.file || had?.file ? { file: true } : {}),
        ...(f.unread || had?.unread ? { unread: true } : {}),
      };
    }
  }
  const previous = isObject(note.meta.countersign) ? note.meta.countersign : {};
  const meta: AuthorshipNoteMeta = { ...note.meta, countersign: { ...previous, deleted } };
  return { ...note, meta };
}

export interface RecordedDeletion {
  agent: string;
  model?: string;
  path: string;
  lines: number;
  file: boolean;
  /** The agent changed the file where Countersign could not read it (DeletedFile.unread); absent otherwise. */
  unread?: true;
}

/** What the note recorded as agents' deletions (empty for notes without it); anyone's text, so read defensively. */
export function agentDeletionsAtCommit(meta: AuthorshipNoteMeta): RecordedDeletion[] {
  const cs = meta.countersign;
  if (!isObject(cs) || !isObject(cs.deleted)) return [];
  const out: RecordedDeletion[] = [];
  for (const entry of Object.values(cs.deleted)) {
    if (!isObject(entry) || !isObject(entry.files)) continue;
    const agent = canonicalAgent(safeName(entry.agent));
    const model = safeName(entry.model);
    for (const [path, f] of Object.entries(entry.files)) {
      if (!isObject(f) || typeof f.lines !== 'number' || !Number.isSafeInteger(f.lines) || f.lines < 0) continue;
      out.push({
        agent,
        ...(model ? { model } : {}),
        path,
        lines: f.lines,
        file: f.file === true,
        ...(f.unread === true ? { unread: true as const } : {}),
      });
    }
  }
  return out;
}

/**
 * "claude-code deleted 1 line in src/refund.py (no line it wrote remains)"; `wroteLines`: whether the commit has
 * lines of that agent (then it is a change the agent also wrote, and that clause is left out).
 */
export function describeDeletion(d: RecordedDeletion, wroteLines: boolean): string {
  const n = `${d.lines} line${d.lines === 1 ? '' : 's'}`;
  const none = wroteLines ? '' : 'no line it wrote remains';
  const path = terminalSafe(d.path);
  if (d.unread && d.lines === 0 && !d.file)
    return `${d.agent} changed ${path}, a file too large for Countersign to read, so which lines it wrote is not known`;
  return d.file
    ? `${d.agent} deleted ${path} (${n}${none ? `; ${none}` : ''})`
    : `${d.agent} deleted ${n} in ${path}${none ? ` (${none})` : ''}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
