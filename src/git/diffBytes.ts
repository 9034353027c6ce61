import { runGit } from './gitRunner';
import { streamNulTokens } from './nulStream';

const NULL_OID = /^0+$/;

/**
 * How many bytes of file versions `git log --numstat` would read to count the lines of `revArgs`' commits (each
 * commit against its first parent, as the gate's walk diffs them): the sum, over every changed entry of every
 * commit, of the sizes of its blob before and after — counted per diff, not per distinct blob, since git reads
 * them again for each. Found without diffing: one `git log --raw` (tree comparisons only) and one
 * `git cat-file --batch-check`. Bounds the reviewed point's walk by what it costs, not how many commits it holds
 * (outside tester, session 10, K1: commits appending a line to a file of 1 MiB lines cost ~60 ms each to diff).
 */
export async function diffedBytes(cwd: string, revArgs: string[]): Promise<number> {
  const uses = new Map<string, number>();
  let expectPath = false;
  await streamNulTokens(
    ['log', '--format=', '--raw', '-z', '--no-abbrev', '--no-renames', '--diff-merges=first-parent', ...revArgs, '--'],
    cwd,
    (token) => {
      // Records are ":modes oids status" then the path (-z, no renames: exactly one); a path may start with ':'.
      if (expectPath) {
        expectPath = false;
        return;
      }
      const raw = token.replace(/^\n+/, '');
      if (!raw.startsWith(':')) return;
      expectPath = true;
      const [oldMode, newMode, oldOid, newOid] = raw.slice(1).split(' ');
      for (const [mode, oid] of [
        [oldMode, oldOid],
        [newMode, newOid],
      ]) {
        // A submodule entry names a commit, not a blob: numstat reads nothing for it.
        if (!oid || NULL_OID.test(oid) || mode === '160000') continue;
        uses.set(oid, (uses.get(oid) ?? 0) + 1);
      }
    },
  );
  if (uses.size === 0) return 0;
  const r = await runGit(['cat-file', '--batch-check=%(objectname) %(objectsize)'], {
    cwd,
    input: [...uses.keys()].join('\n') + '\n',
  });
  let bytes = 0;
  for (const line of r.stdout.split('\n')) {
    const [oid, size] = line.split(' ');
    const n = Number(size);
    if (Number.isFinite(n)) bytes += n * (uses.get(oid) ?? 0);
  }
  return bytes;
}
