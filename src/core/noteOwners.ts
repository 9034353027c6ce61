import {
  canonicalAgentFromTool,
  keyKind,
  resolveKey,
  type AuthorshipNote,
  type AuthorshipNoteMeta,
  type NoteEntry,
  type NoteFile,
} from './authorshipNote';
import { clampRanges, normalizeRanges, type LineRange } from './lineRanges';

/**
 * Who owns each line of a note's files: the runs of lines per attestation key, resolved the way git-ai's blame
 * resolves them (a later entry wins an overlap), and the queries built on them (AI lines per file and per
 * agent, two notes on one commit merged).
 */

/** A run of consecutive lines of one file and the attestation key that owns them. */
export interface OwnerRun {
  start: number;
  end: number;
  key: string;
}

/**
 * Disjoint, sorted runs of lines with the key that wins them, from `entries` in order: where entries
 * overlap the later one wins, as in git-ai's blame (it scans entries in reverse). One sweep over the range
 * boundaries with a heap of the open entries: O(n log n) in the number of ranges, whatever lines they span.
 * With `lineCount`, lines past the end of the file are dropped (a note cannot claim lines a file lacks).
 */
export function ownerRunsOf(entries: readonly NoteEntry[], lineCount?: number): OwnerRun[] {
  const spans: Array<{ start: number; end: number; rank: number }> = [];
  entries.forEach((e, rank) => {
    for (const [a, b] of lineCount === undefined ? e.ranges : clampRanges(e.ranges, lineCount)) {
      spans.push({ start: Math.min(a, b), end: Math.max(a, b), rank });
    }
  });
  if (spans.length === 0) return [];
  spans.sort((x, y) => x.start - y.start);
  // The usual note — git-ai's writer and Countersign's both give each line one key — has no two ranges that
  // overlap: each range is then its own run, and no sweep is needed.
  let disjoint = true;
  for (let i = 1; i < spans.length && disjoint; i++) disjoint = spans[i].start > spans[i - 1].end;
  if (disjoint) {
    const runs: OwnerRun[] = [];
    for (const sp of spans) {
      const key = entries[sp.rank].key;
      const last = runs[runs.length - 1];
      if (last && last.key === key && last.end + 1 === sp.start) last.end = sp.end;
      else runs.push({ start: sp.start, end: sp.end, key });
    }
    return runs;
  }
  const cuts = [...new Set(spans.flatMap((s) => [s.start, s.end + 1]))].sort((x, y) => x - y);
  const heap = new MaxHeap();
  const out: OwnerRun[] = [];
  let next = 0;
  for (let i = 0; i + 1 < cuts.length; i++) {
    const from = cuts[i],
      to = cuts[i + 1] - 1;
    while (next < spans.length && spans[next].start === from) heap.push(spans[next++]);
    while (heap.size > 0 && heap.top().end < from) heap.pop();
    if (heap.size === 0) continue;
    const key = entries[heap.top().rank].key;
    const last = out[out.length - 1];
    if (last && last.key === key && last.end + 1 === from) last.end = to;
    else out.push({ start: from, end: to, key });
  }
  return out;
}

/** Max-heap of open spans by rank (the later entry on top). */
class MaxHeap {
  private readonly items: Array<{ end: number; rank: number }> = [];
  get size(): number {
    return this.items.length;
  }
  top(): { end: number; rank: number } {
    return this.items[0];
  }
  push(item: { end: number; rank: number }): void {
    const a = this.items;
    a.push(item);
    for (let i = a.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (a[p].rank >= a[i].rank) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }
  pop(): void {
    const a = this.items;
    const last = a.pop()!;
    if (a.length === 0) return;
    a[0] = last;
    for (let i = 0; ;) {
      const l = 2 * i + 1,
        r = l + 1;
      let m = i;
      if (l < a.length && a[l].rank > a[m].rank) m = l;
      if (r < a.length && a[r].rank > a[m].rank) m = r;
      if (m === i) break;
      [a[m], a[i]] = [a[i], a[m]];
      i = m;
    }
  }
}

/** The key owning `line` among `runs` (from ownerRunsOf), by binary search. */
export function ownerOfLine(runs: readonly OwnerRun[], line: number): string | undefined {
  let lo = 0,
    hi = runs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (line < runs[mid].start) hi = mid - 1;
    else if (line > runs[mid].end) lo = mid + 1;
    else return runs[mid].key;
  }
  return undefined;
}

/** Per-file line counts, for clamping what a note claims to what the files have. */
export type LineCountOf = (path: string) => number | undefined;

/**
 * Owner runs of every attested file (a path listed twice is one file, its entries in order). With
 * `lineCounts`, each file's runs stop at its last line.
 */
export function noteOwnerRuns(note: AuthorshipNote, lineCounts?: LineCountOf): Map<string, OwnerRun[]> {
  const byPath = new Map<string, NoteEntry[]>();
  for (const f of note.files) {
    const list = byPath.get(f.path);
    // One push at a time: a spread of a hostile note's entries as arguments overflows the stack.
    if (list) for (const e of f.entries) list.push(e);
    else byPath.set(f.path, [...f.entries]);
  }
  const out = new Map<string, OwnerRun[]>();
  for (const [p, entries] of byPath) out.set(p, ownerRunsOf(entries, lineCounts?.(p)));
  return out;
}

/** Lines attested to AI (any non-`h_` key), per file, as sorted disjoint ranges; files without AI lines are left out. */
export function aiLinesByFile(note: AuthorshipNote, lineCounts?: LineCountOf): Map<string, LineRange[]> {
  const out = new Map<string, LineRange[]>();
  for (const [p, runs] of noteOwnerRuns(note, lineCounts)) {
    const ai = normalizeRanges(runs.filter((r) => keyKind(r.key) !== 'human').map((r): LineRange => [r.start, r.end]));
    if (ai.length > 0) out.set(p, ai);
  }
  return out;
}

/** Attested line ranges per canonical agent name (`unknown` for keys without a record), per file. */
export function aiLinesByAgent(note: AuthorshipNote, lineCounts?: LineCountOf): Map<string, Map<string, LineRange[]>> {
  const out = new Map<string, Map<string, LineRange[]>>();
  for (const [p, runs] of noteOwnerRuns(note, lineCounts)) {
    for (const r of runs) {
      const o = resolveKey(note, r.key);
      if (o.kind !== 'ai') continue;
      const agent = canonicalAgentFromTool(o.tool);
      let byFile = out.get(agent);
      if (!byFile) out.set(agent, (byFile = new Map()));
      const list = byFile.get(p);
      if (list) list.push([r.start, r.end]);
      else byFile.set(p, [[r.start, r.end]]);
    }
  }
  for (const byFile of out.values()) for (const [p, list] of byFile) byFile.set(p, normalizeRanges(list));
  return out;
}

/**
 * Two notes on the same commit (two clones wrote one each, or a rewrite copied one over another): the union
 * of their attestations — `preferred` wins a line both attest — and of their records.
 */
export function mergeNotesOnSameCommit(preferred: AuthorshipNote, other: AuthorshipNote): AuthorshipNote {
  const order = [...new Set([...preferred.files.map((f) => f.path), ...other.files.map((f) => f.path)])];
  const entriesByPath = (note: AuthorshipNote) => {
    const m = new Map<string, NoteEntry[]>();
    for (const f of note.files) {
      const list = m.get(f.path);
      if (list) for (const e of f.entries) list.push(e);
      else m.set(f.path, [...f.entries]);
    }
    return m;
  };
  const ours = entriesByPath(preferred),
    theirs = entriesByPath(other);
  const files: NoteFile[] = [];
  for (const p of order) {
    const byKey = new Map<string, LineRange[]>();
    for (const r of ownerRunsOf([...(theirs.get(p) ?? []), ...(ours.get(p) ?? [])])) {
      const list = byKey.get(r.key);
      if (list) list.push([r.start, r.end]);
      else byKey.set(r.key, [[r.start, r.end]]);
    }
    if (byKey.size > 0)
      files.push({ path: p, entries: [...byKey].map(([key, ranges]) => ({ key, ranges: normalizeRanges(ranges) })) });
  }
  const union = <T>(
    a: Record<string, T> | undefined,
    b: Record<string, T> | undefined,
  ): Record<string, T> | undefined => (a || b ? { ...(b ?? {}), ...(a ?? {}) } : undefined);
  const meta: AuthorshipNoteMeta = { ...other.meta, ...preferred.meta };
  const prompts = union(preferred.meta.prompts, other.meta.prompts);
  const sessions = union(preferred.meta.sessions, other.meta.sessions);
  const humans = union(preferred.meta.humans, other.meta.humans);
  if (prompts) meta.prompts = prompts;
  if (sessions) meta.sessions = sessions;
  if (humans) meta.humans = humans;
  return { files, meta };
}
