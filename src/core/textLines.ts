import { shortSha } from './shortSha';

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
 *
 * A file version over MAX_DIFF_BLOB_BYTES is never diffed (attack22 01, a *diff bomb*: git's line diff holds
 * about 40 bytes a line, so 300 MB of one-character lines took ~6 GB and 30 s). Its entry is counted as git
 * counts a complete rewrite — every line of the version before deleted, every line of the version after added,
 * each its bytes split on "\n", streamed — and the commit carrying it needs review: its lines cannot be
 * attributed line by line (oversizedFilesReason).
 */

/**
 * The largest file version git is asked to diff line by line: 32 MiB. Source files people and agents write are
 * far below it (the largest generated ones, lockfiles and bundles, are a few MiB); git's diff of a file this size
 * holds up to ~700 MB.
 */
export const MAX_DIFF_BLOB_BYTES = 32 * 1024 * 1024;

/** A file of a commit as the sentences below need it. */
export interface CountedFile {
  path: string;
  /** Lines the commit adds to the file, counted as text. */
  added: number | undefined;
  status?: string;
  /** git calls the file binary by its content (set only by src/git/binaryFiles.ts, where it counts one). */
  binary?: boolean;
  /** The larger of its versions' sizes, when over MAX_DIFF_BLOB_BYTES: counted by newlines, never diffed. */
  oversized?: number;
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
 * Why a commit carrying a file version over MAX_DIFF_BLOB_BYTES needs review, or undefined: the first such file
 * (and how many more), in one sentence with what to do. The gate, `report` and `explain` say it alike.
 */
export function oversizedFilesReason(sha: string, files: readonly CountedFile[]): string | undefined {
  const over = files.filter((f) => f.oversized !== undefined);
  if (over.length === 0) return undefined;
  const f = over[0];
  const more = over.length > 1 ? ` (and ${over.length - 1} more file(s) like it)` : '';
  return `commit ${shortSha(sha)} changes ${f.path}, a file of ${f.oversized} bytes, more than the ${MAX_DIFF_BLOB_BYTES} bytes the gate diffs line by line${more}, so its lines are counted by their newlines (${f.added ?? 0} added) and cannot be attributed line by line: it needs review — fix: keep files that large out of the repository (Git LFS, a release asset), or have a reviewer approve the commit`;
}
