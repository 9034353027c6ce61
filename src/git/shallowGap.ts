import * as fs from 'fs';
import * as path from 'path';
import { runGit } from './gitRunner';

/** A commit of base..head that is a shallow boundary: the clone lacks history the range needs. */
export async function shallowGap(cwd: string, head: string, base: string | undefined): Promise<boolean> {
  const shallow = await runGit(['rev-parse', '--is-shallow-repository'], { cwd });
  if (shallow.stdout.trim() !== 'true') return false;
  const file = (await runGit(['rev-parse', '--git-path', 'shallow'], { cwd })).stdout.trim();
  let cut: string[] = [];
  try {
    cut = fs.readFileSync(path.resolve(cwd, file), 'utf8').split('\n').filter(Boolean);
  } catch {
    return false;
  }
  if (cut.length === 0) return false;
  const inRange = await runGit(['rev-list', head, ...(base ? ['--not', base] : []), '--'], { cwd });
  const range = new Set(inRange.stdout.split('\n').filter(Boolean));
  return cut.some((c) => range.has(c));
}
