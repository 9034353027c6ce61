import { resolveKey, type AuthorshipNote, type KeyOwner } from './authorshipNote';
import { noteOwnerRuns } from './noteOwners';
import type { ProvenanceReading } from './trailers';

/**
 * May this provenance note stand on a commit a protected branch or tag holds — the one rule the server's guard
 * (git/landedAiNotes.ts) and the fork intake (git/aiNotesIntake.ts) ask. A landed commit's note is the record
 * blame, report and incident responders read, so after the fact it may neither move nor drop what it attests
 * (attack12 L6: `lostAttribution`) nor attest more than the commit itself says it holds (attack13 M2, M3, M7:
 * `beyondTrailer`) — a keyless pusher, or a fork, added an AI note to a landed human commit that had none,
 * framing its lines in blame and making every release tag at it need review.
 */
export interface LandedNoteProblem {
  /** `lost`: the note drops or moves a line the old note attests; `beyond`: it attests more than the trailer says. */
  kind: 'lost' | 'beyond';
  why: string;
}

/**
 * Why `after` may not stand on a landed commit whose `AI-Provenance` reads `said` and whose note was `before`
 * (undefined: none, or none that reads), or undefined when it may. The honest note — what the hooks wrote at commit
 * time, arriving later — attests exactly the trailer's AI lines and at most its human lines, so it passes.
 */
export function landedNoteProblem(
  after: AuthorshipNote,
  said: ProvenanceReading,
  before?: AuthorshipNote,
): LandedNoteProblem | undefined {
  if (before) {
    const lost = lostAttribution(before, after);
    if (lost) return { kind: 'lost', why: lost };
  }
  const beyond = beyondTrailer(after, said, before);
  return beyond ? { kind: 'beyond', why: beyond } : undefined;
}

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

/**
 * Whether `after` attests more AI lines than the commit's `ai=` count, or more human lines than its `human=` count
 * (a commit without a readable trailer says none), beyond what `before` already attested. The gate counts a
 * commit's AI lines as the larger of note and trailer, so a note within the trailer cannot raise its judgement
 * (M3); and lines are counted as the gate and blame resolve them (a later entry wins an overlap).
 */
export function beyondTrailer(
  after: AuthorshipNote,
  said: ProvenanceReading,
  before?: AuthorshipNote,
): string | undefined {
  const now = attestedLines(after);
  const was = before ? attestedLines(before) : { ai: 0, human: 0 };
  const trailer = said.kind === 'ok' ? said.counts : { ai: 0, human: 0 };
  const says =
    said.kind === 'ok'
      ? `its AI-Provenance trailer says ai=${said.counts.ai} human=${said.counts.human}`
      : said.kind === 'absent'
        ? 'it carries no AI-Provenance trailer (made without Countersign\u2019s hooks), so it attests no line'
        : `its AI-Provenance trailer is unreadable (${said.why}), so it attests no line`;
  for (const kind of ['ai', 'human'] as const) {
    const may = Math.max(trailer[kind], was[kind]);
    if (now[kind] > may) {
      const label = kind === 'ai' ? 'AI' : 'human';
      const already = was[kind] > trailer[kind] ? ` (the note it replaces attested ${was[kind]})` : '';
      return `the note attests ${now[kind]} ${label} line(s), but ${says}${already}`;
    }
  }
  return undefined;
}

/** The lines a note attests to AI and to humans, each line once, as blame resolves overlapping entries. */
function attestedLines(note: AuthorshipNote): { ai: number; human: number } {
  const out = { ai: 0, human: 0 };
  for (const runs of noteOwnerRuns(note).values()) {
    for (const r of runs) out[resolveKey(note, r.key).kind] += r.end - r.start + 1;
  }
  return out;
}

function describeOwner(o: KeyOwner): string {
  if (o.kind === 'human') return `human ${o.author ?? '(no record)'}`;
  return `ai:${o.tool}${o.id ? ` ${o.id}` : ''}${o.model ? ` ${o.model}` : ''}`;
}
