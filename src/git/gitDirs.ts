import * as fs from 'fs';
import * as path from 'path';
import { POLICY_FILE } from '../core/policyFile';

/**
 * Where a working tree's git state lives, found from the file system alone — no git process, so it is safe in an
 * untrusted workspace. `.git` is a folder, or (linked worktrees, submodules) a file saying `gitdir: PATH`; a
 * linked worktree's git dir names the shared one in its `commondir` file.
 */
export interface GitDirs {
  /** This working tree's own: HEAD and FETCH_HEAD (pseudo-refs are per worktree). */
  gitDir: string;
  /** Shared by every worktree: refs/, packed-refs, config. The git dir itself outside linked worktrees. */
  commonDir: string;
}

/** The git dirs of the working tree at `root`; undefined when it has no readable `.git`. */
export function gitDirsOf(root: string): GitDirs | undefined {
  const dotGit = path.join(root, '.git');
  let gitDir: string;
  try {
    if (fs.statSync(dotGit).isDirectory()) gitDir = dotGit;
    else {
      const m = /^gitdir:[ \t]*(.+?)[ \t]*\r?$/m.exec(fs.readFileSync(dotGit, 'utf8'));
      if (!m) return undefined;
      gitDir = path.resolve(root, m[1]);
    }
  } catch {
    return undefined;
  }
  let commonDir = gitDir;
  try {
    const common = fs.readFileSync(path.join(gitDir, 'commondir'), 'utf8').trim();
    if (common) commonDir = path.resolve(gitDir, common);
  } catch {
    // No commondir file: not a linked worktree.
  }
  return { gitDir, commonDir };
}

/** What a change to one of a repository's watched files means to the code that follows it. */
export type GitStateChange =
  /** HEAD, a branch, a tag, a remote-tracking branch or a notes ref moved (refs/, packed-refs). */
  | 'refs'
  /** A fetch finished (FETCH_HEAD), whether or not it moved a ref. */
  | 'fetch'
  | 'config'
  /** The working tree's policy file. */
  | 'policy';

/** One folder to watch and the files in it (a glob relative to it), as few folders as the layout allows. */
export interface WatchPattern {
  base: string;
  glob: string;
}

/**
 * The files whose changes are a repository's git state changing. Git's files are watched from the common dir
 * (a linked worktree's own HEAD is below it, in worktrees/NAME), so normally one recursive pattern covers
 * them; the policy file is a non-recursive pattern on the working tree (watching the working tree
 * recursively would cost a watch on every folder of it outside the workspace).
 */
export function watchPatterns(root: string, dirs: GitDirs): WatchPattern[] {
  const files = [
    path.join(dirs.gitDir, 'HEAD'),
    path.join(dirs.gitDir, 'FETCH_HEAD'),
    path.join(dirs.commonDir, 'packed-refs'),
    path.join(dirs.commonDir, 'config'),
    path.join(dirs.commonDir, 'refs', '**'),
  ];
  const groups = new Map<string, string[]>();
  for (const file of files) {
    const base = isInside(dirs.commonDir, file) ? dirs.commonDir : dirs.gitDir;
    const globs = groups.get(base) ?? [];
    globs.push(path.relative(base, file).split(path.sep).join('/'));
    groups.set(base, globs);
  }
  const out = [...groups].map(([base, globs]) => ({ base, glob: `{${globs.join(',')}}` }));
  out.push({ base: root, glob: POLICY_FILE });
  return out;
}

/** What a change reported at `file` (absolute) is, for the repository at `root`. */
export function classifyChange(root: string, dirs: GitDirs, file: string): GitStateChange {
  const f = path.resolve(file);
  if (f === path.join(root, POLICY_FILE)) return 'policy';
  if (f === path.join(dirs.commonDir, 'config')) return 'config';
  if (f === path.join(dirs.gitDir, 'FETCH_HEAD')) return 'fetch';
  return 'refs';
}

function isInside(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
