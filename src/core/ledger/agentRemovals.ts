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
 * the commit, once made, settles what it carried (settleRemovals): no later commit is credited with it again.
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
 * A commit was made that carried `carried` (core/agents/agentDeletionsNote.ts carriedRemovals): it is taken out of
 * `removals`, each writer's lines by count, its whole file and its unread change. A removal is credited to the
 * one commit that carries it; what the agent removed after that commit was prepared stays.
 */
export function settleRemovals(removals: AgentRemovals, carried: AgentRemovals): void {
  for (const [path, settled] of Object.entries(carried)) {
    const list = removals[path];
    if (!list) continue;
    for (const s of settled) {
      const r = list.find((x) => x.agent === s.agent && x.model === s.model && x.session === s.session);
      if (!r) continue;
      if (s.file) delete r.file;
      if (s.unread) delete r.unread;
      for (const [key, n] of Object.entries(s.lines ?? {})) {
        const have = r.lines?.[key];
        if (!r.lines || have === undefined) continue;
        if (have <= n) delete r.lines[key];
        else r.lines[key] = have - n;
      }
    }
    keepStanding(removals, path, list);
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
