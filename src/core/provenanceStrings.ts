/**
 * Names that arrive from notes, hook payloads and transcripts — anyone's text (issue 16, class 6). A note's
 * tool name is copied into `Assisted-by` trailers on a cherry-pick, its model and session into hovers the
 * editor trusts for commands, and all of it onto terminals. One place decides what such a string may be:
 *
 * - agent, model, session and conversation names: a conservative character set (letters, digits and
 *   `. _ : / @ + - [ ]`), at most MAX_NAME_LENGTH characters; anything else is not a name and is dropped
 *   (a tool becomes `unknown`, a model or id is left out) — never repaired into something that looks valid;
 * - people (`Name <email>` in a note's humans or human_author): any printable text, bounded; control,
 *   line-separator and bidirectional-override characters refuse it;
 * - terminal text: control characters other than tab and line breaks, and bidi overrides, are shown as
 *   `\uXXXX` instead of being sent to the terminal (the same escape JSON uses, so JSON stays valid JSON).
 */
export const MAX_NAME_LENGTH = 128;
export const MAX_PERSON_LENGTH = 256;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:/@+[\]-]*$/;
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** An agent, model, session or conversation name as read from input, or undefined when it is not one. */
export function safeName(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= MAX_NAME_LENGTH && NAME.test(value) ? value : undefined;
}

/** A person's `Name <email>` as read from input, or undefined when it is not printable text of a sane length. */
export function safePerson(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_PERSON_LENGTH && !UNPRINTABLE.test(value)
    ? value
    : undefined;
}

/** A word for a trailer written by Countersign: characters outside the name set become `-`, bounded. */
export function trailerWord(value: string): string {
  return value.replace(/[^A-Za-z0-9._:/@+[\]-]+/g, '-').slice(0, MAX_NAME_LENGTH) || 'unknown';
}

const TERMINAL_UNSAFE =
  /\r(?!\n)|[\u0000-\u0008\u000b-\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text for a terminal: escape sequences, backspaces, lone carriage returns, C1 controls and bidi overrides
 * are written as `\uXXXX` (visible, and still valid inside JSON strings); tabs and line breaks stay.
 */
export function terminalSafe(text: string): string {
  return text.replace(TERMINAL_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
