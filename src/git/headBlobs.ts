import { readObjects } from './catFileBatch';

/**
 * HEAD's content of many paths with one `git cat-file --batch` (a hook snapshotting hundreds of changed
 * files must not start hundreds of git processes). undefined: not in HEAD, no HEAD yet, not a file (a
 * directory's tree), or a path git's batch protocol cannot name (a line break in it).
 */
export async function headContents(
  root: string,
  paths: string[],
  rev = 'HEAD',
): Promise<Map<string, string | undefined>> {
  const out = new Map<string, string | undefined>();
  for (const p of paths) out.set(p, undefined);
  const pathOf = new Map<string, string>();
  for (const p of paths) if (!p.includes('\n') && !p.includes('\r')) pathOf.set(`${rev}:${p}`, p);
  await readObjects(root, [...pathOf.keys()], (name, content, type) => {
    const p = pathOf.get(name);
    if (p !== undefined && content !== undefined && type === 'blob') out.set(p, content.toString('utf8'));
  });
  return out;
}
