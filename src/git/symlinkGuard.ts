import * as fs from 'fs';
import * as path from 'path';
import { CountersignError } from '../core/errors';

/**
 * A cloned repository may carry symbolic links where Countersign writes: a committed `.claude` pointing at
 * `~/.claude` would make `agents connect` rewrite the user's global agent settings while saying it updated
 * the project's, and a `.git/countersign` link would make `install`/`uninstall` write or delete elsewhere.
 * Every component from `base` (trusted: the work tree or the git directory git resolved) down to `target`
 * must be a real file or directory (or not exist yet); otherwise nothing is written and the error says which
 * link and what to do. `base` itself may be a link: the user chose where their repository lives.
 */
export function refuseSymlinkedPath(base: string, target: string, action = 'write'): void {
  const rel = path.relative(base, target);
  if (rel === '') return;
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new CountersignError('config', `refusing to ${action} ${target}: it is outside ${base}`);
  }
  const at = firstSymlinkedComponent(base, rel);
  if (at === undefined) return;
  let to = '';
  try {
    to = ` -> ${fs.readlinkSync(at)}`;
  } catch {
    // the name alone says enough
  }
  // The link is the file itself (a linked .countersign.json) or a folder on the way to it: the fix differs.
  const real = path.relative(at, target) === '' ? 'a real file' : 'a real directory';
  throw new CountersignError(
    'config',
    `refusing to ${action} ${path.relative(base, target) || target}: ${path.relative(base, at)} is a symbolic link${to}, ` +
      `so the write would land outside the repository. Remove the link (or replace it with ${real}) and run the command again.`,
  );
}

/**
 * The first component of `rel` below `base` that is a symbolic link, as a path, or undefined when none is.
 * A component that does not exist ends the walk (nothing below it exists); other lstat errors are thrown.
 * `base` itself is not looked at.
 */
export function firstSymlinkedComponent(base: string, rel: string): string | undefined {
  let at = base;
  for (const part of rel.split(/[\\/]/).filter((p) => p && p !== '.')) {
    at = path.join(at, part);
    try {
      if (fs.lstatSync(at).isSymbolicLink()) return at;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }
  return undefined;
}
