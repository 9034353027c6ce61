import { runGit } from './gitRunner';

export interface FileAddition {
  path: string;
  /** Added lines; undefined for binary files. */
  added: number | undefined;
  deleted: number | undefined;
}

/** The staged change against `base` (HEAD, or HEAD's parent for an amend; the empty tree for a root commit). */
export async function stagedNumstat(cwd: string, base: string | undefined): Promise<FileAddition[]> {
  const args = ['diff', '--cached', '--numstat', '-z', '--no-renames', '--no-ext-diff', '--no-textconv'];
  args.push(base ?? EMPTY_TREE);
  const out = (await runGit(args, { cwd })).stdout;
  const result: FileAddition[] = [];
  for (const record of out.split('\0')) {
    if (!record) continue;
    const [a, d, ...rest] = record.split('\t');
    result.push({ path: rest.join('\t'), added: a === '-' ? undefined : Number(a), deleted: d === '-' ? undefined : Number(d) });
  }
  return result;
}

/** git's well-known empty tree, the base of a root commit. */
export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

export async function resolveCommit(cwd: string, rev: string): Promise<string | undefined> {
  const r = await runGit(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { cwd, okCodes: [1, 128] });
  return r.code === 0 ? r.stdout.trim() : undefined;
}
