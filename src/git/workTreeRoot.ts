import * as fs from 'fs';
import * as path from 'path';

/**
 * The working-tree root that holds a path, found by looking for `.git` (a folder, or a file in linked
 * worktrees and submodules) in it and its parents. File-system reads only — no git process — so it is safe in
 * an untrusted workspace and cheap enough to call for every document the editor opens. Answers are cached per
 * directory.
 */
export class WorkTreeRoots {
  private readonly cache = new Map<string, string | null>();

  rootOf(file: string): string | undefined {
    return this.lookup(path.dirname(path.resolve(file))) ?? undefined;
  }

  /** The root of a folder itself (a workspace folder). */
  rootOfFolder(folder: string): string | undefined {
    return this.lookup(path.resolve(folder)) ?? undefined;
  }

  private lookup(dir: string): string | null {
    const seen: string[] = [];
    let d = dir;
    let found: string | null = null;
    for (;;) {
      const cached = this.cache.get(d);
      if (cached !== undefined) {
        found = cached;
        break;
      }
      seen.push(d);
      if (fs.existsSync(path.join(d, '.git'))) {
        found = d;
        break;
      }
      const parent = path.dirname(d);
      if (parent === d) break;
      d = parent;
    }
    for (const s of seen) this.cache.set(s, found);
    return found;
  }

  clear(): void {
    this.cache.clear();
  }
}

/** A path relative to its working tree, with forward slashes (the ledger's and the trace's form). */
export function repoRelative(root: string, file: string): string | undefined {
  const rel = path.relative(root, path.resolve(file));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

/** Whether a repository-relative path is one Countersign never attributes (git's own files, dependencies). */
export function isIgnoredPath(rel: string): boolean {
  return (
    rel === '.git' ||
    rel.startsWith('.git/') ||
    rel.split('/').includes('node_modules') ||
    rel.split('/').includes('.git')
  );
}
