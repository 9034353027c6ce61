import { runGit } from './gitRunner';

const byRepository = new Map<string, Promise<number>>();

/**
 * How many hex digits this repository's object ids have: 40 (SHA-1) or 64 (SHA-256), by `git rev-parse
 * --show-object-format`. Asked of the repository itself, never guessed from an id at hand: a notes-tree walk that
 * took the length from the first object it saw read a SHA-1 tree as SHA-256 once a 64-digit name came first, and
 * found no second entry (outside tester, attack14 N7). One `git rev-parse` per repository and process (the format
 * cannot change under us); outside a repository, SHA-1's.
 */
export function oidHexLength(cwd: string): Promise<number> {
  let known = byRepository.get(cwd);
  if (!known) {
    known = (async () => {
      const format = await runGit(['rev-parse', '--show-object-format'], { cwd, okCodes: [128] });
      return format.code === 0 && format.stdout.trim() === 'sha256' ? 64 : 40;
    })();
    known.catch(() => byRepository.delete(cwd));
    byRepository.set(cwd, known);
  }
  return known;
}
