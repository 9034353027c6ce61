/**
 * The other names a path has in one tree through its symbolic links (attack17 Q5). A tier that names `Dockerfile`
 * must hold a change to build/image.txt when `Dockerfile` is a link to it: `docker build` reads the target, so the
 * target's change is a Dockerfile change. Pure: the links come from src/git/treeLinks.ts, one map per judged tree;
 * which policy pattern an alias meets is core/policyPaths.ts.
 *
 * Only links that stay in the repository count: an absolute target or one that climbs above the root names nothing
 * a push can change. Hops are bounded (MAX_LINK_HOPS, as a kernel bounds symlink follows), and so is the number of
 * aliases of one path, so a tree of links pointing at each other costs a bounded walk, never a hang.
 */

/** Links followed from a changed path to a name a pattern may match: enough for any real layout, and a loop ends. */
export const MAX_LINK_HOPS = 8;
/** Aliases of one path, beyond which a pathological fan-in of links is not walked further. */
const MAX_ALIASES = 64;
/** Longer link text is no path git would check out (PATH_MAX): it leads nowhere in the repository. */
const MAX_TARGET_LENGTH = 4096;

/** Symlinks of one tree: the link's path -> its target text as stored (the blob's content). */
export type TreeLinks = ReadonlyMap<string, string>;

export interface PathAlias {
  /** A name the changed path is reached by. */
  path: string;
  /** The link that leads there (the last one followed). */
  via: string;
}

/**
 * The in-repository path link `at` leads to, as the file system resolves it: component by component from the
 * link's folder, each component that is itself a link replaced by its target (so `lnk/..` climbs from where `lnk`
 * leads, not lexically), the final one too. Undefined when it leaves the repository or takes more than
 * MAX_LINK_HOPS links.
 */
export function resolveLink(links: TreeLinks, at: string): string | undefined {
  const first = linkParts(links.get(at));
  if (first === undefined) return undefined;
  const parts = at.split('/').slice(0, -1);
  let rest = first;
  let hops = 0;
  while (rest.length > 0) {
    const part = rest.shift() as string;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
      continue;
    }
    parts.push(part);
    const target = links.get(parts.join('/'));
    if (target === undefined) continue;
    const more = linkParts(target);
    if (more === undefined || ++hops > MAX_LINK_HOPS) return undefined;
    parts.pop();
    rest = [...more, ...rest];
  }
  return parts.join('/');
}

function linkParts(target: string | undefined): string[] | undefined {
  if (target === undefined || target.length === 0 || target.length > MAX_TARGET_LENGTH) return undefined;
  if (target.startsWith('/') || target.includes('\0')) return undefined;
  return target.split('/');
}

/** Target path -> the links naming it; made once per TreeLinks map (commits of a push share one map). */
const indexes = new WeakMap<TreeLinks, Map<string, string[]>>();

function indexOf(links: TreeLinks): Map<string, string[]> {
  let index = indexes.get(links);
  if (index) return index;
  index = new Map();
  for (const at of links.keys()) {
    const to = resolveLink(links, at);
    if (to === undefined || to === at) continue;
    const list = index.get(to);
    if (list) list.push(at);
    else index.set(to, [at]);
  }
  indexes.set(links, index);
  return index;
}

/**
 * The names `path` has through `links`, nearest first: for a link L naming `path` or a folder above it, L with the
 * rest of the path appended — then the names of those, up to MAX_LINK_HOPS links away (a link to a link to the
 * file, a link into a linked folder). `path` itself is not among them.
 */
export function pathAliases(path: string, links: TreeLinks | undefined): PathAlias[] {
  if (!links || links.size === 0) return [];
  const index = indexOf(links);
  if (index.size === 0) return [];
  const seen = new Set([path]);
  const out: PathAlias[] = [];
  let frontier = [path];
  for (let hop = 0; hop < MAX_LINK_HOPS && frontier.length > 0 && out.length < MAX_ALIASES; hop++) {
    const next: string[] = [];
    for (const p of frontier) {
      // p itself and every folder above it, up to the repository's root (''): a link may name any of them.
      const prefixes = [p];
      for (let i = p.lastIndexOf('/'); i > 0; i = p.lastIndexOf('/', i - 1)) prefixes.push(p.slice(0, i));
      prefixes.push('');
      for (const prefix of prefixes) {
        for (const at of index.get(prefix) ?? []) {
          const alias = at + (prefix === '' ? `/${p}` : p.slice(prefix.length));
          if (seen.has(alias) || out.length >= MAX_ALIASES) continue;
          seen.add(alias);
          out.push({ path: alias, via: at });
          next.push(alias);
        }
      }
    }
    frontier = next;
  }
  return out;
}
