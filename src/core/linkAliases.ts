/**
 * The other names a path has in one tree through its symbolic links (attack17 Q5). A tier that names `Dockerfile`
 * must hold a change to build/image.txt when `Dockerfile` is a link to it: `docker build` reads the target, so the
 * target's change is a Dockerfile change. Pure: the links come from src/git/treeLinks.ts, one map per judged tree;
 * which policy pattern an alias meets is core/policyPaths.ts.
 *
 * Links resolve as checkout and the kernel make and follow them: the target up to its first NUL (symlink(2) takes
 * a C string), at most 40 links per lookup (Linux's MAXSYMLINKS). Where the gate cannot tell what a link reads — a
 * longer chain or a loop (other resolvers follow more: Go's 255), a target that climbs above the repository's root
 * or is absolute (/proc/self/cwd/img is the checkout itself for a tool run from its root; ../<repo>/img or a CI
 * workspace path are too) — the link is *cut*, never harmless (attack24 07/08/12): a changed link that is cut, or a
 * path whose names are cut off by a bound, meets every pattern (core/policyPaths.ts). Only absolute targets in the
 * system's own folders (SYSTEM_TARGET), where no checkout lives, read nothing a push writes and are ignored.
 */

/** Links followed in one lookup, as Linux's MAXSYMLINKS: a longer chain or a loop is cut. */
export const MAX_LINK_HOPS = 40;
/** Names of one changed path: a tree of links pointing at each other costs a bounded walk; past it, cut. */
export const MAX_ALIASES = 4096;
/**
 * Components walked to resolve all links of one tree (a 4 KiB target is up to 2,048, times 40 links): 20,000
 * ordinary links take a few hundred thousand. Past it every path of the tree is cut: a tree built to be slow to
 * follow (many links sharing one long blob are one distinct link to treeLinks.ts) costs a bounded walk.
 */
export const MAX_STEPS = 1 << 22;
const TOO_MANY_STEPS = `its tree's symbolic links take more than ${MAX_STEPS} steps to follow`;
/** PATH_MAX less the terminating NUL: a longer target is no link checkout can make on Linux, but may be elsewhere. */
const MAX_TARGET_BYTES = 4095;
/**
 * Absolute targets no checkout lives under and no push writes: the null and random devices, /etc, and the system's
 * program and library folders — not /proc or /dev/fd (the process's own folders and files), not /usr/src, /home,
 * /tmp, /opt, /srv, /workspace or /builds, where CI and images put repositories. Checked on the whole remaining
 * path, which must hold no `.`, `..` or empty component (`/etc/../proc/self/cwd` is the checkout again).
 */
const SYSTEM_TARGET =
  /^\/(?:dev\/(?:null|zero|u?random)|(?:etc|bin|sbin|lib|lib32|lib64|usr\/(?:bin|sbin|lib|lib32|lib64|libexec|share|include))(?:\/.*)?)$/;

/** Symlinks of one tree: the link's path -> its target text as stored (the blob's content). */
export type TreeLinks = ReadonlyMap<string, string>;

/**
 * Where a link leads: an in-repository path (`to`), a system file outside it (`outside`), or nothing the gate can
 * tell (`cut`, why). `through`: every link followed, the link itself first.
 */
export type LinkResolution = { through: string[] } & ({ to: string } | { outside: true } | { cut: string });

export interface PathAlias {
  /** A name the changed path is reached by. */
  path: string;
  /** The link that leads there (the last one followed). */
  via: string;
}

export interface PathNames {
  /** Its names, nearest first; the path itself is not among them. */
  aliases: PathAlias[];
  /** Why the gate cannot tell all its names, when it cannot: the path then meets every pattern. */
  cut?: string;
  /** Cut because more names than the limit asked for were found. */
  capped?: boolean;
}

/**
 * The path link `at` leads to, as the file system resolves it: component by component from the link's folder,
 * each component that is itself a link replaced by its target (so `lnk/..` climbs from where `lnk` leads, not
 * lexically), the final one too.
 */
export function resolveLink(links: TreeLinks, at: string, steps = { left: MAX_STEPS }): LinkResolution {
  const trie = trieOf(links);
  const through = [at];
  const parts: string[] = [];
  // The trie node of each prefix of `parts` (-1 off the trie: no link lies below), so a lookup is one step.
  const nodes: number[] = [];
  const enter = (part: string): string | undefined => {
    const parent = nodes.length === 0 ? 0 : nodes[nodes.length - 1];
    const node = parent < 0 ? -1 : (trie.child.get(`${parent}/${part}`) ?? -1);
    parts.push(part);
    nodes.push(node);
    return node < 0 ? undefined : trie.link.get(node);
  };
  for (const part of at.split('/').slice(0, -1)) enter(part);
  // The components still to walk, last first (pop is O(1) where shift is not).
  const rest: string[] = [];
  let target = links.get(at) ?? '';
  for (;;) {
    const text = asCheckedOut(target);
    if (Buffer.byteLength(text) > MAX_TARGET_BYTES) return { through, cut: 'its target is longer than PATH_MAX' };
    // symlink(2) refuses an empty target: checkout makes no link, so it reads nothing.
    if (text.length === 0) return { through, outside: true };
    if (text.startsWith('/')) return absolute([text, ...rest.reverse()].join('/'), through);
    const more = text.split('/');
    steps.left -= more.length;
    if (steps.left < 0) return { through, cut: TOO_MANY_STEPS };
    for (let i = more.length - 1; i >= 0; i--) rest.push(more[i]);
    let next: string | undefined;
    while (next === undefined && rest.length > 0) {
      const part = rest.pop() as string;
      if (part === '' || part === '.') continue;
      if (part === '..') {
        if (parts.length === 0)
          return { through, cut: "its target climbs above the repository's root, into a folder a checkout may be" };
        parts.pop();
        nodes.pop();
        continue;
      }
      const key = enter(part);
      if (key === undefined) continue;
      next = links.get(key) as string;
      through.push(key);
      if (through.length > MAX_LINK_HOPS)
        return { through, cut: `it takes more than ${MAX_LINK_HOPS} links to resolve (a loop, or a longer chain)` };
      parts.pop();
      nodes.pop();
    }
    if (next === undefined) return { through, to: parts.join('/') };
    target = next;
  }
}

/** Link paths as a trie of components, per map: node ids keyed by `${parent}/${component}`, 0 the root. */
interface LinkTrie {
  child: Map<string, number>;
  link: Map<number, string>;
}
const tries = new WeakMap<TreeLinks, LinkTrie>();

function trieOf(links: TreeLinks): LinkTrie {
  let trie = tries.get(links);
  if (trie) return trie;
  trie = { child: new Map(), link: new Map() };
  for (const at of links.keys()) {
    let node = 0;
    for (const part of at.split('/')) {
      const key = `${node}/${part}`;
      let id = trie.child.get(key);
      if (id === undefined) trie.child.set(key, (id = trie.child.size + 1));
      node = id;
    }
    trie.link.set(node, at);
  }
  tries.set(links, trie);
  return trie;
}

/** The target checkout writes: symlink(2) reads the blob as a C string, up to its first NUL. */
function asCheckedOut(target: string): string {
  const nul = target.indexOf('\0');
  return nul < 0 ? target : target.slice(0, nul);
}

function absolute(rest: string, through: string[]): LinkResolution {
  const clean = rest
    .split('/')
    .slice(1)
    .every((c) => c !== '' && c !== '.' && c !== '..');
  if (clean && SYSTEM_TARGET.test(rest)) return { through, outside: true };
  return {
    through,
    cut: `its target leaves the repository for ${JSON.stringify(rest)}, which may lead back into a checkout`,
  };
}

/**
 * Per TreeLinks map (commits of a push share one), made once: resolved in-repository target -> the links leading
 * there; link met on the way -> the links whose lookup passes it (not itself); cut link -> why.
 */
interface LinkIndex {
  to: Map<string, string[]>;
  /** Link -> the in-repository path it resolves to (a link that is cut or leaves the repository has none). */
  target: Map<string, string>;
  passing: Map<string, string[]>;
  cut: Map<string, string>;
  /** Past MAX_STEPS: the index is incomplete, so every path is cut. */
  overflow?: boolean;
}
const indexes = new WeakMap<TreeLinks, LinkIndex>();

function indexOf(links: TreeLinks): LinkIndex {
  let index = indexes.get(links);
  if (index) return index;
  index = { to: new Map(), target: new Map(), passing: new Map(), cut: new Map() };
  const steps = { left: MAX_STEPS };
  for (const at of links.keys()) {
    const r = resolveLink(links, at, steps);
    if (steps.left < 0) {
      index.overflow = true;
      break;
    }
    // Retargeting a link met on the way changes what `at` reads, wherever it now leads (attack24 08: the folder
    // build/ became a link to content landed earlier, and Dockerfile -> build/image.txt read it).
    for (const via of new Set(r.through.slice(1))) push(index.passing, via, at);
    if ('cut' in r) index.cut.set(at, r.cut);
    else if ('to' in r) {
      index.target.set(at, r.to);
      if (r.to !== at) push(index.to, r.to, at);
    }
  }
  indexes.set(links, index);
  return index;
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * The in-repository path the link `at` resolves to (resolveLink); undefined when `at` is no link of `links`, or one
 * that is cut or leads out of the repository. What a link to a folder names is core/globUnder.ts's question.
 */
export function linkTarget(links: TreeLinks | undefined, at: string): string | undefined {
  if (!links || !links.has(at)) return undefined;
  const index = indexOf(links);
  return index.overflow ? undefined : index.target.get(at);
}

/**
 * The names `path` has through `links`, nearest first: for a link L naming `path` or a folder above it, L with the
 * rest of the path appended; a link whose lookup passes `path` (itself a link); then the names of those (a link to
 * a link, a link into a linked folder). A name uses each link once: using one again (`self -> .` gives self/self/f)
 * names nothing a shorter name does not. Cut when `path` is a link the gate cannot follow, when a name is more than
 * MAX_LINK_HOPS links deep, or past `limit` names: every name found counts, whatever the order of the map, so
 * decoys cannot use up the bound (attack24 07) — they make the path need review instead.
 */
export function pathAliases(path: string, links: TreeLinks | undefined, limit = MAX_ALIASES): PathNames {
  if (!links || links.size === 0) return { aliases: [] };
  const index = indexOf(links);
  if (index.overflow) return { aliases: [], cut: TOO_MANY_STEPS };
  const own = index.cut.get(path);
  const cut = own === undefined ? undefined : `a symbolic link the gate cannot follow as the file system would: ${own}`;
  const seen = new Set([path]);
  const aliases: PathAlias[] = [];
  let frontier = [{ name: path, used: [] as string[] }];
  while (frontier.length > 0) {
    const next: typeof frontier = [];
    for (const { name, used } of frontier) {
      const found: PathAlias[] = (index.passing.get(name) ?? []).map((at) => ({ path: at, via: at }));
      // name itself and every folder above it, up to the repository's root (''): a link may name any of them.
      const prefixes = [name];
      for (let i = name.lastIndexOf('/'); i > 0; i = name.lastIndexOf('/', i - 1)) prefixes.push(name.slice(0, i));
      prefixes.push('');
      for (const prefix of prefixes)
        for (const at of index.to.get(prefix) ?? [])
          found.push({ path: at + (prefix === '' ? `/${name}` : name.slice(prefix.length)), via: at });
      for (const a of found) {
        if (used.includes(a.via) || seen.has(a.path)) continue;
        if (used.length >= MAX_LINK_HOPS)
          return { aliases, cut: cut ?? `its names through symbolic links are more than ${MAX_LINK_HOPS} links deep` };
        if (aliases.length >= limit)
          return { aliases, cut: cut ?? `it has more than ${limit} names through symbolic links`, capped: true };
        seen.add(a.path);
        aliases.push(a);
        next.push({ name: a.path, used: [...used, a.via] });
      }
    }
    frontier = next;
  }
  return cut === undefined ? { aliases } : { aliases, cut };
}
