import * as fs from 'fs';
import * as path from 'path';
import { physicalPath } from './physicalPath';
import { resolveRepo, type RepoPaths } from './repository';

/**
 * Which repository owns each path an agent's tool call names (attack29 F5, third shape): an agent started in an
 * app edits `lib/auth.js` where `lib` is a submodule; the edit belongs in the submodule's ledger
 * (`.git/modules/lib/countersign`), which the commit made in `lib` reads — recorded in the app's, it was
 * committed `untracked` and pushed to the protected repository unreviewed.
 *
 * A path belongs to the nearest folder above it that holds a `.git` (a checked-out submodule, or a repository
 * cloned inside the work tree); none: the work tree's own. A folder so found is taken only when git agrees that
 * it is a toplevel, and its git dir lies in the folder itself or in the superproject's common git dir (where git
 * keeps submodules' `modules/`): a `.git` file naming a git dir elsewhere gets nothing written, and its paths are
 * `refused` (never recorded in the superproject's ledger either). Paths are physical (physicalPath.ts), so a
 * submodule folder replaced by a link out of the clone never comes here: its paths were dropped before.
 *
 * Bounded: one lstat per distinct folder, one git per repository found, at most MAX_NESTED_REPOSITORIES of them
 * (the paths of any further one are refused). Nothing but the lstats when no folder holds a `.git`.
 */
export interface NestedRepository {
  /** The folder, relative to the superproject's root, forward slashes. */
  folder: string;
  repo: RepoPaths & { root: string };
  /** The paths, relative to `folder`. */
  paths: string[];
}

export interface PathOwners {
  /** Paths of the work tree's own. */
  here: string[];
  nested: NestedRepository[];
  /** Paths under a folder that claims a repository Countersign does not write to. */
  refused: string[];
}

/** Repositories inside the work tree one tool call may record into: submodules an agent's call names at once. */
export const MAX_NESTED_REPOSITORIES = 16;

/** `root`: the work tree's physical root; `rels`: physical paths relative to it. */
export async function pathOwners(root: string, rels: string[]): Promise<PathOwners> {
  const ownerOf = nearestRepositoryFolder(root);
  const here: string[] = [];
  const byFolder = new Map<string, string[]>();
  for (const rel of rels) {
    const folder = ownerOf(path.posix.dirname(rel));
    if (folder === '') here.push(rel);
    else byFolder.set(folder, [...(byFolder.get(folder) ?? []), rel]);
  }
  const owners: PathOwners = { here, nested: [], refused: [] };
  if (byFolder.size === 0) return owners;
  const repos = await nestedRepositories(root, [...byFolder.keys()]);
  for (const [folder, paths] of byFolder) {
    const repo = repos.get(folder);
    if (repo) owners.nested.push({ folder, repo, paths: paths.map((p) => p.slice(folder.length + 1)) });
    else owners.refused.push(...paths);
  }
  return owners;
}

/**
 * The repositories whose toplevels are `folders` (relative to the physical root `root`) that Countersign records
 * into, as pathOwners takes them: git agrees each is a toplevel, its git dir is its own or the superproject's to
 * hold, and at most MAX_NESTED_REPOSITORIES in all. A folder missing from the answer is refused.
 */
export async function nestedRepositories(
  root: string,
  folders: readonly string[],
): Promise<Map<string, RepoPaths & { root: string }>> {
  const found = new Map<string, RepoPaths & { root: string }>();
  if (folders.length === 0) return found;
  const superproject = await resolveRepo(root).catch(() => undefined);
  const common = superproject && physicalPath(superproject.commonDir);
  if (common === undefined) return found;
  for (const folder of folders) {
    if (found.size >= MAX_NESTED_REPOSITORIES) break;
    const repo = await nestedRepository(path.join(root, folder), common);
    if (repo) found.set(folder, repo);
  }
  return found;
}

/** folder -> the nearest folder at or above it holding a `.git` ('' for the work tree itself), memoised. */
function nearestRepositoryFolder(root: string): (folder: string) => string {
  const known = new Map<string, string>([
    ['.', ''],
    ['', ''],
  ]);
  const walk = (folder: string): string => {
    let owner = known.get(folder);
    if (owner === undefined) {
      owner = holdsGit(path.join(root, folder)) ? folder : walk(path.posix.dirname(folder));
      known.set(folder, owner);
    }
    return owner;
  };
  return walk;
}

function holdsGit(abs: string): boolean {
  try {
    fs.lstatSync(path.join(abs, '.git'));
    return true;
  } catch {
    return false;
  }
}

/** The repository whose toplevel is `abs`, when its git dir is its own or the superproject's to hold. */
async function nestedRepository(abs: string, superCommon: string): Promise<(RepoPaths & { root: string }) | undefined> {
  const repo = await resolveRepo(abs).catch(() => undefined);
  if (!repo?.root || repo.bare || physicalPath(repo.root) !== physicalPath(abs)) return undefined;
  const gitDir = physicalPath(repo.gitDir);
  const commonDir = physicalPath(repo.commonDir);
  // Its own `.git` folder, or below the superproject's git dir (never that dir itself: the superproject's ledger).
  const inside = (dir: string | undefined) =>
    dir !== undefined && (within(dir, path.join(abs, '.git')) !== undefined || !!within(dir, superCommon));
  return inside(gitDir) && inside(commonDir) ? { ...repo, root: repo.root } : undefined;
}

/** `dir` relative to `base` when it is `base` ('') or below it; undefined otherwise. */
function within(dir: string, base: string): string | undefined {
  const rel = path.relative(base, dir);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel)) ? rel : undefined;
}
