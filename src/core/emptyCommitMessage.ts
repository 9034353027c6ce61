/**
 * Whether git would abort a commit for an empty message ("Aborting commit due to empty commit message"): the
 * commit hooks must not write trailers into such a message, or git commits the trailers as its subject and
 * parses none of them (newuser17 F2). One rule for both hooks: prepare-commit-msg calls the function, and the
 * commit-msg shim (plain shell, no Node start) runs EMPTY_MESSAGE_AWK, the same rule written for awk; a test
 * runs both over the same messages.
 *
 * Git's rule (builtin/commit.c): the message after its clean-up holds nothing but whitespace and
 * `Signed-off-by: ` lines. The clean-up is commit.cleanup's: `verbatim` never aborts; `whitespace` keeps
 * comment lines; `strip` drops them; `scissors` drops them and cuts at the scissors line; the default is
 * `strip` when an editor opens and `whitespace` when none does (so does `scissors`).
 */
export interface MessageCleanup {
  /** core.commentChar (one character; `#` otherwise). */
  commentChar: string;
  /** commit.cleanup as configured, or undefined. */
  cleanup: string | undefined;
  /** Whether git opens an editor for this commit (commit-msg cannot tell: it assumes one did). */
  editor: boolean;
}

const SCISSORS = / -+ >8 -+$/;
const SIGN_OFF = 'Signed-off-by: ';

export function commitMessageIsEmpty(message: string, how: MessageCleanup): boolean {
  const mode = how.cleanup ?? 'default';
  if (mode === 'verbatim') return false;
  const strips = (mode === 'strip' || mode === 'default' || mode === 'scissors') && (how.editor || mode === 'strip');
  const cc = how.commentChar;
  for (const line of message.split('\n')) {
    if (strips && line.startsWith(cc + ' ') && SCISSORS.test(line)) break;
    if (strips && line.startsWith(cc)) continue;
    if (line.startsWith(SIGN_OFF)) continue;
    // git's isspace: ASCII whitespace only, as awk's [:space:] in the C locale.
    if (/[^ \t\n\v\f\r]/.test(line)) return false;
  }
  return true;
}

/**
 * The same rule for awk (`awk -v c=COMMENTCHAR -v m=CLEANUP -v e=1|0 PROGRAM FILE`): exits 0 when the message
 * has content, 1 when git would abort it as empty.
 */
export const EMPTY_MESSAGE_AWK = [
  'BEGIN { if (m == "verbatim") { found = 1; exit }',
  '  if (m == "") m = "default"',
  '  strips = (m == "strip") || ((m == "default" || m == "scissors") && e == 1) }',
  'strips && index($0, c " ") == 1 && / -+ >8 -+$/ { exit }',
  'strips && index($0, c) == 1 { next }',
  'index($0, "Signed-off-by: ") == 1 { next }',
  '/[^[:space:]]/ { found = 1; exit }',
  'END { exit !found }',
].join('\n');
