import type { LineLabel } from '../attribution/labels';
import { agentDisplayName } from './agentClass';

/**
 * The hover over an AI-written line: who wrote it (agent, model, session, when) and the correction actions as
 * command links. Pure so that the wording and the escaping are unit-tested; the extension wraps the result in
 * a MarkdownString trusted only for the correction commands.
 */

/** Arguments of the correction commands, as a command link carries them (JSON, so plain values only). */
export interface LineRangeArgs {
  uri: string;
  /** 0-based, inclusive. */
  startLine: number;
  /** 0-based, inclusive. */
  endLine: number;
}

export interface HoverCommands {
  markHuman: string;
  markAi: string;
}

/**
 * Agent, model and session names come from hook payloads, traces and fetched notes: never let them inject
 * markdown, links or images. Every character markdown gives meaning to is escaped, and line breaks and other
 * control characters become spaces (a blank line would end the paragraph, or a code span, early: issue 16).
 */
export function escapeMarkdown(text: string): string {
  return flatten(text).replace(/[\\`*_{}[\]()#+\-.!|<>~&$=:]/g, (c) => `\\${c}`);
}

/**
 * Text in a code span: a backtick inside cannot be escaped (it would end the span) and a blank line would end
 * the paragraph, so both go; bounded, since a hover is not the place for a kilobyte of anyone's text.
 */
export function codeSpan(text: string): string {
  const t = flatten(text).replace(/`/g, "'");
  return `\`${t.length > 200 ? `${t.slice(0, 199)}…` : t}\``;
}

function flatten(text: string): string {
  return text.replace(/[\s\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g, ' ');
}

/** A command link; `title` is Countersign's own wording (not escaped), `args` travel as URI-encoded JSON. */
export function commandLink(title: string, command: string, args: unknown, tooltip?: string): string {
  // The tooltip may name an agent from a note: nothing in it may close the title or the link.
  const t = tooltip ? ` "${flatten(tooltip).replace(/["()[\]\\]/g, "'")}"` : '';
  return `[${title}](command:${command}?${encodeURIComponent(JSON.stringify([args]))}${t})`;
}

/** "just now", "12 minutes ago", "3 hours ago", "on 2025-11-21" — the hover's sense of when. */
export function relativeTime(at: number, now: number): string {
  const s = Math.round((now - at) / 1000);
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return m === 1 ? '1 minute ago' : `${m} minutes ago`;
  const h = Math.round(m / 60);
  if (h < 24) return h === 1 ? '1 hour ago' : `${h} hours ago`;
  return `on ${new Date(at).toISOString().slice(0, 10)}`;
}

function linesText(startLine: number, endLine: number): string {
  return startLine === endLine ? `line ${startLine + 1}` : `lines ${startLine + 1}–${endLine + 1}`;
}

/** Markdown for the hover of `label` over the block [startLine, endLine]; undefined where no hover is wanted. */
export function hoverMarkdown(
  label: LineLabel,
  range: LineRangeArgs,
  commands: HoverCommands,
  now: number,
): string | undefined {
  const where = linesText(range.startLine, range.endLine);
  if (label.kind === 'ai') {
    const head = `$(sparkle) **AI-written** by ${escapeMarkdown(agentDisplayName(label.agent))}`;
    const facts: string[] = [];
    if (label.model) facts.push(`model ${codeSpan(label.model)}`);
    if (label.session) facts.push(`session ${codeSpan(label.session)}`);
    if (label.at !== undefined) facts.push(relativeTime(label.at, now));
    const lines = [head];
    if (facts.length > 0) lines.push(facts.join(' · '));
    if (label.confidence === 'low') {
      lines.push(
        '*Low confidence:* an unexplained multi-line insertion — not a paste, not an accepted suggestion, no agent named it.',
      );
    }
    lines.push(
      `${commandLink('Mark as human-written', commands.markHuman, range, `Label ${where} as written by you`)} · ${where}`,
    );
    return lines.join('\n\n');
  }
  if (label.kind === 'human' && label.wasAi) {
    const was = label.wasAi;
    const model = was.model ? ` (${codeSpan(was.model)})` : '';
    return [
      `$(person) **Human-edited** — first written by ${escapeMarkdown(agentDisplayName(was.agent))}${model}`,
      `${commandLink('Mark as AI-written', commands.markAi, range, `Label ${where} as written by ${agentDisplayName(was.agent)}`)} · ${where}`,
    ].join('\n\n');
  }
  return undefined;
}
