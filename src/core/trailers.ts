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

/** Parses `v1 ai=N human=N untracked=N` (extra `key=value` words from newer versions are ignored). */
export function parseAiProvenance(value: string): ProvenanceCounts | undefined {
  const words = value.trim().split(/\s+/);
  if (words[0] !== 'v1') return undefined;
  const fields = new Map<string, number>();
  for (const w of words.slice(1)) {
    const m = /^([a-z]+)=(\d+)$/.exec(w);
    if (m) fields.set(m[1], Number(m[2]));
  }
  const ai = fields.get('ai'), human = fields.get('human'), untracked = fields.get('untracked');
  if (ai === undefined || human === undefined || untracked === undefined) return undefined;
  return { ai, human, untracked };
}

const TRAILER_LINE = /^([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$/;
/** Trailers git recognises in a mixed paragraph even when fewer than 25% of its lines are trailers. */
const GIT_GENERATED = /^(Signed-off-by|\(cherry picked from commit )/;

/**
 * The trailers of a commit message as `git interpret-trailers --parse` sees them: the last paragraph,
 * ignoring comment lines and anything after a `---` divider or scissors line, when every line is a trailer
 * or continuation, or at least 25% are trailers and one is git-generated.
 */
export function parseTrailers(message: string, commentChar = '#'): Trailer[] {
  const lines = message.replace(/\r\n/g, '\n').split('\n');
  const cut = lines.findIndex((l) => /^-{3}(\s|$)/.test(l) || /^# -+ >8 -+$/.test(l));
  const body = (cut >= 0 ? lines.slice(0, cut) : lines).filter((l) => !l.startsWith(commentChar));
  while (body.length > 0 && body[body.length - 1].trim() === '') body.pop();
  let start = body.length;
  while (start > 0 && body[start - 1].trim() !== '') start--;
  // The first paragraph is the subject: git never reads trailers from it.
  if (start === 0) return [];
  const para = body.slice(start);
  const trailers: Trailer[] = [];
  let trailerLines = 0, otherLines = 0, generated = false;
  for (const line of para) {
    if (/^[ \t]/.test(line) && trailers.length > 0) {
      trailers[trailers.length - 1].value += ' ' + line.trim();
      continue;
    }
    const m = TRAILER_LINE.exec(line);
    if (m) {
      trailers.push({ key: m[1], value: m[2].trim() });
      trailerLines++;
      if (GIT_GENERATED.test(line)) generated = true;
    } else {
      otherLines++;
    }
  }
  if (trailerLines === 0) return [];
  if (otherLines === 0) return trailers;
  if (generated && trailerLines * 3 >= otherLines) return trailers;
  return [];
}

export function trailerValues(trailers: Trailer[], key: string): string[] {
  const k = key.toLowerCase();
  return trailers.filter((t) => t.key.toLowerCase() === k).map((t) => t.value);
}
