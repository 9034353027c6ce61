import { createHash } from 'crypto';
import { diffLines } from '../attribution/lineDiff';
import { splitLines, withoutWhitespace } from '../attribution/lines';
import * as s from '../shape';

/**
 * What agents' tool calls removed from the working tree, kept in the ledger's context until a commit can use it
 * (attack26 06: a change made purely by deleting lines carries no AI line, so labels alone cannot say an agent
 * made it). Per file, per writer (agent, model, session): how many lines of each content it removed, compared
 * as the engine compares whole contents (ignoring whitespace; blank lines carry nothing and are not kept), and
 * whether it removed the whole file. Lines are kept as short hashes: the context is rewritten on every fold.
 *
 * A removal stands only while its lines stay gone: any later content of the file the ledger sees (an editor
 * save, a disk write, the next tool call's before snapshot) that brings a line back takes that line out, and a
 * file that exists again is no longer "removed". The commit hook then credits an agent only with lines (and
 * files) the commit itself removes (core/agents/agentDeletionsNote.ts), so a human's deletion never matches, and
 * the commit, once made, settles what it carried (applySettlement): no later commit whose history holds that
 * commit is credited with it again.
 */
export interface RemovalWriter {
  agent: string;
  model?: string;
  session?: string;
}

export type RemovalRecord = RemovalWriter & {
  /** When the removal was recorded (the newest removal of a line is matched first). */
  at: number;
  /** Line key (removedLineKey) -> how many such lines the writer removed. */
  lines?: Record<string, number>;
  /** The writer deleted the whole file. */
  file?: boolean;
  /**
   * The writer's call changed the file where no snapshot could read it (over the size bound: changedUnread), so
   * which lines it wrote is not known: any commit that changes the file was assisted by it.
   */
  unread?: boolean;
};

/** Path -> removals, newest last. */
export type AgentRemovals = Record<string, RemovalRecord[]>;

export const agentRemovalsSchema: s.Shape<AgentRemovals> = s.record(
  s.array(
    s.object<RemovalRecord>({
      agent: s.string,
      model: s.optional(s.string),
      session: s.optional(s.string),
      at: s.number,
      lines: s.optional(s.record(s.integer(1))),
      file: s.optional(s.boolean),
      unread: s.optional(s.boolean),
    }),
  ),
);

/** Bounds on what the context keeps: distinct lines per record, files with removals (the oldest go first). */
export const REMOVAL_LIMITS = { linesPerRecord: 20_000, files: 2_000 };

/** A line's key: its text without whitespace, hashed; undefined for a blank line. */
export function removedLineKey(line: string): string | undefined {
  const text = withoutWhitespace(line);
  return text === '' ? undefined : createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** Keys of the non-blank lines of `from` that `to` no longer has (the deletions of a whitespace-blind diff). */
export function removedLines(from: string, to: string): Map<string, number> {
  return changedLines(from, to, 'delete');
}

function changedLines(from: string, to: string, kind: 'delete' | 'insert'): Map<string, number> {
  const out = new Map<string, number>();
  const a = splitLines(from);
  const b = splitLines(to);
  for (const h of diffLines(a, b, { ignoreWhitespace: true })) {
    if (h.kind !== kind) continue;
    const lines =
      kind === 'delete' ? a.slice(h.oldStart, h.oldStart + h.count) : b.slice(h.newStart, h.newStart + h.count);
    for (const line of lines) {
      const key = removedLineKey(line);
      if (key !== undefined) out.set(key, (out.get(key) ?? 0) + 1);
    }
  }
  return out;
}

/** Adds `writer`'s removal from `path` (lines, or the whole file) to `removals`. */
export function noteRemoval(
  removals: AgentRemovals,
  path: string,
  writer: RemovalWriter,
  at: number,
  removed: { lines?: ReadonlyMap<string, number>; file?: boolean; unread?: boolean },
): void {
  if (!removed.file && !removed.unread && (removed.lines?.size ?? 0) === 0) return;
  const list = (removals[path] ??= []);
  let rec = list.find((r) => r.agent === writer.agent && r.model === writer.model && r.session === writer.session);
  if (rec) list.splice(list.indexOf(rec), 1);
  else
    rec = {
      agent: writer.agent,
      ...(writer.model !== undefined ? { model: writer.model } : {}),
      ...(writer.session !== undefined ? { session: writer.session } : {}),
      at,
    };
  rec.at = Math.max(rec.at, at);
  list.push(rec); // newest last
  if (removed.file) rec.file = true;
  if (removed.unread) rec.unread = true;
  if (removed.lines && removed.lines.size > 0) {
    const lines = (rec.lines ??= {});
    let distinct = Object.keys(lines).length;
    for (const [key, n] of removed.lines) {
      if (lines[key] === undefined) {
        if (distinct >= REMOVAL_LIMITS.linesPerRecord) continue;
        distinct++;
      }
      lines[key] = (lines[key] ?? 0) + n;
    }
  }
  const paths = Object.keys(removals);
  if (paths.length > REMOVAL_LIMITS.files) {
    const newest = (p: string) => Math.max(...(removals[p] ?? []).map((r) => r.at));
    const oldest = paths.sort((x, y) => newest(x) - newest(y)).slice(0, paths.length - REMOVAL_LIMITS.files);
    for (const p of oldest) delete removals[p];
  }
}

/**
 * `path` changed from `from` (undefined: it did not exist) to `to`: lines it brings back are no longer removed,
 * newest removal first, and the file exists again.
 */
export function noteRestored(removals: AgentRemovals, path: string, from: string | undefined, to: string): void {
  const list = removals[path];
  if (!list) return;
  for (const r of list) delete r.file;
  const back = changedLines(from ?? '', to, 'insert');
  for (const [key, count] of back) {
    let n = count;
    for (let i = list.length - 1; i >= 0 && n > 0; i--) {
      const lines = list[i].lines;
      const have = lines?.[key];
      if (!lines || have === undefined) continue;
      const take = Math.min(have, n);
      n -= take;
      if (have === take) delete lines[key];
      else lines[key] = have - take;
    }
  }
  keepStanding(removals, path, list);
}

/** Drops `path`'s records that no longer hold anything, and the path when none is left. */
function keepStanding(removals: AgentRemovals, path: string, list: RemovalRecord[]): void {
  const left = list.filter((r) => r.file || r.unread || Object.keys(r.lines ?? {}).length > 0);
  if (left.length > 0) removals[path] = left;
  else delete removals[path];
}

/**
 * Takes what a made commit carried (`left`) out of `removals`, and what it finds out of `left` too: `left` keeps what
 * `removals` did not hold. For lines, the counts carried; for a whole file or an unread one, the flag: what the
 * agent removed after that commit was prepared stays.
 */
function takeOut(removals: AgentRemovals, left: AgentRemovals): void {
  for (const [path, settled] of Object.entries(left)) {
    const list = removals[path];
    if (!list) continue;
    for (const s of settled) {
      const r = list.find((x) => x.agent === s.agent && x.model === s.model && x.session === s.session);
      if (!r) continue;
      if (s.file && r.file) {
        delete r.file;
        delete s.file;
      }
      if (s.unread && r.unread) {
        delete r.unread;
        delete s.unread;
      }
      const want = s.lines ?? {};
      for (const [key, n] of Object.entries(want)) {
        const have = r.lines?.[key];
        if (!r.lines || have === undefined) continue;
        const take = Math.min(have, n);
        if (have === take) delete r.lines[key];
        else r.lines[key] = have - take;
        if (n === take) delete want[key];
        else want[key] = n - take;
      }
    }
    keepStanding(removals, path, list);
    keepStanding(left, path, settled);
  }
}

/**
 * What a made commit carried of agents' removals, kept with the commit (attack31 F1): it counts as settled only
 * while that commit is in the history of the commit being made (src/git/settledRemovals.ts undoneSettlements).
 * Undone (`git reset --soft HEAD~1`, VS Code's "Undo Last Commit"), the removal is the agent's again.
 */
export interface SettledRemovals {
  commit: string;
  at: number;
  removals: AgentRemovals;
}

export const settledRemovalsSchema: s.Shape<SettledRemovals> = s.object<SettledRemovals>({
  commit: s.string,
  at: s.number,
  removals: agentRemovalsSchema,
});

/**
 * Bounds on the settled records kept: the newest 200, none older than 30 days. Past them a settlement is for
 * good, as before attack31 F1: undoing a commit that old (or 200 agents' deletion commits ago) re-makes it unnamed.
 */
export const SETTLED_LIMITS = { records: 200, ageMs: 30 * 24 * 3600_000 };

/** The context's parts a settlement changes (LedgerContext's). */
export interface RemovalContext {
  removals?: AgentRemovals;
  settled?: SettledRemovals[];
}

/**
 * A settle entry: `carried` is taken out of the standing removals, and what they did not hold out of the settled
 * records of `from` (commits the hook found out of history, whose removals it counted as standing again); then
 * `carried` is kept as settled by `commit` (an entry without one, from an older version, settles for good).
 */
export function applySettlement(
  ctx: RemovalContext,
  entry: { at: number; removals: AgentRemovals; commit?: string; from?: string[] },
): void {
  const left = structuredClone(entry.removals);
  if (ctx.removals) takeOut(ctx.removals, left);
  const from = new Set(entry.from ?? []);
  const settled = ctx.settled ?? [];
  for (let i = settled.length - 1; i >= 0 && Object.keys(left).length > 0; i--)
    if (from.has(settled[i].commit)) takeOut(settled[i].removals, left);
  if (entry.commit) settled.push({ commit: entry.commit, at: entry.at, removals: entry.removals });
  ctx.settled = pruneSettled(settled, entry.at);
  if (ctx.settled.length === 0) delete ctx.settled;
}

/** The settled records within SETTLED_LIMITS at `now` that still hold a removal. */
export function pruneSettled(settled: SettledRemovals[], now: number): SettledRemovals[] {
  return settled
    .filter((r) => now - r.at <= SETTLED_LIMITS.ageMs && Object.keys(r.removals).length > 0)
    .slice(-SETTLED_LIMITS.records);
}

/** noteRestored for the standing removals and every settled record: a line back in the file is not removed. */
export function noteRestoredAll(ctx: RemovalContext, path: string, from: string | undefined, to: string): void {
  if (ctx.removals?.[path]) noteRestored(ctx.removals, path, from, to);
  for (const r of ctx.settled ?? []) if (r.removals[path]) noteRestored(r.removals, path, from, to);
}

/** Adds `more`'s records to `into`, writer by writer (line counts summed, flags kept): the hook's view. */
export function addRemovals(into: AgentRemovals, more: AgentRemovals): void {
  for (const [path, recs] of Object.entries(more))
    for (const m of recs) {
      const list = (into[path] ??= []);
      let r = list.find((x) => x.agent === m.agent && x.model === m.model && x.session === m.session);
      if (!r) list.push((r = { ...m, lines: undefined }));
      r.at = Math.max(r.at, m.at);
      if (m.file) r.file = true;
      if (m.unread) r.unread = true;
      for (const [key, n] of Object.entries(m.lines ?? {})) (r.lines ??= {})[key] = (r.lines[key] ?? 0) + n;
      if (r.lines === undefined) delete r.lines;
      list.sort((x, y) => x.at - y.at); // newest last
    }
}

/** What the ledger holds about a call's start for a file its after could not snapshot (ToolCallRecord's fields). */
interface CallStart {
  shell?: boolean;
  absent?: string[];
  stamps?: Record<string, string>;
}

/**
 * Whether an agent's call changed `path`, a file its after found too large to snapshot (newuser22 F-nul: an agent's
 * shell `sed -i` of a 6.7 MB bundle read as a human's untracked lines and landed unreviewed). `snapshotted`: its
 * before read the file, so it was within the bound then and is not now; `stamp`: the after's
 * (git/workingFiles.ts fileStamp, undefined when not a regular file). Otherwise the before's stamp of it says,
 * and with none, a shell call's before listed every changed file: one it neither read nor listed was HEAD's, and
 * git listing it now means the call changed it. The rule mirrors a deleted file's (fold.ts): nothing that did not
 * change during the call is credited.
 */
export function changedUnread(
  call: CallStart | undefined,
  snapshotted: boolean,
  path: string,
  stamp?: string,
): boolean {
  if (stamp === undefined) return false;
  if (snapshotted) return true;
  const before = call?.stamps?.[path];
  if (before !== undefined) return before !== stamp;
  return call?.shell === true && call.absent !== undefined && !call.absent.includes(path);
}
