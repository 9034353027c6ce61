/**
 * How Countersign counts a file's lines, binary or not — the one rule the commit hook's trailer, the gate
 * (pre-push, `verify`, pre-receive), `explain`, `report` and `blame` share (docs/choices.md, "Binary files have
 * lines"):
 *
 * A file's lines are its bytes split on "\n", exactly as git's `--text` diff counts them, whether or not git
 * calls the file binary. Why not "binary files add no lines", as plain `git diff --numstat` says (`- -`):
 * whether git calls a file binary is up to whoever writes it — one NUL byte, or a `-diff`/`binary` line in a
 * committed .gitattributes — so an agent's lines would leave review by that one byte (an outside tester's
 * bypass, session 5, F3 and F5). Counting them makes every figure agree (newuser14 S22: the trailer said 770,
 * `explain` and `report` said 0), and what a person reads names the file as binary so that "770 lines" in an
 * image is not a surprise.
 *
 * A file is *binary* when git, judging its content alone, calls it so: a NUL byte among its first 8,000 bytes
 * (the pushed commits' .gitattributes have no say: src/git/binaryFiles.ts). That is a label, never a count.
 */

/** A file of a commit as the sentences below need it. */
export interface CountedFile {
  path: string;
  /** Lines the commit adds to the file, counted as text. */
  added: number | undefined;
  status?: string;
  binary?: boolean;
}

/** How many binary files a sentence names before it says "and N more". */
const NAMED = 3;

/**
 * The binary files among `files` that add lines, as a clause for a sentence about added lines:
 * "logo.png is binary (git counts 770 newline-separated lines in it)"; undefined when there is none. `status`
 * is git's letter where known (A: a new file).
 */
export function binaryFilesClause(files: readonly CountedFile[]): string | undefined {
  const binary = files.filter((f) => f.binary === true && (f.added ?? 0) > 0);
  if (binary.length === 0) return undefined;
  const named = binary.slice(0, NAMED).map((f) => {
    // A new file's added lines are all of its lines; otherwise (or where the status is unknown) say "added".
    const where = f.status === 'A' ? 'in it' : 'added';
    return `${f.path} is binary (git counts ${f.added} newline-separated lines ${where})`;
  });
  const more = binary.length > NAMED ? `, and ${binary.length - NAMED} more binary file(s)` : '';
  return named.join('; ') + more;
}

/** The rule in one sentence, where a figure that includes binary files is shown (explain, report). */
export const BINARY_LINES_RULE =
  "a binary file's lines are its bytes split on newlines, as git's --text diff counts them, so a NUL byte cannot take lines out of review";

/**
 * The largest file version Countersign asks git to diff line by line (attack22 01): 32 MiB.
 */
export const MAX_DIFF_BLOB_BYTES = 32 * 1024 * 1024;
