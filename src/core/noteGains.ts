import { canonicalAgentFromTool, resolveKey, type AuthorshipNote, type KeyOwner } from './authorshipNote';
import type { LineRange } from './lineRanges';
import { noteOwnerRuns, type OwnerRun } from './noteOwners';
import { agentOfAssistedBy, formatAssistedBy, type ProvenanceReading } from './trailers';

/**
 * May this provenance note stand on a commit a protected branch or tag holds — the one rule the server's guard
 * (git/landedAiNotes.ts) and the fork intake (git/aiNotesIntake.ts) ask. A landed commit's note is the record
 * blame, report and incident responders read, so after the fact it may neither move nor drop what it attests
 * (attack12 L6: `lostAttribution`) nor attest more than the commit itself says it holds (attack13 M2, M3, M7:
 * `beyondTrailer`) — a keyless pusher, or a fork, added an AI note to a landed human commit that had none,
 * framing its lines in blame and making every release tag at it need review. attack16 P6: bounded from above only,
 * a FIRST note could be thinner than the commit (one AI line of forty, or another agent) on a commit that landed
 * without its note, and the author's true note was then refused as a rewrite, for good. So a first note must agree
 * with the commit exactly (`short`, `agent`), and no note may attest a line the commit did not add (`outside`).
 */
export interface LandedNoteProblem {
  /**
   * `lost`: the note drops or moves a line the old note attests; `beyond`: it attests more than the trailer says;
   * `short`: a first note attests fewer AI lines than the trailer; `agent`: it gives lines to an agent or model no
   * Assisted-by trailer names; `outside`: it attests a line the commit did not add.
   */
  kind: 'lost' | 'beyond' | 'short' | 'agent' | 'outside';
  why: string;
}

/** What a commit itself says, for judging a note on it. */
export interface NotedCommit {
  said: ProvenanceReading;
  /** Its `Assisted-by` trailer values. */
  assistedBy: readonly string[];
  /** The lines it adds against its first parent (a root: against nothing), per path: sorted, disjoint runs. */
  added: ReadonlyMap<string, readonly LineRange[]>;
}

/**
 * Why `after` may not stand on `commit` whose note was `before` (undefined: none, or none that reads), or
 * undefined when it may — the one rule for a note on a commit the server judges (git/landedAiNotes.ts: landed, or
 * whose trailer reads) and for a fork's note a clone takes (git/aiNotesIntake.ts). The honest note — what the
 * hooks wrote at commit time, arriving later — attests exactly the trailer's AI lines, at most its human lines,
 * only lines the commit added, and only the agents and models its Assisted-by trailers name (the hooks write both
 * from the same lines: commitAttribution.ts), so it passes; so does a git-ai note that agrees with them. A rewrite
 * may only gain (`lost`), and what it gains is judged like a first note's lines; it need not reach the trailer's
 * count (a thin note taken before this rule may still be completed).
 */
export function landedNoteProblem(
  after: AuthorshipNote,
  commit: NotedCommit,
  before?: AuthorshipNote,
): LandedNoteProblem | undefined {
  if (before) {
    const lost = lostAttribution(before, after);
    if (lost) return { kind: 'lost', why: lost };
  }
  const beyond = beyondTrailer(after, commit.said, before);
  if (beyond) return { kind: 'beyond', why: beyond };
  if (!before && commit.said.kind === 'ok') {
    const ai = attestedLines(after).ai;
    if (ai < commit.said.counts.ai)
      return {
        kind: 'short',
        why: `the note attests ${ai} AI line(s), but its AI-Provenance trailer says ai=${commit.said.counts.ai}: a commit's first note attests all its AI lines`,
      };
  }
  const gained = gainedRuns(after, before);
  const outside = outsideAdded(gained, commit.added);
  if (outside) return { kind: 'outside', why: outside };
  const agent = unnamedAgent(after, gained, commit.assistedBy);
  return agent ? { kind: 'agent', why: agent } : undefined;
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

/** The runs of `after` that `before` does not attest (all of them without `before`), per path. */
function gainedRuns(after: AuthorshipNote, before?: AuthorshipNote): Map<string, OwnerRun[]> {
  const now = noteOwnerRuns(after);
  if (!before) return now;
  const was = noteOwnerRuns(before);
  const out = new Map<string, OwnerRun[]>();
  for (const [path, runs] of now) {
    const old = was.get(path) ?? [];
    const kept: OwnerRun[] = [];
    let j = 0;
    for (const r of runs) {
      let start = r.start;
      while (j < old.length && old[j].end < start) j++;
      for (let k = j; k < old.length && old[k].start <= r.end && start <= r.end; k++) {
        if (old[k].start > start) kept.push({ start, end: old[k].start - 1, key: r.key });
        start = Math.max(start, old[k].end + 1);
      }
      if (start <= r.end) kept.push({ start, end: r.end, key: r.key });
    }
    if (kept.length > 0) out.set(path, kept);
  }
  return out;
}

/** The first attested line the commit did not add (the note's lines are the committed file's: git-ai's format). */
function outsideAdded(
  runs: ReadonlyMap<string, readonly OwnerRun[]>,
  added: ReadonlyMap<string, readonly LineRange[]>,
): string | undefined {
  for (const [path, rs] of runs) {
    const adds = added.get(path) ?? [];
    let j = 0;
    for (const r of rs) {
      let line = r.start;
      while (line <= r.end) {
        while (j < adds.length && adds[j][1] < line) j++;
        if (j >= adds.length || adds[j][0] > line) {
          const has =
            adds.length === 0
              ? 'adds no line to it'
              : `adds lines ${adds.length > 4 ? `${describe(adds.slice(0, 4))}, …` : describe(adds)}`;
          return `${path} line ${line} is attested, but the commit did not add it (its diff against its first parent ${has}): a note attests only the lines its commit added`;
        }
        line = adds[j][1] + 1;
      }
    }
  }
  return undefined;
}

function describe(ranges: readonly LineRange[]): string {
  return ranges.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',');
}

/**
 * The first AI owner among `runs` that no `Assisted-by` trailer of the commit names. Both sides are read by the
 * trailer's one reader (agentOfAssistedBy), the note's owner as the hooks would have written it (formatAssistedBy,
 * as commitAttribution.ts writes the trailers from the very lines it attests), so the hooks' note always agrees,
 * whatever words its agent has.
 */
function unnamedAgent(
  note: AuthorshipNote,
  runs: ReadonlyMap<string, readonly OwnerRun[]>,
  assistedBy: readonly string[],
): string | undefined {
  // A message that names no agent at all was not left as the hooks write it (they name every agent whose lines
  // they count): there is nothing to hold the note to, as with a hand-written trailer, and the counts still bind.
  if (assistedBy.length === 0) return undefined;
  const named = new Set(assistedBy.map((v) => agentWord(agentOfAssistedBy(v))));
  const seen = new Set<string>();
  for (const [path, rs] of runs) {
    for (const r of rs) {
      if (seen.has(r.key)) continue;
      seen.add(r.key);
      const o = resolveKey(note, r.key);
      if (o.kind !== 'ai') continue;
      const as = formatAssistedBy(canonicalAgentFromTool(o.tool), o.model);
      if (named.has(agentWord(agentOfAssistedBy(as)))) continue;
      const names = assistedBy.map((v) => JSON.stringify(v)).join(', ');
      return `${path} line ${r.start} is given to ${describeOwner(o)} (Assisted-by: ${as}), but the commit's Assisted-by trailers name ${names}: a note names the agents its commit names`;
    }
  }
  return undefined;
}

function agentWord(a: { agent: string; model?: string }): string {
  return `${a.agent}\0${a.model ?? ''}`;
}

function describeOwner(o: KeyOwner): string {
  if (o.kind === 'human') return `human ${o.author ?? '(no record)'}`;
  return `ai:${o.tool}${o.id ? ` ${o.id}` : ''}${o.model ? ` ${o.model}` : ''}`;
}
