import type { AuthorshipNote, AuthorshipNoteMeta } from '../authorshipNote';
import { sessionKey } from '../authorshipNote';
import { removedLineKey, type AgentRemovals, type RemovalRecord } from '../ledger/agentRemovals';
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
  for (const c of carriedRecords(removals, committed)) {
    const w = c.record;
    const agent = canonicalAgent(w.agent);
    const k = JSON.stringify([agent, w.model ?? '', w.session ?? '']);
    let d = byWriter.get(k);
    if (!d) {
      d = { agent, ...(w.model ? { model: w.model } : {}), ...(w.session ? { session: w.session } : {}), files: [] };
      byWriter.set(k, d);
    }
    d.files.push(c.file ? { path: c.path, lines: c.count, file: true } : { path: c.path, lines: c.count });
  }
  return [...byWriter.values()];
}

/**
 * The part of `removals` a commit carries (newuser24 F1): the records matchAgentDeletions credits, with the lines
 * it matched (a whole file: the record's file and every line it holds there), and the unread records of the
 * paths it changes (`changed`). Once the commit is made the ledger takes exactly this out (agentRemovals.ts
 * applySettlement), so the same record never credits a second commit: a merge of the branch that carried it, or
 * a human's own later deletion of what came back by git (a checkout, a revert) without the ledger seeing it.
 */
export function carriedRemovals(
  removals: AgentRemovals,
  committed: ReadonlyMap<string, CommitRemoval>,
  changed: Iterable<string>,
): AgentRemovals {
  const out: AgentRemovals = {};
  const take = (path: string, r: RemovalRecord, part: Partial<RemovalRecord>) => {
    const list = (out[path] ??= []);
    let rec = list.find((x) => x.agent === r.agent && x.model === r.model && x.session === r.session);
    if (!rec) {
      rec = { agent: r.agent, ...(r.model !== undefined ? { model: r.model } : {}), at: r.at };
      if (r.session !== undefined) rec.session = r.session;
      list.push(rec);
    }
    if (part.file) rec.file = true;
    if (part.unread) rec.unread = true;
    for (const [key, n] of Object.entries(part.lines ?? {})) (rec.lines ??= {})[key] = (rec.lines?.[key] ?? 0) + n;
  };
  for (const c of carriedRecords(removals, committed))
    take(
      c.path,
      c.record,
      c.file ? { file: true, lines: { ...c.record.lines } } : { lines: Object.fromEntries(c.lines) },
    );
  for (const path of new Set(changed))
    for (const r of removals[path] ?? []) if (r.unread) take(path, r, { unread: true });
  return out;
}

interface CarriedRecord {
  path: string;
  record: RemovalRecord;
  /** The record's removal of the whole file is what the commit carries. */
  file: boolean;
  /** Lines of the commit credited to the record (a whole file: all it removes). */
  count: number;
  /** Line key -> how many of the record's lines the commit removes (not for a whole file). */
  lines: Map<string, number>;
}

/** The one matching rule: per file, the newest removal first, each removed line once. */
function carriedRecords(removals: AgentRemovals, committed: ReadonlyMap<string, CommitRemoval>): CarriedRecord[] {
  const out: CarriedRecord[] = [];
  for (const [path, removed] of committed) {
    const records = removals[path];
    if (!records || records.length === 0 || removed.lines.length === 0) continue;
    // Newest first: the last call that removed a line is the one the commit carries.
    const newestFirst = [...records].sort((a, b) => b.at - a.at);
    const tombstone = removed.wholeFile ? newestFirst.find((r) => r.file) : undefined;
    if (tombstone) {
      out.push({ path, record: tombstone, file: true, count: removed.lines.length, lines: new Map() });
      continue;
    }
    const left = new Map<string, number>();
    for (const line of removed.lines) {
      const key = removedLineKey(line);
      if (key !== undefined) left.set(key, (left.get(key) ?? 0) + 1);
    }
    for (const r of newestFirst) {
      const lines = new Map<string, number>();
      let n = 0;
      for (const [key, count] of Object.entries(r.lines ?? {})) {
        const have = left.get(key) ?? 0;
        const take = Math.min(have, count);
        if (take > 0) {
          left.set(key, have - take);
          lines.set(key, take);
        }
        n += take;
      }
      if (n > 0) out.push({ path, record: r, file: false, count: n, lines });
    }
  }
  return out;
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
 * Deletions the notes of a commit's donors (the commit an amend replaces, a squash's or a cherry-pick's originals:
 * git/commitContext.ts) recorded that the new commit carries again: a whole file it deletes too, lines of a file
 * it removes lines from (at most as many), a too-large file it changes. The ledger settled them when the donor was
 * made (agentRemovals.applySettlement), so the note is where an amend or a squash of an agent's deletion finds
 * them; a merge has no donors, so merging the branch that carried them names no one again (newuser24 F1).
 * `credited`: what the ledger already gives this commit, left out here.
 */
export function donorDeletions(
  recorded: readonly RecordedDeletion[],
  committed: ReadonlyMap<string, CommitRemoval>,
  changed: ReadonlySet<string>,
  credited: readonly AgentDeletion[],
): AgentDeletion[] {
  const had = new Set(credited.flatMap((d) => d.files.map((f) => JSON.stringify([d.agent, f.path]))));
  const byWriter = new Map<string, AgentDeletion>();
  for (const r of recorded) {
    const k = JSON.stringify([r.agent, r.path]);
    if (had.has(k)) continue;
    const removed = committed.get(r.path);
    let file: DeletedFile | undefined;
    if (r.unread) file = changed.has(r.path) ? { path: r.path, lines: 0, unread: true } : undefined;
    else if (r.file) file = removed?.wholeFile ? { path: r.path, lines: removed.lines.length, file: true } : undefined;
    else if (removed && removed.lines.length > 0)
      file = { path: r.path, lines: Math.min(r.lines, removed.lines.length) };
    if (!file) continue;
    had.add(k);
    const w = JSON.stringify([r.agent, r.model ?? '']);
    const d = byWriter.get(w) ?? { agent: r.agent, ...(r.model ? { model: r.model } : {}), files: [] };
    byWriter.set(w, d);
    d.files.push(file);
  }
  return [...byWriter.values()];
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
