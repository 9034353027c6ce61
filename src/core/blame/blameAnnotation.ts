import { agentDisplayName } from '../marking/agentClass';
import { codeSpan, commandLink, escapeMarkdown } from '../marking/hoverText';
import type { BlameCommitSummary, ProvenanceBlameLine } from './lineProvenance';
import { relativeAge } from './relativeAge';
import { displaySha } from '../shortSha';

/**
 * "AI blame" for the current line: the end-of-line annotation and its hover, from what `countersign blame`
 * knows about a committed line (the note of the commit git blame traces it to). Pure, so the wording, the
 * escaping and the command link are unit-tested; the extension draws the text and trusts the hover's markdown
 * for the Explain Commit command only.
 */

/** Short agent names for the annotation, where the hover's phrasing ("an inline completion") would read oddly. */
const SHORT_NAMES: Readonly<Record<string, string>> = {
  'inline-completion': 'Inline completion',
  unknown: 'Unidentified AI',
};

/** The agent as a person would name it; a tool outside the canonical list shows under its own name. */
export function blameAgentName(line: Pick<ProvenanceBlameLine, 'agent' | 'tool'>): string {
  const agent = line.agent ?? 'unknown';
  if (agent === 'unknown' && line.tool && line.tool !== 'unknown') return line.tool;
  return Object.prototype.hasOwnProperty.call(SHORT_NAMES, agent) ? SHORT_NAMES[agent] : agentDisplayName(agent);
}

/** `Name <email>` → `Name`; a bare name stays as it is. */
export function personName(author: string): string {
  const m = /^(.*?)\s*<[^>]*>\s*$/.exec(author);
  const name = (m ? m[1] : author).trim();
  return name || author.trim();
}

/**
 * The annotation after a committed line:
 *   `Claude Code · claude-sonnet-4-5 · a1b2c3d · 3 days ago`   (the note attests the line to an AI session)
 *   `human · Ada Author · a1b2c3d · 3 days ago`                  (an `h_` entry: a known human)
 *   `untracked · a1b2c3d`                                          (no entry, or no note on the commit)
 * and undefined for a line that is not committed (nothing is drawn).
 */
export function annotationText(
  line: ProvenanceBlameLine,
  commit: BlameCommitSummary | undefined,
  nowMs: number,
): string | undefined {
  if (!line.commit) return undefined;
  const sha = displaySha(line.commit);
  const age = commit && commit.authorTime > 0 ? relativeAge(commit.authorTime * 1000, nowMs) : undefined;
  const parts: string[] = [];
  if (line.kind === 'ai') {
    parts.push(blameAgentName(line));
    if (line.model) parts.push(line.model);
  } else if (line.kind === 'human') {
    parts.push('human', personName(line.human ?? line.author));
  } else {
    // Quiet on purpose: most lines of most repositories predate Countersign.
    return `untracked · ${sha}`;
  }
  parts.push(sha);
  if (age) parts.push(age);
  return parts.join(' · ');
}

/** What the hover's command link passes to "Countersign: Explain Commit" (its argument object). */
export interface ExplainArgs {
  repo: string;
  sha: string;
}

const code = codeSpan;

function isoMinute(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/**
 * The hover over the annotation: the commit (sha, summary), its author and date, what the note says about
 * the line (agent, tool, model, session, or the human), and a command link to explain the commit.
 */
export function blameHoverMarkdown(
  line: ProvenanceBlameLine,
  commit: BlameCommitSummary | undefined,
  explain: { command: string; repo: string },
  nowMs: number,
): string | undefined {
  if (!line.commit) return undefined;
  const out: string[] = [];
  if (line.kind === 'ai') {
    // In a sentence: "by Claude Code", "by an inline completion"; a tool outside the canonical list by its own name.
    const who =
      line.agent === 'unknown' && line.tool && line.tool !== 'unknown'
        ? line.tool
        : agentDisplayName(line.agent ?? 'unknown');
    out.push(`$(sparkle) **AI-written** by ${escapeMarkdown(who)} (from the commit's note)`);
    const facts: string[] = [];
    if (line.tool && line.tool !== line.agent) facts.push(`tool ${code(line.tool)}`);
    if (line.model) facts.push(`model ${code(line.model)}`);
    if (line.session) facts.push(`session ${code(line.session)}`);
    if (facts.length > 0) out.push(facts.join(' · '));
  } else if (line.kind === 'human') {
    out.push(`$(person) **Human-written** by ${escapeMarkdown(line.human ?? line.author)} (from the commit's note)`);
  } else if (commit && !commit.hasNote) {
    out.push(
      commit.attested
        ? '$(circle-outline) **Untracked** — the commit carries an `AI-Provenance` trailer but no line-level note'
        : "$(circle-outline) **Untracked** — the commit is unattested: made without Countersign's hooks, so nothing is known about who wrote it",
    );
  } else {
    out.push(
      "$(circle-outline) **Untracked** — the commit's note has no entry for this line (written before Countersign saw it)",
    );
  }
  if (commit?.noteError)
    out.push(`$(warning) The note on this commit could not be read: ${escapeMarkdown(commit.noteError)}`);
  if (line.kind !== 'ai' && commit && commit.agents.length > 0) {
    const named = [...new Set(commit.agents.map((a) => agentDisplayName(a.agent)))].map(escapeMarkdown).join(', ');
    out.push(`The commit's trailers name ${named} (no line detail).`);
  }
  const when =
    commit && commit.authorTime > 0
      ? ` · ${relativeAge(commit.authorTime * 1000, nowMs)} (${isoMinute(commit.authorTime)})`
      : '';
  const summary = commit?.summary ? ` ${escapeMarkdown(commit.summary)}` : '';
  out.push(`Commit ${code(displaySha(line.commit))}${summary}`);
  out.push(`Author ${escapeMarkdown(commit ? `${commit.author} <${commit.authorEmail}>` : line.author)}${when}`);
  const args: ExplainArgs = { repo: explain.repo, sha: line.commit };
  out.push(
    `${commandLink('Explain commit', explain.command, args, `countersign explain ${displaySha(line.commit)}`)} · line ${line.origLine} of ${escapeMarkdown(line.origPath)} in that commit`,
  );
  return out.join('\n\n');
}
