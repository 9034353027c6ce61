import { CountersignError } from '../core/errors';
import { commitsOverPaths, COUNT_WINDOW } from './changedPathCount';
import { gateDiffView } from './gateDiffView';
import { HistoryHeaders } from './historyHeaders';
import { NUMSTAT_ARGS, RECORD_ARGS, recordParser } from './historyRecords';
import type { HistoryCommit, LogStreamOptions } from './historyStream';
import { startNulSpans } from './nulStream';

/**
 * A history read with diff stats (report, explain), each commit's paths counted before any is listed, as the gate
 * counts them (core/changedPaths.ts, bounds22): a commit changing more than the bound is handed on without its
 * files (`pathsOver`), the others with them, all in the walk's order. Three git processes, one more for the first
 * FIRST_WINDOW commits and one per LATER_WINDOW after them, whatever the history's length:
 *
 * 1. one raw `git log` lists the walk: each commit's tree and parents (`--parents`, as `%P` shows them), the trees
 *    just outside it (`--boundary`), and each commit's header problem (src/git/historyHeaders.ts), before any diff;
 * 2. the listed commits are counted a window at a time (changedPathCount.ts commitsOverPaths, one `git diff-tree
 *    --stdin` each: it keeps every tree it parsed);
 * 3. one `git diff-tree --stdin` prints each counted window's commits as `git log` would — the same format, the
 *    same diff options, byte for byte the same records — while the next window is counted. A commit over the
 *    bound is asked as `SHA SHA` (compared with itself: its fields and no file), so git never lists its paths.
 *
 * Before (session 22) the walk was listed by its own `git log`, counted whole, and only then read by a `git log
 * --raw --numstat` and a raw `git log` for the headers: the count's round trips, ~0.2-0.8 s of waiting on a
 * 5,000-commit history, came before the log's first commit.
 */
const FIRST_WINDOW = COUNT_WINDOW;
/**
 * Every later window twice as long: one count process fewer per 2,000 commits (each ~20-30 ms of Node's CPU to
 * fork on these machines, and git's start), while the first still lets the listing start early; git's trees of
 * 2,000 light or project-weight commits stay far under Node's own memory (docs/performance.md).
 */
const LATER_WINDOW = 2 * COUNT_WINDOW;

export async function streamCounted(
  cwd: string,
  opts: LogStreamOptions,
  onCommit: (c: HistoryCommit) => void,
): Promise<number> {
  // With numstat, git judges binary by content alone, as the gate does (gateDiffView 'content'): `- -` then means
  // binary by core/textLines.ts's rule, whatever a .gitattributes says; countBinaryLines counts those as text.
  const view = gateDiffView(cwd, 'content');
  view.catch(() => undefined);
  const listing = new HistoryHeaders(cwd, opts, () => undefined, true);
  await listing.wait();
  const listed = listing.listed();
  if (listed.length === 0) return 0;
  opts.onListed?.(listed);
  const { dir, args } = await view;
  const trees = new Map(listing.boundary);
  for (const c of listed) trees.set(c.sha, c.tree);

  const over = new Set<string>();
  let at = 0;
  const parser = recordParser(true, (c) => {
    const l = listed[at++];
    if (l === undefined || l.sha !== c.sha)
      throw new CountersignError('git', `git diff-tree showed ${c.sha} where ${l?.sha ?? 'nothing'} was asked`);
    if (l.problem !== undefined) c.headerProblem = l.problem;
    if (over.has(c.sha)) {
      // Asked as compared with itself: git printed that as its parent; no file was listed.
      c.parents = l.parents;
      delete c.files;
      c.pathsOver = true;
    }
    onCommit(c);
  });
  // -r and --root: what `git log --raw --numstat` shows (log.showRoot is pinned true: gitEnv.ts); --always: a
  // commit whose diff is empty (a merge, an empty commit) still prints its fields, as git log does.
  const main = startNulSpans(
    [...args, 'diff-tree', '--stdin', ...RECORD_ARGS, ...NUMSTAT_ARGS, '-r', '--root', '--always'],
    dir,
    parser.token,
  );
  let failed: unknown;
  main.done.catch((e) => (failed ??= e));
  try {
    for (let w = 0; w < listed.length && failed === undefined;) {
      const size = w === 0 ? FIRST_WINDOW : LATER_WINDOW;
      const window = listed.slice(w, w + size);
      w += size;
      for (const sha of await commitsOverPaths(cwd, window, trees, size)) over.add(sha);
      main.stdin.write(window.map((c) => (over.has(c.sha) ? `${c.sha} ${c.sha}` : c.sha)).join('\n') + '\n');
    }
  } catch (e) {
    failed ??= e;
  } finally {
    main.stdin.end();
    await main.done.catch(() => undefined);
  }
  if (failed !== undefined) throw failed;
  parser.end();
  if (at !== listed.length)
    throw new CountersignError('git', `git diff-tree showed ${at} of the ${listed.length} commits asked`);
  return listed.length;
}
