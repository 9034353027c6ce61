import { combinedDiffBlobBytes } from '../core/mergeView';
import { MAX_DIFF_BLOB_BYTES } from '../core/textLines';
import { runGit } from './gitRunner';
import { streamNulTokens } from './nulStream';
import { isNullObjectId } from '../core/nullObjectId';

const OID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * Which of `diffs` (`COMMIT PARENT`, a commit alone for a root; or, with `combined`, a merge against all its
 * parents as `git diff-tree -c` compares it) would have git read a version over core/textLines.ts
 * MAX_DIFF_BLOB_BYTES (a merge's: core/mergeView.ts combinedDiffBlobBytes). The patches the gate reads in the text view (`* diff`, `--text`: git/commitAddedRuns.ts,
 * git/mergeOwnLines.ts) diff every file line by line whatever its size; they leave these out (attack22 01: a file
 * of millions of one-character lines holds gigabytes of git's memory). One `git diff-tree --raw` (tree
 * comparisons: no file is read) and one `git cat-file --batch-check`; nothing when `diffs` is empty.
 */
export async function oversizedDiffs(cwd: string, diffs: string[], combined = false): Promise<Set<string>> {
  const out = new Set<string>();
  if (diffs.length === 0) return out;
  const byCommit = new Map<string, Set<string>>();
  /** With `combined`: each merge's parent count, from its raw lines (an object id per parent, then the merge's). */
  const parentsOf = new Map<string, number>();
  let current: Set<string> | undefined;
  let currentId = '';
  let path = false;
  await streamNulTokens(
    ['diff-tree', '--stdin', '--root', '-r', '-z', '--raw', '--no-abbrev', '--no-renames', ...(combined ? ['-c'] : [])],
    cwd,
    (token) => {
      const t = token.startsWith('\n') ? token.slice(1) : token;
      if (path) {
        path = false;
        return;
      }
      if (t.startsWith(':')) {
        // `:modes… oids… STATUS` (`::…` combined), the path as the next token.
        let ids = 0;
        for (const w of t.split(' '))
          if (OID.test(w)) {
            ids++;
            if (!isNullObjectId(w)) current?.add(w);
          }
        if (combined) parentsOf.set(currentId, Math.max(parentsOf.get(currentId) ?? 0, ids - 1));
        path = true;
        return;
      }
      if (OID.test(t)) byCommit.set((currentId = t), (current = byCommit.get(t) ?? new Set()));
    },
    diffs.join('\n') + '\n',
  );
  const oids = new Set([...byCommit.values()].flatMap((s) => [...s]));
  if (oids.size === 0) return out;
  const r = await runGit(['cat-file', '--batch-check=%(objectname) %(objectsize)'], {
    cwd,
    input: [...oids].join('\n') + '\n',
  });
  const sizes = new Map<string, number>();
  for (const line of r.stdout.split('\n')) {
    const [oid, size] = line.split(' ');
    if (/^[0-9]+$/.test(size ?? '')) sizes.set(oid, Number(size));
  }
  for (const [commit, seen] of byCommit) {
    // A merge's bound is shared among its parents: git's combined diff keeps a counter per line per parent.
    const limit = combined ? combinedDiffBlobBytes(parentsOf.get(commit) ?? 2) : MAX_DIFF_BLOB_BYTES;
    // An object cat-file does not have (a submodule's commit) is no file git diffs: not over.
    if ([...seen].some((o) => (sizes.get(o) ?? 0) > limit)) out.add(commit);
  }
  return out;
}
