import type { Line } from './line';
import { adjust, copyOf, TreeNode } from './treeNode';

export { TreeNode };

/**
 * A persistent (immutable, path-copying) B+tree of lines: leaves hold up to LEAF_MAX lines, inner nodes up to
 * NODE_MAX children, every node carries subtree aggregates (line and character counts, label-class counts, an
 * agent mask). Why this shape:
 * - an edit copies one node per level, and a 100,000-line file has three or four levels, so a keystroke in a
 *   100,000-line file costs about what it costs in a 100-line one (DESIGN: "time proportional to the edit, not
 *   to the file");
 * - offset -> line lookups scan a few short arrays of counts instead of chasing a pointer per level of a binary
 *   tree, and a keystroke allocates a handful of objects: profiling the earlier treap (one node per line, about
 *   twenty copied per keystroke) showed its time going to that allocation, the garbage collector and pointer
 *   chasing;
 * - old roots stay valid after an edit, so an undo state is just a root kept in a list, and a polynomial hash
 *   of the text (computed on demand, cached per node, so only undo pays for it) lets undo recognise "this is
 *   exactly the text of that earlier state" without comparing whole texts.
 * One exception to immutability, for the keystroke: `replaceAt` with an owner token changes in place the nodes
 * that carry that token, which only nodes it copied earlier with the same token do (a "transient", as in
 * Clojure's persistent vectors). The engine hands out a new token whenever anything else may keep its tree (an
 * undo state kept whole, an agent's snapshot), so no kept tree ever sees a change; typing then copies each path
 * once instead of on every keystroke, which was most of a keystroke's allocation and garbage collection.
 * All leaves are at the same depth. `null` is the empty tree.
 */
export type Tree = TreeNode | null;

const LEAF_MAX = 32;
const NODE_MAX = 32;
/** A node smaller than this after a splice is merged with a neighbour, so deletions cannot leave a sparse tree. */
const LEAF_MIN = LEAF_MAX >> 2;
const NODE_MIN = NODE_MAX >> 2;

const leaf = (items: Line[]) => new TreeNode(items, null);
const inner = (kids: TreeNode[]) => new TreeNode(null, kids);

/** Cuts `items` into as few pieces of at most `max` as possible, of nearly equal size. */
function chunk<T>(items: readonly T[], max: number): T[][] {
  const pieces = Math.ceil(items.length / max);
  const out: T[][] = [];
  for (let p = 0, start = 0; p < pieces; p++) {
    const end = Math.round(((p + 1) * items.length) / pieces);
    out.push(items.slice(start, end));
    start = end;
  }
  return out;
}

/** Nodes of one level for `items` (lines for leaves, nodes for inner nodes). */
function level(items: readonly Line[] | readonly TreeNode[], leaves: boolean): TreeNode[] {
  return leaves
    ? chunk(items as readonly Line[], LEAF_MAX).map(leaf)
    : chunk(items as readonly TreeNode[], NODE_MAX).map(inner);
}

/** One root over same-height nodes. */
function rootOver(nodes: TreeNode[]): Tree {
  while (nodes.length > 1) nodes = level(nodes, false);
  let root: Tree = nodes[0] ?? null;
  // A root with one child is a level too many (after deletions).
  while (root && root.kids && root.kids.length === 1) root = root.kids[0];
  return root;
}

export function lineCount(t: Tree): number {
  return t ? t.lines : 0;
}

export function charCount(t: Tree): number {
  return t ? t.chars : 0;
}

/** Builds a tree from lines in O(n). */
export function fromLines(lines: readonly Line[]): Tree {
  return lines.length === 0 ? null : rootOver(level(lines, true));
}

/**
 * The tree with line `index` replaced: copies only the path to it (a keystroke inside one line), or with an
 * `owner` token changes the path's nodes that token owns in place (see the module comment) and copies the rest
 * with the token. Only the engine's current tree, which nothing else keeps, may be passed an owner.
 */
export function replaceAt(t: Tree, index: number, line: Line, owner = 0): Tree {
  if (!t || index < 0 || index >= t.lines) throw new RangeError(`line ${index} is outside the file`);
  const next = replaceIn(t, index, line, owner);
  record(t, next, index, 1, undefined);
  return next;
}

/** A tree's line `index` put back to `line`: how the undo history keeps a keystroke's earlier state. */
export class LineReplacement {
  constructor(
    readonly index: number,
    readonly line: Line,
  ) {}
}

/** A tree's `count` lines at `index` put back to `lines`: the earlier state of an edit that split or joined lines. */
export class LineSplice {
  constructor(
    readonly index: number,
    readonly count: number,
    readonly lines: readonly Line[],
  ) {}
}

/** What an edit changed, kept instead of the tree before it. */
export type EditDelta = LineReplacement | LineSplice;

/** The tree before the edit `delta` describes (a new tree; `t` is untouched). */
export function undoDelta(t: Tree, delta: EditDelta): Tree {
  return delta instanceof LineReplacement
    ? replaceAt(t, delta.index, delta.line)
    : splice(t, delta.index, delta.count, delta.lines);
}

/** Beyond this many lines removed, a splice's earlier state is better kept as the old tree than as its lines. */
const SPLICE_DELTA_MAX = 256;

// The last replaceAt or splice (module state, compared by identity only): its trees and how to undo it.
let lastBefore: Tree = null,
  lastAfter: Tree = null,
  lastIndex = -1,
  lastWas: Line | undefined,
  lastCount = 0,
  lastRemoved: readonly Line[] | undefined;

/**
 * When `after` came from `before` by the last `replaceAt` (a keystroke; the same root when it was changed in
 * place) or `splice`: how to get `before` back. Answers once: the record is used up, so a later question about
 * an unchanged tree cannot mistake that same edit for its own.
 */
export function editDelta(before: Tree, after: Tree): EditDelta | undefined {
  const hit = lastBefore === before && lastAfter === after && (before !== null || after !== null);
  lastBefore = lastAfter = null;
  if (!hit) return undefined;
  return lastRemoved ? new LineSplice(lastIndex, lastCount, lastRemoved) : new LineReplacement(lastIndex, lastWas!);
}

function record(before: Tree, after: Tree, index: number, count: number, removed: readonly Line[] | undefined): void {
  lastBefore = before;
  lastAfter = after;
  lastIndex = index;
  lastCount = count;
  lastRemoved = removed;
}

function replaceIn(n: TreeNode, index: number, line: Line, owner: number): TreeNode {
  const target = owner !== 0 && n.owner === owner ? n : copyOf(n, owner);
  let i = 0;
  if (target.kids) {
    const kids = target.kids;
    const counts = target.counts!;
    while (index >= counts[i]) index -= counts[i++];
    kids[i] = replaceIn(kids[i], index, line, owner);
    target.sizes[i] = kids[i].chars;
  } else {
    i = index;
    lastWas = target.items![i];
    target.items![i] = line;
    target.sizes[i] = line.text.length;
  }
  adjust(target, lastWas!, line, i);
  return target;
}

/** Replaces `deleteCount` lines at `index` with `insert`. */
export function splice(t: Tree, index: number, deleteCount: number, insert: readonly Line[]): Tree {
  const count = lineCount(t);
  index = Math.max(0, Math.min(index, count));
  deleteCount = Math.max(0, Math.min(deleteCount, count - index));
  if (deleteCount === 1 && insert.length === 1) return replaceAt(t, index, insert[0]);
  if (deleteCount === 0 && insert.length === 0) return t;
  const removed = deleteCount <= SPLICE_DELTA_MAX ? linesBetween(t, index, index + deleteCount) : undefined;
  const next = t ? rootOver(spliceIn(t, index, deleteCount, insert)) : fromLines(insert);
  if (removed) record(t, next, index, insert.length, removed);
  else lastBefore = lastAfter = null;
  return next;
}

/** The nodes (of `n`'s height; possibly none, possibly several) that replace `n` after the splice. */
function spliceIn(n: TreeNode, index: number, deleteCount: number, insert: readonly Line[]): TreeNode[] {
  if (!n.kids) {
    const items = n.items!;
    const next =
      insert.length === 0 && deleteCount === 0
        ? items
        : [...items.slice(0, index), ...insert, ...items.slice(index + deleteCount)];
    return next.length === 0 ? [] : level(next, true);
  }
  const kids = n.kids;
  const out: TreeNode[] = [];
  let start = 0; // first line of kids[i]
  let pending = insert; // inserted by the first child the splice reaches
  const end = index + deleteCount;
  for (let i = 0; i < kids.length; i++) {
    const k = kids[i];
    const kEnd = start + k.lines;
    // Does the splice reach this child? Deletion overlap, or (for the insertion) the child holding `index`,
    // where an index at the very end of the node belongs to the last child.
    const overlaps = deleteCount > 0 && start < end && kEnd > index;
    const inserts = pending.length > 0 && (index < kEnd || (i === kids.length - 1 && index === kEnd)) && index >= start;
    if (!overlaps && !inserts) {
      out.push(k);
      start = kEnd;
      continue;
    }
    const from = Math.max(index, start) - start;
    const del = Math.max(0, Math.min(end, kEnd) - Math.max(index, start));
    if (from === 0 && del === k.lines && !inserts) {
      start = kEnd;
      continue;
    } // wholly deleted
    out.push(...spliceIn(k, from, del, inserts ? pending : []));
    if (inserts) pending = [];
    start = kEnd;
  }
  return level(rebalance(out), false);
}

/** Merges undersized nodes into a neighbour (all of one height), so long deletions leave no sparse levels. */
function rebalance(nodes: TreeNode[]): TreeNode[] {
  if (nodes.length < 2) return nodes;
  const out: TreeNode[] = [];
  for (const n of nodes) {
    const prev = out[out.length - 1];
    if (prev && (small(prev) || small(n))) {
      out.pop();
      out.push(...(n.kids ? level([...prev.kids!, ...n.kids], false) : level([...prev.items!, ...n.items!], true)));
    } else {
      out.push(n);
    }
  }
  return out;
}

function small(n: TreeNode): boolean {
  return n.kids ? n.kids.length < NODE_MIN : n.items!.length < LEAF_MIN;
}

export function lineAt(t: Tree, index: number): Line {
  let n = t;
  if (!n || index < 0 || index >= n.lines) throw new RangeError(`line ${index} is outside the file`);
  while (n.kids) {
    const counts = n.counts!;
    let i = 0;
    while (index >= counts[i]) index -= counts[i++];
    n = n.kids[i];
  }
  return n.items![index];
}

/** Where `locate` found a character: the line, its index and where it starts. */
export interface Located {
  index: number;
  start: number;
  line: Line;
}

/**
 * The line containing character `offset` (which must be < charCount), its index and where it starts; written
 * into `into` when given (the keystroke's path reuses one object rather than allocate one per keystroke).
 */
export function locate(t: Tree, offset: number, into?: Located): Located {
  let n = t;
  if (!n || offset < 0 || offset >= n.chars) throw new RangeError(`offset ${offset} is outside the file`);
  let index = 0,
    start = 0;
  while (n.kids) {
    const sizes = n.sizes;
    let i = 0;
    while (offset >= sizes[i]) {
      offset -= sizes[i];
      start += sizes[i];
      index += n.counts![i];
      i++;
    }
    n = n.kids[i];
  }
  const sizes = n.sizes;
  let i = 0;
  while (offset >= sizes[i]) {
    offset -= sizes[i];
    start += sizes[i];
    i++;
  }
  const items = n.items!;
  if (!into) return { index: index + i, start, line: items[i] };
  into.index = index + i;
  into.start = start;
  into.line = items[i];
  return into;
}

/** Lines [from, to) in order, visiting only the nodes on the way: O(log n + count). */
export function linesBetween(t: Tree, from: number, to: number): Line[] {
  const out: Line[] = [];
  const walk = (n: TreeNode, base: number) => {
    if (!n.kids) {
      const items = n.items!;
      for (let i = Math.max(0, from - base); i < items.length && base + i < to; i++) out.push(items[i]);
      return;
    }
    for (const k of n.kids) {
      if (base >= to) return;
      if (base + k.lines > from) walk(k, base);
      base += k.lines;
    }
  };
  if (t) walk(t, 0);
  return out;
}

export function toLines(t: Tree): Line[] {
  return t ? linesBetween(t, 0, t.lines) : [];
}

export function treeText(t: Tree): string {
  return toLines(t)
    .map((l) => l.text)
    .join('');
}

/** Levels from the root to the leaves (0 for the empty tree). */
export function treeDepth(t: Tree): number {
  let d = 0;
  for (let n = t; n; n = n.kids ? n.kids[0] : null) d++;
  return d;
}
