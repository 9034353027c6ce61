import { runGit } from './gitRunner';
import { oidHexLength } from './objectFormat';

/** SHA-1's well-known empty tree. A SHA-256 repository has its own: ask emptyTree(), never assume this one. */
export const SHA1_EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

const byRepository = new Map<string, Promise<string>>();

/**
 * The empty tree in this repository's object format: the base a root commit's change is measured from (the
 * gate's patch-ids and rewinds, approve's default base, provenance of a first commit). One `git hash-object`
 * per repository and process (its object format cannot change under us), none for SHA-1.
 */
export function emptyTree(cwd: string): Promise<string> {
  let known = byRepository.get(cwd);
  if (!known) {
    known = (async () => {
      if ((await oidHexLength(cwd)) === 40) return SHA1_EMPTY_TREE;
      return (await runGit(['hash-object', '-t', 'tree', '--stdin'], { cwd, input: '' })).stdout.trim();
    })();
    known.catch(() => byRepository.delete(cwd));
    byRepository.set(cwd, known);
  }
  return known;
}
