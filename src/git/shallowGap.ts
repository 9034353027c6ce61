import * as fs from 'fs';
import * as path from 'path';
import { runGit } from './gitRunner';

/** The shallow boundary commits of this clone (none in a full clone): one `git rev-parse`. */
export async function shallowCut(cwd: string): Promise<string[]> {
  const [shallow, file] = (
    await runGit(['rev-parse', '--is-shallow-repository', '--git-path', 'shallow'], { cwd })
  ).stdout.split('\n');
  if (shallow.trim() !== 'true') return [];
  try {
    return fs.readFileSync(path.resolve(cwd, file.trim()), 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** A commit of base..head that is a shallow boundary (`cut`, shallowCut): the clone lacks history the range needs. */
export async function shallowGap(cwd: string, head: string, base: string | undefined, cut: string[]): Promise<boolean> {
  if (cut.length === 0) return false;
  const inRange = await runGit(['rev-list', head, ...(base ? ['--not', base] : []), '--'], { cwd });
  const range = new Set(inRange.stdout.split('\n').filter(Boolean));
  return cut.some((c) => range.has(c));
}
