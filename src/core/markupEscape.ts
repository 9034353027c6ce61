/**
 * Escaping for the places where anyone's text (commit subjects, author names, paths, branch names — a pull
 * request's own commits) is read as more than text: GitHub workflow commands, Markdown (the CI job summary,
 * `report --format markdown`) and lines of plain output that GitHub's runner scans for commands (attack15
 * H4). One function per sink; every writer to that sink calls it. Terminal control characters are
 * provenanceStrings.terminalSafe's.
 */

/** GitHub's workflow-command data escaping (docs: `%` → `%25`, CR → `%0D`, LF → `%0A`). */
export function ghData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A workflow-command property value (`title=…`): data escaping, and `:` and `,` too. */
export function ghProp(s: string): string {
  return ghData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

// C0/C1 controls (CR and LF included: CommonMark ends a line at a lone CR), line separators, bidi overrides.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// Everything Markdown or HTML acts on inline: escapes, table pipes, code spans, emphasis, links, images,
// HTML tags and comments, entities, autolinks, strikethrough, headings.
const MD_ACTIVE = /[\\|`*_[\]<>!&#~]/g;

/** Text inside a Markdown paragraph or table cell: one line, nothing active (no link, image, HTML, code, row). */
export function mdText(s: string): string {
  return s.replace(CONTROL, ' ').replace(MD_ACTIVE, (c) => `\\${c}`);
}

/**
 * Countersign's own prose as Markdown: its code spans naming a command (`git fetch`, `countersign explain REV`) stay
 * code spans (mdCode), the rest is mdText (newuser24 F6: escaped, they showed as literal backticks). A name or path
 * inside the prose is still inert either way: escaped text, or a literal code span.
 */
export function mdProse(s: string, cell = false): string {
  const out: string[] = [];
  let at = 0;
  for (const m of s.matchAll(/`((?:git|countersign) [^`\r\n]*)`/g)) {
    // In a table cell GitHub splits the row at a pipe even inside a code span, unless it is escaped.
    const code = cell ? mdCode(m[1]).replace(/\|/g, '\\|') : mdCode(m[1]);
    out.push(mdText(s.slice(at, m.index)), code);
    at = m.index + m[0].length;
  }
  out.push(mdText(s.slice(at)));
  return out.join('');
}

/**
 * A Markdown table cell (or list item) of Countersign's prose whose line breaks are kept as `<br>` (its own markup),
 * each line mdProse: the commands it names stay code spans, with their pipes escaped for the table.
 */
export function mdCell(s: string): string {
  return s
    .split(/\r\n|[\r\n\u2028\u2029]/)
    .map((line) => mdProse(line, true))
    .join('<br>');
}

/** A code span holding `s` literally: a fence longer than any backtick run inside, controls as spaces. */
export function mdCode(s: string): string {
  const text = s.replace(CONTROL, ' ');
  const fence = '`'.repeat(Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length)) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A fenced code block's lines for `s`: a fence longer than any backtick run inside, controls as spaces. */
export function mdCodeBlock(lang: string, s: string): string[] {
  const text = s.replace(CONTROL, ' ');
  const fence = '`'.repeat(Math.max(2, ...(text.match(/`+/g) ?? []).map((r) => r.length)) + 1);
  return [`${fence}${lang}`, text, fence];
}

/**
 * One field of a line of plain output (a subject, a path in a reason, a name): a line break inside it is
 * shown as `\u000a`, as terminalSafe shows other controls, so the field cannot start a line of its own.
 */
export function oneLine(s: string): string {
  return s.replace(/[\r\n\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Plain output a CI runner reads: GitHub runs any line that starts (after blanks) with `::` or `##[` as a
 * workflow command, so such a line's first character is shown escaped instead. Countersign's own annotations
 * are written apart from text that passes through here.
 */
export function noWorkflowCommands(text: string): string {
  return text.replace(
    /^(\s*)(:(?=:)|#(?=#\[))/gm,
    (_m, blank: string, c: string) => `${blank}\\u00${c === ':' ? '3a' : '23'}`,
  );
}
