import { decodePath } from '../core/commitObject';
import { CountersignError } from '../core/errors';
import { evaluateGate, type GateInput, type GateResult } from '../core/gate';
import { gateDiffView } from './gateDiffView';
import { runGit } from './gitRunner';
import type { NumstatEntry } from './historyStream';

/**
 * The git side of core/textLines.ts: which files of some commits git calls binary (by content alone), and their
 * lines counted as text. Each is one `git diff-tree --stdin --numstat` over just the commits that need it, so a
 * history or a push without binary files costs nothing more.
 */

export interface DiffedCommit {
  sha: string;
  parents: string[];
}

type Counts = Map<string, { added: number | undefined; deleted: number | undefined }>;

const ENTRY = /^(\d+|-)\t(\d+|-)\t/;
const ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * numstat of each commit's change from its first parent (from the empty tree for a root commit), as the gate
 * diffs it (--no-renames, no external diff or textconv), in `mode`'s view (gateDiffView): `text` counts every
 * file's lines, `content` says `-` for the files git calls binary by content.
 */
async function numstatOf(cwd: string, commits: DiffedCommit[], mode: 'text' | 'content'): Promise<Map<string, Counts>> {
  const out = new Map<string, Counts>(commits.map((c) => [c.sha, new Map()]));
  if (commits.length === 0) return out;
  const view = await gateDiffView(cwd, mode);
  const r = await runGit(
    [
      ...view.args,
      'diff-tree',
      '--stdin',
      '--root',
      '-r',
      '-z',
      '--numstat',
      '--no-renames',
      '--no-ext-diff',
      '--no-textconv',
      ...(mode === 'text' ? ['--text'] : []),
    ],
    {
      cwd: view.dir,
      bytes: true,
      // `SHA PARENT`: that one diff (a merge's first-parent change, as the gate and the report take it).
      input: commits.map((c) => (c.parents.length > 0 ? `${c.sha} ${c.parents[0]}\n` : `${c.sha}\n`)).join(''),
    },
  );
  let current: Counts | undefined;
  for (const raw of r.stdout.split('\0')) {
    const t = raw.startsWith('\n') ? raw.slice(1) : raw;
    if (t === '') continue;
    const entry = ENTRY.exec(t);
    if (entry && current) {
      current.set(decodePath(Buffer.from(t.slice(entry[0].length), 'latin1')), {
        added: entry[1] === '-' ? undefined : Number(entry[1]),
        deleted: entry[2] === '-' ? undefined : Number(entry[2]),
      });
      continue;
    }
    const id = ID.test(t) ? out.get(t) : undefined;
    if (!id) throw new CountersignError('git', `unexpected git diff-tree output ${JSON.stringify(t.slice(0, 80))}`);
    current = id;
  }
  return out;
}

/** Per commit, the paths git calls binary by content (core/textLines.ts). */
export async function binaryPathsOf(cwd: string, commits: DiffedCommit[]): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const [sha, files] of await numstatOf(cwd, commits, 'content'))
    out.set(sha, new Set([...files].filter(([, n]) => n.added === undefined).map(([p]) => p)));
  return out;
}

/** Per commit, every file's added and deleted lines counted as text (core/textLines.ts), binary files included. */
export function textCountsOf(cwd: string, commits: DiffedCommit[]): Promise<Map<string, Counts>> {
  return numstatOf(cwd, commits, 'text');
}

/**
 * The gate's verdict, with the binary files named in the reasons that count lines (core/reviewNeed.ts). The gate
 * already counts their lines (it diffs with --text); which files are binary is asked of git only for the commits
 * held for their AI or untracked lines, so a push that passes starts no process more.
 */
export async function judgeNamingBinaries(cwd: string, input: GateInput): Promise<GateResult> {
  const result = evaluateGate(input);
  const held = new Set(
    result.commits
      .filter((d) => d.needsReview && (d.kinds.includes('ai') || d.kinds.includes('untracked')))
      .map((d) => d.sha),
  );
  const asked = input.commits.filter((c) => held.has(c.sha) && c.files.some((f) => (f.added ?? 0) > 0));
  if (asked.length === 0) return result;
  const binary = await binaryPathsOf(cwd, asked);
  let found = false;
  for (const c of asked)
    for (const f of c.files)
      if (binary.get(c.sha)?.has(f.path)) {
        f.binary = true;
        found = true;
      }
  // The same pure judgement again, now with the labels: the verdict cannot change, only its sentences.
  return found ? evaluateGate(input) : result;
}

/**
 * Counts as text the lines of the files git's numstat left uncounted (`- -`: binary) in `records`, marking them
 * binary, so that `explain` and `report` give the figures the commit hook and the gate give. Returns the records
 * it changed (none when no record has a binary file, and then no git process is started).
 */
export async function countBinaryLines<R extends DiffedCommit & { files?: NumstatEntry[] }>(
  cwd: string,
  records: R[],
): Promise<R[]> {
  const asked = records.filter((r) => r.files?.some((f) => f.added === undefined));
  if (asked.length === 0) return asked;
  const counts = await textCountsOf(cwd, asked);
  for (const r of asked)
    for (const f of r.files ?? []) {
      if (f.added !== undefined) continue;
      const n = counts.get(r.sha)?.get(f.path);
      // Fail loudly rather than count a binary file as empty: that is the gap this module closes.
      if (n?.added === undefined)
        throw new CountersignError('git', `git diff-tree --text gave no line count for ${f.path} in ${r.sha}`);
      f.added = n.added;
      f.deleted = n.deleted;
      f.binary = true;
    }
  return asked;
}
