import type { LineRange } from '../core/lineRanges';
import { AddedRunReader, DIFF_CONFIG, PATCH_ARGS } from './commitDiff';
import { gateDiffView } from './gateDiffView';
import { streamSeparated } from './nulStream';
import { oversizedDiffs } from './oversizedDiffs';

/**
 * The lines each commit adds, per path, as sorted runs: its diff against its first parent (a root commit's against
 * the empty tree) with the commit hook's own diff options (commitDiff.ts's changedFiles), so a note the hooks wrote
 * attests only lines inside them — a merge's note attests what the merge adds over its first parent, less what it
 * took from the others. One `git diff-tree --stdin` for all the commits (a push judges up to 5,000 notes: never a
 * process per commit, nor per line), streamed: only the runs are kept, and a body line's text is never decoded.
 * Run as the gate runs its diffs (gateDiffView): a pushed .gitattributes cannot hide a file's lines. A commit
 * whose diff has a version over core/textLines.ts MAX_DIFF_BLOB_BYTES is not diffed (attack22 01): it adds no
 * run here, so its note attests nothing, and the commit needs review whatever its note says.
 */
export async function commitAddedRuns(
  cwd: string,
  all: ReadonlyArray<{ commit: string; firstParent: string | undefined }>,
): Promise<Map<string, Map<string, LineRange[]>>> {
  const out = new Map<string, Map<string, LineRange[]>>();
  for (const c of all) out.set(c.commit, new Map());
  const line = (c: { commit: string; firstParent: string | undefined }) =>
    c.firstParent ? `${c.commit} ${c.firstParent}` : c.commit;
  const over = await oversizedDiffs(cwd, all.map(line));
  const commits = all.filter((c) => !over.has(c.commit));
  if (commits.length === 0) return out;
  let files: Map<string, LineRange[]> | undefined;
  // diff-tree prints a commit's id alone on a line before its diff (none for an empty diff); outside a hunk body
  // no other line is 40 or 64 hex digits, so it cannot be mistaken for one.
  const reader = new AddedRunReader(
    (path, start, count) => {
      if (!files) return;
      let runs = files.get(path);
      if (!runs) files.set(path, (runs = []));
      runs.push([start, start + count - 1]);
    },
    (line) => {
      if (out.has(line)) files = out.get(line);
    },
  );
  const view = await gateDiffView(cwd);
  await streamSeparated(
    [...view.args, ...DIFF_CONFIG, 'diff-tree', '--stdin', '--root', ...PATCH_ARGS],
    view.dir,
    0x0a,
    (token) => reader.line(reader.inBody ? (token[0] === 0x5c ? '\\' : ' ') : token.toString('utf8')),
    // `COMMIT PARENT`: the parent taken as the commit's only one (a plain diff, also for a merge); a root alone.
    commits.map((c) => line(c) + '\n').join(''),
  );
  // -U0 hunks come in file order, each file once: the runs are sorted and disjoint already.
  return out;
}
