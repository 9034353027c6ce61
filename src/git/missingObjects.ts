import { runGit } from './gitRunner';
import { streamSeparated } from './nulStream';

/**
 * Reading what a clone has, never fetching what it lacks (issue 12: snapshots and partial clones are normal).
 * In a blobless partial clone git fetches a missing blob from the promisor remote the moment a command reads
 * it — one fetch per blob, over the network, from a command that only meant to report. Git 2.44 and later
 * turn that off with GIT_NO_LAZY_FETCH=1 (the object then reads as missing); older git (Debian's 2.39) has no
 * such switch, so GIT_ALLOW_PROTOCOL=none makes any lazy fetch fail at once instead of reaching a remote.
 * Callers that read from a partial clone ask only for objects `git rev-list --missing=print` found present.
 */
export function noLazyFetchEnv(): Record<string, string> {
  return { GIT_NO_LAZY_FETCH: '1', GIT_ALLOW_PROTOCOL: 'none' };
}

/**
 * A partial clone by configuration: some remote promises the objects this clone lacks (`remote.<name>.promisor`).
 * Not proof that anything is missing — git writes it for any `clone --filter`, even when the server ignored the
 * filter and sent every object (newuser22 F-partial-false): readers that would skip work ask lacksObjects.
 */
export async function isPartialClone(cwd: string): Promise<boolean> {
  const r = await runGit(['config', '--get-regexp', '^(remote\\..*\\.promisor|extensions\\.partialclone)$'], {
    cwd,
    okCodes: [1],
  });
  return r.stdout
    .split('\n')
    .some((l) => /\.promisor true$/i.test(l.trim()) || /^extensions\.partialclone \S/i.test(l.trim()));
}

/**
 * The objects `revs` reach that this clone does not have, found without fetching any (`rev-list --missing=print`
 * never asks the promisor remote). `--no-walk REF` limits the walk to one commit's tree (a notes ref's tip);
 * `paths` limits it to those paths' history and objects.
 */
export async function missingObjects(cwd: string, revs: string[], paths: string[] = []): Promise<Set<string>> {
  const r = await runGit(['rev-list', '--objects', '--missing=print', ...revs, '--', ...paths], {
    cwd,
    env: noLazyFetchEnv(),
  });
  const out = new Set<string>();
  for (const line of r.stdout.split('\n')) if (line.startsWith('?')) out.add(line.slice(1).trim());
  return out;
}

/**
 * Whether reading `revs` would need an object this clone lacks: only in a partial clone (elsewhere every object is
 * here, or the repository is damaged, which the readers find for themselves: missingObject errors), and only when
 * `rev-list --objects --missing=print` over `revs` finds one absent — it never fetches, and stops at the first
 * (a blobless clone lacks one within the first commit or two it walks past the checkout; a clone that got every
 * object is walked through, as bounded as `revs`). `--no-walk C C^@` checks the whole trees of C and its parents,
 * what C's diff stats read; a range `A..B` checks the objects B brings over A.
 */
export async function lacksObjects(cwd: string, revs: string[]): Promise<boolean> {
  if (!(await isPartialClone(cwd))) return false;
  const found = new Error('an object is missing');
  try {
    await streamSeparated(['rev-list', '--objects', '--missing=print', ...revs, '--'], cwd, 0x0a, (line) => {
      if (line[0] === 0x3f /* ? */) throw found;
    });
    return false;
  } catch (e) {
    if (e === found) return true;
    throw e;
  }
}
