import { decodePath } from '../core/commitObject';
import { CountersignError } from '../core/errors';
import type { GateCommit } from '../core/gate';
import type { TreeLinks } from '../core/linkAliases';
import { shortSha } from '../core/shortSha';
import { readObjects } from './catFileBatch';
import { streamNulBuffers } from './nulStream';

/**
 * The symlinks of every judged commit's tree, for the tiers (attack17 Q5; the rule is core/policyPaths.ts). Read
 * without a process per commit or per link: the tree of each first parent the push starts from is listed once
 * (`git ls-tree -r`, remembered per commit across the judgements of one process: objects never change), each commit
 * of the push then differs from its first parent's links exactly by the raw entries of its own first-parent diff,
 * which the gate has already read (core/gate.ts ChangedFile.mode), and every link's target text is read by one
 * `git cat-file --batch`. Bounded: the starting trees, the links and each target's length.
 */

const LINK_MODE = '120000';
/** First parents outside the push whose trees are listed: a push starts from one or two; more is pushed in parts. */
export const MAX_LINK_BASES = 16;
/** Distinct link targets read per judgement (a few KB each at most): beyond, the push fails closed. */
export const MAX_TREE_LINKS = 20_000;
/**
 * Bytes of a link's target held: PATH_MAX and one, enough for linkAliases.ts to cut the target at its first NUL as
 * checkout does, or to know it is longer than PATH_MAX (attack24 12: `img\0` and 5,000 bytes was dropped whole).
 */
const MAX_LINK_BYTES = 4097;

/** Link path -> blob id, per listed commit: a handful, each as large as the tree's links. */
const listed = new Map<string, Map<string, string>>();
const MAX_LISTED = 8;

/**
 * Sets `links` on each commit whose tree has symlinks, and `linksBefore` (its first parent's) on each that removes
 * one. Undefined when done; else why the links were not read (the caller fails the push closed with it).
 * `commits`: oldest first, parents before children (readCommitRange).
 */
export async function markTreeLinks(cwd: string, commits: GateCommit[]): Promise<string | undefined> {
  const inRange = new Set(commits.map((c) => c.sha));
  const starts = [
    ...new Set(commits.flatMap((c) => (c.parents[0] && !inRange.has(c.parents[0]) ? [c.parents[0]] : []))),
  ];
  if (starts.length > MAX_LINK_BASES)
    return `the push's commits start from ${starts.length} commits outside it, more than the gate reads symlinks from (${MAX_LINK_BASES}); push it in parts`;
  const blobsAt = new Map<string, ReadonlyMap<string, string>>();
  for (const s of starts) blobsAt.set(s, await linkBlobsOf(cwd, s));
  const none: ReadonlyMap<string, string> = new Map();
  // A commit that removes a link, or makes it a file, takes away the names under it: judged by its parent's links.
  const before = new Map<string, ReadonlyMap<string, string>>();
  for (const c of commits) {
    const from = (c.parents[0] && blobsAt.get(c.parents[0])) || none;
    // Only raw entries carry a mode: the net-change lines added to a head later are no tree entries of it.
    const changes = c.files.filter((f) => f.mode !== undefined && (f.mode === LINK_MODE || from.has(f.path)));
    if (changes.length === 0) {
      blobsAt.set(c.sha, from);
      continue;
    }
    const next = new Map(from);
    for (const f of changes) {
      if (f.mode === LINK_MODE && f.oids) next.set(f.path, f.oids.new);
      else if (next.delete(f.path)) before.set(c.sha, from);
    }
    blobsAt.set(c.sha, next);
  }
  const blobs = new Set<string>();
  for (const c of commits)
    for (const map of [blobsAt.get(c.sha) ?? none, before.get(c.sha) ?? none])
      for (const b of map.values()) blobs.add(b);
  if (blobs.size === 0) return undefined;
  if (blobs.size > MAX_TREE_LINKS)
    return `the push's trees hold ${blobs.size} distinct symbolic links, more than the gate follows for the tiers (${MAX_TREE_LINKS}); an administrator imports such a history`;
  // Decoded as tree paths are (decodePath), so a target names the entry spelled by the same bytes.
  const targets = new Map<string, string>();
  let long: { blob: string; head: Buffer[]; bytes: number } | undefined;
  const keep = () => {
    if (long) targets.set(long.blob, decodePath(Buffer.concat(long.head).subarray(0, MAX_LINK_BYTES)));
  };
  await readObjects(
    cwd,
    [...blobs],
    (blob, content, _type, oversized) => {
      keep();
      long = content === undefined && oversized !== undefined ? { blob, head: [], bytes: 0 } : undefined;
      if (content !== undefined) targets.set(blob, decodePath(content));
    },
    {
      maxBytes: MAX_LINK_BYTES,
      onSkipped: (piece) => {
        if (!long || long.bytes >= MAX_LINK_BYTES) return;
        long.head.push(Buffer.from(piece.subarray(0, MAX_LINK_BYTES - long.bytes)));
        long.bytes += Math.min(piece.length, MAX_LINK_BYTES - long.bytes);
      },
    },
  );
  keep();
  // One TreeLinks per distinct map, so commits that change no link share it (and its alias index).
  const made = new Map<ReadonlyMap<string, string>, TreeLinks>();
  const linksOf = (at: ReadonlyMap<string, string>): TreeLinks => {
    let links = made.get(at);
    if (!links) {
      const m = new Map<string, string>();
      for (const [p, b] of at) {
        const t = targets.get(b);
        if (t !== undefined) m.set(p, t);
      }
      made.set(at, (links = m));
    }
    return links;
  };
  for (const c of commits) {
    const at = blobsAt.get(c.sha);
    const links = at && at.size > 0 ? linksOf(at) : undefined;
    if (links && links.size > 0) c.links = links;
    const was = before.get(c.sha);
    if (was) c.linksBefore = linksOf(was);
  }
  return undefined;
}

/** The symlinks of `commit`'s tree: path -> blob id, from one `git ls-tree -r`. */
async function linkBlobsOf(cwd: string, commit: string): Promise<ReadonlyMap<string, string>> {
  const key = `${cwd}\0${commit}`;
  const known = listed.get(key);
  if (known) return known;
  const links = new Map<string, string>();
  // `<mode> <type> <object>\t<path>`, NUL-terminated: the mode leads, so a link is known before its path is decoded.
  await streamNulBuffers(['ls-tree', '-r', '-z', '--full-tree', commit], cwd, (t) => {
    if (t.length < 7 || t.toString('latin1', 0, 7) !== `${LINK_MODE} `) return;
    const tab = t.indexOf(0x09);
    const fields = t.toString('latin1', 0, tab).split(' ');
    if (tab < 0 || fields.length !== 3)
      throw new CountersignError('git', `unexpected git ls-tree output for ${shortSha(commit)}`);
    links.set(decodePath(t.subarray(tab + 1)), fields[2]);
  });
  if (listed.size >= MAX_LISTED) listed.delete(listed.keys().next().value as string);
  listed.set(key, links);
  return links;
}
