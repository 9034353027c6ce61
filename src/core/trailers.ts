import {
  agentOfAssistedByWord,
  aiOfCoAuthor,
  assistedByWords,
  knownAgent,
  type CanonicalAgent,
} from './agents/agentIdentity';
import { parseTrailers } from './gitTrailers';
import { trailerWord } from './provenanceStrings';

export { parseTrailers };

/**
 * Trailer codec. Writing goes through `git interpret-trailers` (src/git) so git's own parser always agrees;
 * this module parses what git would parse and formats Countersign's values.
 */
export interface Trailer {
  key: string;
  value: string;
}

export interface ProvenanceCounts {
  ai: number;
  human: number;
  untracked: number;
}

export const AI_PROVENANCE = 'AI-Provenance';
export const ASSISTED_BY = 'Assisted-by';

export function formatAiProvenance(c: ProvenanceCounts): string {
  return `v1 ai=${c.ai} human=${c.human} untracked=${c.untracked}`;
}

/**
 * Parses `v1 ai=N human=N untracked=N` (extra `key=value` words from newer versions are ignored). A key given
 * twice (`ai=50 … ai=0`) is unreadable, never "the last one wins": which figure counts would be anyone's guess.
 */
export function readAiProvenanceValue(value: string): { counts: ProvenanceCounts } | { why: string } {
  const words = value.trim().split(/\s+/);
  if (words[0] !== 'v1') return { why: `${JSON.stringify(value)} does not start with the version v1` };
  const fields = new Map<string, number>();
  for (const w of words.slice(1)) {
    const m = /^([a-z]+)=(\d+)$/.exec(w);
    if (!m) continue;
    if (fields.has(m[1])) return { why: `${JSON.stringify(value)} names ${m[1]} twice` };
    fields.set(m[1], Number(m[2]));
  }
  const ai = fields.get('ai'),
    human = fields.get('human'),
    untracked = fields.get('untracked');
  if (ai === undefined || human === undefined || untracked === undefined)
    return { why: `${JSON.stringify(value)} is not "v1 ai=N human=N untracked=N"` };
  return { counts: { ai, human, untracked } };
}

export function parseAiProvenance(value: string): ProvenanceCounts | undefined {
  const r = readAiProvenanceValue(value);
  return 'counts' in r ? r.counts : undefined;
}

export type ProvenanceReading =
  | { kind: 'absent' }
  | { kind: 'ok'; counts: ProvenanceCounts; raw: string }
  | { kind: 'unreadable'; raw: string; why: string };

/**
 * A commit's `AI-Provenance`, read once for the gate, `verify`, `explain` and `report`: absent (unattested),
 * readable, or unreadable with why. Two trailers are unreadable, whatever they say: Countersign writes one,
 * and a second one appended (`ai=50`, then `ai=0`) must not get to choose the figure that counts.
 */
export function readAiProvenance(trailers: Trailer[]): ProvenanceReading {
  const values = trailerValues(trailers, AI_PROVENANCE);
  if (values.length === 0) return { kind: 'absent' };
  const raw = values.join(' | ');
  if (values.length > 1)
    return {
      kind: 'unreadable',
      raw,
      why: `it carries ${values.length} AI-Provenance trailers (${values.map((v) => JSON.stringify(v)).join(', ')}); exactly one may say how much AI wrote`,
    };
  const r = readAiProvenanceValue(values[0]);
  return 'counts' in r ? { kind: 'ok', counts: r.counts, raw } : { kind: 'unreadable', raw, why: r.why };
}

/**
 * A message's `AI-Provenance` as git reads the commit's trailers (readAiProvenance), failing closed where a
 * `---` line makes readers disagree: `git interpret-trailers` without `--no-divider` — what Countersign's own
 * commit hooks used before they passed `--no-divider` — stops at that line and may see an AI-Provenance that
 * git's reading of the commit does not. Then neither figure is believed.
 */
export function readMessageProvenance(
  message: string,
  trailers: Trailer[] = parseTrailers(message),
): ProvenanceReading {
  const reading = readAiProvenance(trailers);
  if (!/(^|\n)---/.test(message)) return reading;
  const beforeDivider = trailerValues(parseTrailers(message, '#', { divider: true }), AI_PROVENANCE);
  const asGit = trailerValues(trailers, AI_PROVENANCE);
  if (
    beforeDivider.length === 0 ||
    (beforeDivider.length === asGit.length && beforeDivider.every((v, i) => v === asGit[i]))
  )
    return reading;
  const show = (vs: string[]) => (vs.length === 0 ? 'none' : vs.map((v) => JSON.stringify(v)).join(', '));
  return {
    kind: 'unreadable',
    raw: [...asGit, ...beforeDivider].join(' | '),
    why: `a "---" line splits the message: git reads its AI-Provenance as ${show(asGit)}, but a reader that stops at "---" (git interpret-trailers without --no-divider) reads ${show(beforeDivider)}`,
  };
}

/** What to do about an unreadable `AI-Provenance`, for messages that name the commit. */
export const AI_PROVENANCE_FIX =
  'reword the commit so that it carries exactly one trailer `AI-Provenance: v1 ai=N human=N untracked=N` (git rebase -i, "reword"), or have it reviewed';

export function trailerValues(trailers: Trailer[], key: string): string[] {
  const k = key.toLowerCase();
  return trailers.filter((t) => t.key.toLowerCase() === k).map((t) => t.value);
}

// ------------------------------------------------------------------------------------------- Assisted-by

/**
 * `Assisted-by: AGENT:MODEL [TOOL]` (the Linux kernel's and Fedora's convention). AGENT names the AI
 * product, MODEL the model (`unknown` when the agent did not say; `inline` for editor inline completions),
 * TOOL the program through which it wrote — Countersign's canonical agent name, or `vscode` for what
 * arrived through the editor. The words for each canonical agent are the agent-identity table's
 * (core/agents/agentIdentity); an agent not in it is written with its name capitalised as AGENT and itself
 * as TOOL.
 */
function capitalise(s: string): string {
  return s.length === 0 ? s : s[0].toUpperCase() + s.slice(1);
}

/** The value of one `Assisted-by` trailer for a canonical agent name and (optional) model. */
export function formatAssistedBy(agent: string, model?: string): string {
  const known = assistedByWords(agent);
  // Every word is a trailer word: a line break in a name from a note would otherwise add trailers (class 6).
  const name = known?.agent ?? capitalise(trailerWord(agent).replace(/:+/g, '-'));
  const tool = known ? known.tool : trailerWord(agent);
  const m = (model && model.trim()) || known?.defaultModel || 'unknown';
  return `${name}:${trailerWord(m)}${tool ? ` ${tool}` : ''}`;
}

interface AssistedByParts {
  agent: string;
  model: string;
  tool?: string;
}

function assistedByParts(value: string): AssistedByParts | undefined {
  const m = /^([^\s:]+):(\S+)(?:\s+(\S+))?/.exec(value.trim());
  if (!m) return undefined;
  return { agent: m[1], model: m[2], ...(m[3] ? { tool: m[3] } : {}) };
}

/**
 * Which agent an `Assisted-by` value names, and the model it says — the one reading of that trailer (report,
 * explain and the round-trip tests all ask here). The TOOL words win when one names a known agent (the kernel
 * convention lists several: `Claude:claude-3-opus coccinelle sparse`); Countersign writes inline completions
 * as `Copilot:inline vscode`; else the AGENT word, read as an agent name or a co-author's product name; an
 * AI product outside the table is `unknown`, never a name the trailer made up.
 */
export function agentOfAssistedBy(value: string): { agent: CanonicalAgent; model?: string } {
  const [head = '', ...tools] = value.trim().split(/\s+/);
  const colon = head.indexOf(':');
  const agentWord = colon >= 0 ? head.slice(0, colon) : head;
  const model = colon >= 0 ? head.slice(colon + 1) || undefined : undefined;
  let agent: CanonicalAgent | undefined;
  for (const t of tools) agent ??= knownAgent(t);
  if (!agent && model === 'inline') agent = 'inline-completion';
  agent ??=
    knownAgent(agentWord) ??
    agentOfAssistedByWord(agentWord) ??
    aiOfCoAuthor({ name: agentWord, email: '' }) ??
    'unknown';
  return { agent, ...(model && model !== 'inline' ? { model } : {}) };
}

/**
 * The `Assisted-by` values still to add: ours minus any the message already has for the same AGENT:MODEL
 * (an agent or the author may have written one, with or without a TOOL part).
 */
export function assistedByToAdd(existing: Trailer[], ours: string[]): string[] {
  const have = new Set(
    trailerValues(existing, ASSISTED_BY).map((v) => {
      const a = assistedByParts(v);
      return a ? `${a.agent}:${a.model}`.toLowerCase() : v.toLowerCase();
    }),
  );
  const out: string[] = [];
  for (const v of ours) {
    const a = assistedByParts(v);
    const k = a ? `${a.agent}:${a.model}`.toLowerCase() : v.toLowerCase();
    if (have.has(k)) continue;
    have.add(k);
    out.push(v);
  }
  return out;
}
