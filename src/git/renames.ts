import type { DiffTarget } from './commitDiff';
import { runGit } from './gitRunner';
import { literalPathspec } from './pathspec';

/**
 * Renames between a commit and a target (the index or another commit), as git's own rename detection
 * (`git diff -M`, 50% similarity) pairs them. Provenance is carried from other commits' notes and from the
 * working ledger by path; a file renamed on the way (`git mv` then `--amend`, a cherry-pick or rebase onto a
 * branch that renamed the file, a squash over a rename) would otherwise lose its lines' attribution.
 */

/** Above this many bytes of paths the pathspec is dropped (argv limits); the whole diff is then filtered. */
const MAX_PATHSPEC_BYTES = 64 * 1024;

const FLAGS = [
  '-c',
  'core.quotePath=false',
  'diff',
  '-M',
  '--diff-filter=R',
  '--name-status',
  '-z',
  '--no-ext-diff',
  '--no-color',
  '--no-relative',
  '--ignore-submodules=all',
];

/**
 * Target path → the path it had in `from`, for files git sees as renamed from `from` to `target`.
 * `paths` (when given) limits the diff to those paths on either side — both the old and the new name must
 * be among them for git to pair them.
 */
export async function renamesFrom(
  cwd: string,
  from: string,
  target: DiffTarget,
  paths?: Iterable<string>,
): Promise<Map<string, string>> {
  const args = [...FLAGS, ...('index' in target ? ['--cached', from] : [from, target.commit])];
  const list = paths ? [...new Set(paths)] : [];
  if (list.length > 0 && list.reduce((n, p) => n + Buffer.byteLength(p) + 1, 0) <= MAX_PATHSPEC_BYTES)
    args.push('--', ...list.map(literalPathspec));
  return parseRenamesZ((await runGit(args, { cwd })).stdout);
}

/** `R<score>\0<old>\0<new>\0` records (other statuses carry one path) → new path → old path. */
export function parseRenamesZ(out: string): Map<string, string> {
  const renames = new Map<string, string>();
  const parts = out.split('\0');
  for (let i = 0; i < parts.length;) {
    const status = parts[i];
    if (status === '') break;
    if (/^[RC]\d*$/.test(status)) {
      if (status.startsWith('R') && i + 2 < parts.length) renames.set(parts[i + 2], parts[i + 1]);
      i += 3;
    } else {
      i += 2;
    }
  }
  return renames;
}

/**
 * The one rule for labels of a file renamed since the ledger stored them (newuser14 S32: `status` and the commit
 * must agree): the ledger's labels of `file`, or — when it holds none and git pairs `file` (staged, HEAD to the
 * index) with an old name — those it holds under the old name, mapped onto the working file. `renames` is asked
 * only when needed, so callers share one rename detection across files.
 */
export async function labelsFollowingRename<T>(
  labelsFor: (path: string, storedAs?: string) => Promise<T | undefined>,
  file: string,
  renames: () => Promise<Map<string, string>>,
): Promise<T | undefined> {
  const att = await labelsFor(file);
  if (att !== undefined) return att;
  const old = (await renames()).get(file);
  return old === undefined ? undefined : labelsFor(file, old);
}
