import { resolveKey, type AuthorshipNote, type KeyOwner } from './authorshipNote';
import { noteOwnerRuns } from './noteOwners';

/**
 * Whether a rewritten provenance note only gains on what it replaces (attack12 L6): every line the old note attests
 * is still attested, to the same owner — the agent (tool, id, model) or the human (author) that blame and report
 * show — and only lines it left untracked may be given an owner. What the same-commit merge keeps
 * (mergeNotesOnSameCommit with the old note preferred), checked instead of recomputed, so a note laid out
 * differently (other keys for one owner, ranges split or joined, entries reordered) still passes.
 */
export function lostAttribution(before: AuthorshipNote, after: AuthorshipNote): string | undefined {
  const now = noteOwnerRuns(after);
  const owner = (note: AuthorshipNote, key: string) => describeOwner(resolveKey(note, key));
  for (const [path, runs] of noteOwnerRuns(before)) {
    const next = now.get(path) ?? [];
    let j = 0;
    for (const r of runs) {
      let line = r.start;
      while (line <= r.end) {
        while (j < next.length && next[j].end < line) j++;
        const n = next[j];
        const was = owner(before, r.key);
        if (!n || n.start > line) return `${path} line ${line} (${was}) is no longer attested`;
        const is = owner(after, n.key);
        if (is !== was) return `${path} line ${line} moves from ${was} to ${is}`;
        line = Math.min(n.end, r.end) + 1;
      }
    }
  }
  return undefined;
}

function describeOwner(o: KeyOwner): string {
  if (o.kind === 'human') return `human ${o.author ?? '(no record)'}`;
  return `ai:${o.tool}${o.id ? ` ${o.id}` : ''}${o.model ? ` ${o.model}` : ''}`;
}
