import * as fs from 'fs';
import * as path from 'path';
import { firstSymlinkedComponent } from './symlinkGuard';

/**
 * Reads a working-tree or agent file only when it is a regular file, not through a symlink, and not larger
 * than `maxBytes` (issue 16, class 7): a clone may hold an untracked symlink to /dev/zero (read forever), a
 * FIFO (open blocks), or a link to a file outside it. The final component is opened with O_NOFOLLOW and
 * O_NONBLOCK and judged by fstat on the opened descriptor, so a swap between check and read changes nothing.
 * `tail` reads only the last bytes (an agent's transcript grows for as long as the session lasts).
 */
export type RegularFileRead =
  { kind: 'ok'; content: Buffer } | { kind: 'missing' } | { kind: 'skipped'; why: 'not a regular file' | 'too large' };

/** The largest working file whose lines `status` and the ledger count (a generated file beyond it is left out). */
export const WORKING_FILE_MAX_BYTES = 32 * 1024 * 1024;

const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0);

export function readRegularFile(abs: string, opts: { maxBytes: number; tail?: boolean }): RegularFileRead {
  let fd: number;
  try {
    // Where O_NOFOLLOW does not exist (Windows), lstat first.
    if (!fs.constants.O_NOFOLLOW && fs.lstatSync(abs).isSymbolicLink())
      return { kind: 'skipped', why: 'not a regular file' };
    fd = fs.openSync(abs, OPEN_FLAGS);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR'
      ? { kind: 'missing' }
      : { kind: 'skipped', why: 'not a regular file' };
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return { kind: 'skipped', why: 'not a regular file' };
    if (st.size > opts.maxBytes && !opts.tail) return { kind: 'skipped', why: 'too large' };
    const len = Math.min(st.size, opts.maxBytes);
    const buf = Buffer.alloc(len);
    let got = 0;
    const start = opts.tail ? st.size - len : 0;
    while (got < len) {
      const n = fs.readSync(fd, buf, got, len - got, start + got);
      if (n === 0) break;
      got += n;
    }
    return { kind: 'ok', content: got === len ? buf : buf.subarray(0, got) };
  } catch {
    return { kind: 'skipped', why: 'not a regular file' };
  } finally {
    fs.closeSync(fd);
  }
}

/** The largest agent settings or hook-manager file read (they are a few KB; anything bigger is not one). */
export const SETTINGS_FILE_MAX_BYTES = 1024 * 1024;

/**
 * A small configuration file in the work tree (an agent's settings, a hook manager's config) as text, or
 * undefined when it is absent, not a regular file, reached through a symlinked folder, or too large. A clone
 * chooses these files: a committed `.claude/settings.json -> /dev/zero` was read on every commit until the
 * hook timed out (outside tester, session 7).
 */
export function readWorkTreeText(root: string, rel: string, maxBytes = SETTINGS_FILE_MAX_BYTES): string | undefined {
  try {
    // The file itself is opened with O_NOFOLLOW; its folders must not be links either.
    if (firstSymlinkedComponent(root, path.dirname(rel)) !== undefined) return undefined;
  } catch {
    return undefined;
  }
  const r = readRegularFile(path.join(root, rel), { maxBytes });
  return r.kind === 'ok' ? r.content.toString('utf8') : undefined;
}
