import { CountersignError } from '../core/errors';
import type { GateCommit } from '../core/gate';
import { gateDiffView } from './gateDiffView';
import { lossesFrom } from './netChange';
import { streamSeparated } from './nulStream';

/**
 * A merge's own lines: those of its tree found in none of its parents, as git's combined diff aligns them (a
 * line with `+` in every parent's column). They are what the merge itself writes — a conflict resolution, or an
 * evil merge's new file — and what its AI-Provenance trailer counts, so core/reviewNeed.ts holds them against
 * that trailer as it holds an ordinary commit's added lines (outside tester, session 7, G10: a merge adding a
 * 60-line file found in neither parent with `ai=0 human=0 untracked=0` landed). Lines a merge takes from any
 * parent are not its own: an ordinary merge has none.
 *
 * One `git diff-tree --stdin -c -p` for every merge of the push; none when it has no merge. Read in the gate's
 * diff view (every file as text). The patch is parsed by position, never by what a line looks like: a commit
 * id line or `diff ` header ends a file, `@@…` starts a hunk, and inside a hunk every line begins with a
 * parent column (` `, `+`, `-`) or `\`, so a file's content (`+++ b/x`) cannot pass for a header.
 */
export async function markMergeOwnLines(cwd: string, commits: GateCommit[]): Promise<void> {
  const merges = commits.filter((c) => c.parents.length > 1);
  if (merges.length === 0) return;
  const byId = new Map(merges.map((c) => [c.sha, c]));
  for (const c of merges) c.mergeOwnAdded = 0;
  let current: GateCommit | undefined;
  /** The number of parent columns while inside a hunk; undefined in headers. */
  let columns: number | undefined;
  const view = await gateDiffView(cwd);
  await streamSeparated(
    [
      ...view.args,
      'diff-tree',
      '--stdin',
      '-r',
      '-c',
      '-p',
      '--text',
      '--no-renames',
      '--no-ext-diff',
      '--no-textconv',
      '--no-color',
    ],
    view.dir,
    0x0a,
    (token) => {
      if (token.length === 0 && columns === undefined) return;
      const first = token[0];
      if (columns !== undefined && (first === 0x20 || first === 0x2b || first === 0x2d || first === 0x5c)) {
        if (current && first === 0x2b && token.length >= columns && allPlus(token, columns))
          current.mergeOwnAdded = (current.mergeOwnAdded ?? 0) + 1;
        return;
      }
      if (first === 0x40 /* '@' */ && current) {
        let n = 0;
        while (token[n] === 0x40) n++;
        columns = n - 1;
        return;
      }
      const text = token.toString('latin1');
      const commit = byId.get(text);
      if (commit) {
        current = commit;
        columns = undefined;
        return;
      }
      if (columns !== undefined && !text.startsWith('diff '))
        throw new CountersignError(
          'git',
          `unexpected git diff-tree -c output ${JSON.stringify(text.slice(0, 80))}; the gate reads nothing it cannot place`,
        );
      if (!current)
        throw new CountersignError(
          'git',
          `git diff-tree -c printed ${JSON.stringify(text.slice(0, 80))} before a commit id`,
        );
      columns = undefined;
    },
    merges.map((c) => c.sha).join('\n') + '\n',
  );
}

function allPlus(line: Buffer, columns: number): boolean {
  for (let i = 0; i < columns; i++) if (line[i] !== 0x2b) return false;
  return true;
}

/**
 * For each merge: the paths of its first-parent diff whose content it leaves exactly as `reviewBase` has it
 * (`sameAsBase`, core/mergeView.ts): a branch that merged the protected branch in carries the branch's own,
 * already judged changes in that diff. One `git diff-tree --stdin` for every merge; none without a base or merge.
 */
export async function markSameAsBase(
  cwd: string,
  commits: GateCommit[],
  reviewBase: string | undefined,
): Promise<void> {
  const merges = commits.filter((c) => c.parents.length > 1);
  if (merges.length === 0 || reviewBase === undefined) return;
  const differs = await lossesFrom(
    cwd,
    reviewBase,
    merges.map((m) => m.sha),
  );
  for (const m of merges) {
    const changed = new Set((differs.get(m.sha) ?? []).map((f) => f.path));
    m.sameAsBase = m.files.filter((f) => f.oids && !changed.has(f.path)).map((f) => f.path);
  }
}
