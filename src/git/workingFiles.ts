import * as fs from 'fs';
import * as path from 'path';
import { runGit } from './gitRunner';
import { readRegularFile } from './regularFile';
import { firstSymlinkedComponent } from './symlinkGuard';
import { storedTexts } from './workingText';

/**
 * What git reports as changed in the working tree, and the files' contents: an agent's shell tool names no
 * files, so its before/after checkpoints snapshot everything modified or untracked (not ignored) instead.
 */
export interface ChangedPaths {
  /** Modified, added or untracked files that exist in the working tree. */
  present: string[];
  /** Tracked files missing from the working tree. */
  deleted: string[];
  /** With `submodules`: checked-out submodules whose files changed (modified or untracked), by folder. */
  submodules: string[];
}

/** Snapshot limits: a hook must stay quick whatever the working tree holds. */
export const SNAPSHOT_LIMITS = { maxFiles: 2000, maxFileBytes: 2 * 1024 * 1024 };

/**
 * `submodules`: also name the submodules whose content changed (git then asks each one's status, as a plain `git
 * status` does), so that a shell tool's edit inside one is recorded in its own ledger (attack29 F5: `sed -i lib/x`
 * run from the superproject). Their files are never listed here: they are the submodule's to snapshot.
 */
export async function changedPaths(
  root: string,
  timeoutMs?: number,
  opts: { submodules?: boolean } = {},
): Promise<ChangedPaths> {
  const r = await runGit(
    [
      'status',
      '--porcelain=v2',
      '-z',
      '--untracked-files=all',
      '--no-renames',
      opts.submodules ? '--ignore-submodules=none' : '--ignore-submodules=all',
    ],
    { cwd: root, timeoutMs },
  );
  const present: string[] = [];
  const deleted: string[] = [];
  const submodules: string[] = [];
  for (const record of r.stdout.split('\0')) {
    // "? PATH" (untracked); "1 XY SUB mH mI mW hH hI PATH"; "u XY SUB m1 m2 m3 mW h1 h2 h3 PATH" (unmerged): SUB is
    // "N..." for a file, "S<c><m><u>" for a submodule (m: tracked content changed, u: untracked files in it).
    if (record.startsWith('? ')) {
      present.push(record.slice(2));
      continue;
    }
    const fields = record.startsWith('1 ') ? 8 : record.startsWith('u ') ? 10 : 0;
    if (fields === 0) continue;
    const parts = record.split(' ');
    if (parts.length <= fields) continue;
    const file = parts.slice(fields).join(' ');
    const xy = parts[1];
    const sub = parts[2];
    if (sub.startsWith('S')) {
      if (sub[2] === 'M' || sub[3] === 'U') submodules.push(file);
      if (!xy.includes('D')) continue;
    }
    if (xy.includes('D')) deleted.push(file);
    else present.push(file);
  }
  return { present, deleted, submodules };
}

export interface Snapshot {
  files: Record<string, string>;
  /** Paths that do not exist (yet, or any more). */
  missing: string[];
  /** Paths left out: too large, not a regular file, or over the file-count limit. */
  skipped: string[];
  /** Regular files left out as too large: path -> fileStamp, so a call's before and after tell whether it changed one. */
  stamps: Record<string, string>;
}

/**
 * What changes when a file is written, read from its inode alone (never its bytes: the file may be gigabytes):
 * size, modification and change times in nanoseconds, inode. Any write moves the change time, which no tool can
 * set back. Undefined when the path is not a regular file (or gone).
 */
export function fileStamp(abs: string): string | undefined {
  try {
    const st = fs.lstatSync(abs, { bigint: true });
    return st.isFile() ? `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads each repository-relative path's text as git will store it (workingText.ts: a `working-tree-encoding` file
 * decoded, attack29 F4), whatever its bytes: a binary file's lines are its bytes split on "\n" like any file's
 * (core/textLines.ts, the one rule), so a file a tool names and a file a shell's git lists are read alike
 * (newuser22 F-nul: a shell snapshot that skipped a file with one NUL byte took the agent's lines out of review).
 * Left out: files over `limits.maxFileBytes`, anything not a regular file, past the count, and a file whose encoding
 * cannot be decoded. A file left out as too large or undecodable is stamped, so the call that changed it is named.
 */
export async function readSnapshot(
  root: string,
  paths: string[],
  limits = SNAPSHOT_LIMITS,
  timeoutMs?: number,
): Promise<Snapshot> {
  const snap: Snapshot = { files: {}, missing: [], skipped: [], stamps: {} };
  const linkedFolder = symlinkedFolders(root);
  const bytes = new Map<string, Buffer>();
  for (const rel of paths) {
    if (bytes.size >= limits.maxFiles || linkedFolder(path.dirname(rel))) {
      snap.skipped.push(rel);
      continue;
    }
    // Regular files only, bounded (issue 16, class 7): not a symlink to /dev/zero or out of the clone.
    const read = readRegularFile(path.join(root, rel), { maxBytes: limits.maxFileBytes });
    if (read.kind === 'missing') {
      snap.missing.push(rel);
      continue;
    }
    if (read.kind === 'skipped') {
      snap.skipped.push(rel);
      const stamp = read.why === 'too large' ? fileStamp(path.join(root, rel)) : undefined;
      if (stamp !== undefined) snap.stamps[rel] = stamp;
      continue;
    }
    bytes.set(rel, read.content);
  }
  for (const [rel, text] of await storedTexts(root, bytes, timeoutMs)) {
    if (text !== undefined) {
      snap.files[rel] = text;
      continue;
    }
    snap.skipped.push(rel);
    const stamp = fileStamp(path.join(root, rel));
    if (stamp !== undefined) snap.stamps[rel] = stamp;
  }
  return snap;
}

/**
 * Whether a folder of the work tree is reached through a symlink (one lstat per folder, remembered for the call):
 * a clone chooses its folders, and `vendor -> /outside` made a snapshot copy a file outside the clone into the
 * ledger (attack28 06). What cannot be checked counts as linked.
 */
function symlinkedFolders(root: string): (dir: string) => boolean {
  const known = new Map<string, boolean>();
  return (dir) => {
    let linked = known.get(dir);
    if (linked === undefined) {
      try {
        linked = firstSymlinkedComponent(root, dir) !== undefined;
      } catch {
        linked = true;
      }
      known.set(dir, linked);
    }
    return linked;
  };
}

/** Whether `rel` is a path inside the work tree that Countersign may attribute (not under .git). */
export function isAttributable(rel: string): boolean {
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) && !/(^|\/)\.git(\/|$)/.test(rel);
}
