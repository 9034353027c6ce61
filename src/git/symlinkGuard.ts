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
  let at = base;
  for (const part of rel.split(path.sep)) {
    at = path.join(at, part);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(at);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // what does not exist yet is created as a real directory/file
      throw e;
    }
    if (st.isSymbolicLink()) {
      let to = '';
      try {
        to = ` -> ${fs.readlinkSync(at)}`;
      } catch {
        // the name alone says enough
      }
      throw new CountersignError(
        'config',
        `refusing to ${action} ${path.relative(base, target) || target}: ${path.relative(base, at)} is a symbolic link${to}, ` +
          `so the write would land outside the repository. Remove the link (or replace it with a real directory) and run the command again.`,
      );
    }
  }
}
