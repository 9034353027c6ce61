import type { LineCountOf } from '../core/noteOwners';
import { readObjects } from './catFileBatch';

/**
 * How many lines files have in given commits, read through one `git cat-file --batch` (`<commit>:<path>`).
 * Used only for notes that claim more lines of a file than the commit added there (issue 16, class 1: a note
 * may claim `1-5000` of a 3-line file, and nothing may count more AI lines than the file has): a path the
 * commit does not have counts 0 lines. Each blob is counted and dropped as it arrives.
 */
export async function fileLineCounts(
  cwd: string,
  wanted: Array<{ commit: string; path: string }>,
): Promise<(commit: string) => LineCountOf> {
  const counts = new Map<string, Map<string, number>>();
  const readable = wanted.filter((w) => !/[\n\r]/.test(w.path));
  for (const w of wanted) {
    const perCommit = counts.get(w.commit) ?? new Map<string, number>();
    perCommit.set(w.path, 0);
    counts.set(w.commit, perCommit);
  }
  let i = 0;
  await readObjects(
    cwd,
    readable.map((w) => `${w.commit}:${w.path}`),
    (_name, content, type) => {
      const w = readable[i++];
      if (!content || type !== 'blob') return;
      counts.get(w.commit)?.set(w.path, lineCount(content));
    },
  );
  return (commit) => (path) => counts.get(commit)?.get(path);
}

/** Lines of a file as the note format numbers them: split on \n, a final line break starts no new line. */
function lineCount(content: Buffer): number {
  if (content.length === 0) return 0;
  let n = 0;
  for (let at = content.indexOf(0x0a); at >= 0; at = content.indexOf(0x0a, at + 1)) n++;
  return content[content.length - 1] === 0x0a ? n : n + 1;
}
