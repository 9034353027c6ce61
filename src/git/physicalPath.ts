import * as fs from 'fs';
import * as path from 'path';

/** Links followed before a path counts as unresolvable (the kernel's own limit for one lookup). */
const MAX_LINK_HOPS = 40;

/**
 * `abs` with every symbolic link in it resolved, like `realpath -m`: components that do not exist (a file a tool
 * is about to create, or a link's missing target) are kept as written, so a path names the same file before and
 * after it is created. Undefined when the links loop or go deeper than MAX_LINK_HOPS, or a component cannot be
 * looked at. One lstat per component: callers resolve the few paths a tool call names, not a whole tree.
 *
 * Why (attack29 F5): an agent names the path it was given — `lib/auth.js` where `lib -> packages/core/lib`, or a
 * checkout opened through `~/code -> /data/code` — while git, and so the commit, knows the file by its physical
 * name in the work tree; related to the toplevel by name alone, the edit was dropped and its lines went untracked.
 */
export function physicalPath(abs: string): string | undefined {
  const pending = abs.split(path.sep);
  let resolved = path.parse(abs).root || path.sep;
  let hops = 0;
  let missing = false;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      resolved = path.dirname(resolved);
      continue;
    }
    const next = path.join(resolved, part);
    if (missing) {
      resolved = next;
      continue;
    }
    let st: fs.Stats;
    try {
      st = fs.lstatSync(next);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'ENOTDIR')
        return undefined;
      // Nothing below a missing component exists: the rest is taken as written.
      missing = true;
      resolved = next;
      continue;
    }
    if (!st.isSymbolicLink()) {
      resolved = next;
      continue;
    }
    if (++hops > MAX_LINK_HOPS) return undefined;
    let target: string;
    try {
      target = fs.readlinkSync(next);
    } catch {
      return undefined;
    }
    if (path.isAbsolute(target)) resolved = path.parse(target).root || path.sep;
    pending.unshift(...target.split(path.sep));
  }
  return resolved;
}
