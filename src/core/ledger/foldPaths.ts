import type { LedgerContext, QueueEntry } from './records';

/**
 * What a fold of queued entries needs loaded before it runs (core/ledger/fold.ts is pure: src/git/ledger.ts
 * loads these states and HEAD contents first).
 */

/** The files a queue entry reads or writes: what the caller must load before folding. */
export function entryPaths(entry: QueueEntry): string[] {
  if (entry.kind === 'store') return [entry.path];
  if (entry.kind === 'settle') return [];
  const o = entry.observation;
  const paths: string[] = [];
  if (o.type === 'agent') paths.push(...Object.keys(o.files));
  else if ('file' in o) paths.push(o.file);
  if (entry.deleted) paths.push(...entry.deleted);
  return paths;
}

/**
 * Files whose HEAD content a fold of `entries` may need although the ledger has a state for them: those a shell
 * call may find it has no snapshot of (see Folder.cleanAtStart) — its after's files, and disk writes while a
 * shell call is open. Files some open call or a before in `entries` snapshotted are left out (cheaper to load).
 */
export function headPathsForShellCalls(entries: readonly QueueEntry[], context: LedgerContext): string[] {
  const snapshotted = new Set<string>();
  let shellOpen = false;
  for (const c of Object.values(context.calls)) {
    for (const p of Object.keys(c.files)) snapshotted.add(p);
    if (c.shell) shellOpen = true;
  }
  const paths = new Set<string>();
  for (const e of entries) {
    if (e.kind !== 'observation') continue;
    const o = e.observation;
    if (o.type === 'agent' && o.phase === 'before') {
      for (const p of Object.keys(o.files)) snapshotted.add(p);
      if (e.shell) shellOpen = true;
    } else if (o.type === 'agent' && e.shell) {
      for (const p of Object.keys(o.files)) if (!snapshotted.has(p)) paths.add(p);
    } else if (o.type === 'diskWrite' && shellOpen && !snapshotted.has(o.file)) {
      paths.add(o.file);
    }
  }
  return [...paths];
}
