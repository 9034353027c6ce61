import { LabelClass, type Line } from './line';

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
 * All leaves are at the same depth. `null` is the empty tree.
 */
export class TreeNode {
  readonly lines: number;
  readonly chars: number;
  /** Lines per label class (`LabelClass` in line.ts). */
  readonly ai: number;
  readonly human: number;
  readonly humanWasAi: number;
  readonly untracked: number;
  readonly agents: number;
  /** The text's hashes, filled in by sameText when first needed (-1: not yet). */
  h1 = -1;
  h2 = -1;

  /**
   * A leaf when `kids` is null; then `items` holds its lines. `from` is the node this one copies with one
   * item changed (`was` -> `now`, or for a leaf `wasLine` -> `nowLine`): its aggregates are then adjusted
   * rather than summed again.
   */
  constructor(
    readonly items: readonly Line[] | null,
    readonly kids: readonly TreeNode[] | null,
    from?: TreeNode,
    was?: TreeNode,
    now?: TreeNode,
    wasLine?: Line,
    nowLine?: Line,
  ) {
    if (from && wasLine && nowLine) {
      // A leaf copying `from` with one line replaced (a keystroke), whose agent bits are not lost: adjusted.
      const was = wasLine.labelClass,
        now = nowLine.labelClass;
      this.lines = from.lines;
      this.chars = from.chars - wasLine.text.length + nowLine.text.length;
      this.ai = from.ai + (now === LabelClass.Ai ? 1 : 0) - (was === LabelClass.Ai ? 1 : 0);
      this.human = from.human + (now === LabelClass.Human ? 1 : 0) - (was === LabelClass.Human ? 1 : 0);
      this.humanWasAi =
        from.humanWasAi + (now === LabelClass.HumanWasAi ? 1 : 0) - (was === LabelClass.HumanWasAi ? 1 : 0);
      this.untracked = from.untracked + (now === LabelClass.Untracked ? 1 : 0) - (was === LabelClass.Untracked ? 1 : 0);
      this.agents = from.agents | nowLine.agentBit;
      return;
    }
    if (from && was && now) {
      this.lines = from.lines - was.lines + now.lines;
      this.chars = from.chars - was.chars + now.chars;
      this.ai = from.ai - was.ai + now.ai;
      this.human = from.human - was.human + now.human;
      this.humanWasAi = from.humanWasAi - was.humanWasAi + now.humanWasAi;
      this.untracked = from.untracked - was.untracked + now.untracked;
      // A mask cannot be subtracted: OR the children again only when the old child had bits the new one lacks.
      let agents = from.agents | now.agents;
      if ((was.agents & ~now.agents) !== 0) {
        agents = 0;
        for (const k of kids!) agents |= k.agents;
      }
      this.agents = agents;
      return;
    }
    let lines = 0,
      chars = 0,
      ai = 0,
      human = 0,
      humanWasAi = 0,
      untracked = 0,
      agents = 0;
    if (kids) {
      for (const k of kids) {
        lines += k.lines;
        chars += k.chars;
        ai += k.ai;
        human += k.human;
        humanWasAi += k.humanWasAi;
        untracked += k.untracked;
        agents |= k.agents;
      }
    } else {
      for (const l of items!) {
        chars += l.text.length;
        agents |= l.agentBit;
        switch (l.labelClass) {
          case LabelClass.Ai:
            ai++;
            break;
          case LabelClass.Human:
            human++;
            break;
          case LabelClass.HumanWasAi:
            humanWasAi++;
            break;
          default:
            untracked++;
        }
      }
      lines = items!.length;
    }
    this.lines = lines;
    this.chars = chars;
    this.ai = ai;
    this.human = human;
    this.humanWasAi = humanWasAi;
    this.untracked = untracked;
    this.agents = agents;
  }
}
export type Tree = TreeNode | null;

const LEAF_MAX = 32;
const NODE_MAX = 32;
/** A node smaller than this after a splice is merged with a neighbour, so deletions cannot leave a sparse tree. */
const LEAF_MIN = LEAF_MAX >> 2;
const NODE_MIN = NODE_MAX >> 2;

const leaf = (items: readonly Line[]) => new TreeNode(items, null);
const inner = (kids: readonly TreeNode[]) => new TreeNode(null, kids);

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

/** The tree with line `index` replaced: copies only the path to it (a keystroke inside one line). */
export function replaceAt(t: Tree, index: number, line: Line): Tree {
  if (!t || index < 0 || index >= t.lines) throw new RangeError(`line ${index} is outside the file`);
  const next = replaceIn(t, index, line);
  lastBefore = t;
  lastAfter = next;
  lastIndex = index;
  return next;
}

/** A tree's line `index` put back to `line`: how the undo history keeps a keystroke's earlier state. */
export class LineReplacement {
  constructor(
    readonly index: number,
    readonly line: Line,
  ) {}
}

// The last replaceAt (module state, compared by identity only): its trees, line index and the line it replaced.
let lastBefore: Tree = null,
  lastAfter: Tree = null,
  lastIndex = -1,
  lastWas: Line | undefined;

/** When `after` is `before` with one line replaced by the last `replaceAt` (a keystroke): how to get `before` back. */
export function replacedLine(before: Tree, after: Tree): LineReplacement | undefined {
  return before && lastBefore === before && lastAfter === after ? new LineReplacement(lastIndex, lastWas!) : undefined;
}

function replaceIn(n: TreeNode, index: number, line: Line): TreeNode {
  if (!n.kids) {
    const items = n.items!.slice();
    const was = items[index];
    items[index] = line;
    lastWas = was;
    // A keystroke's leaf: its aggregates adjusted for the one line, not summed again over the leaf.
    return (was.agentBit & ~line.agentBit) === 0
      ? new TreeNode(items, null, n, undefined, undefined, was, line)
      : leaf(items);
  }
  const kids = n.kids.slice();
  for (let i = 0; i < kids.length; i++) {
    const k = kids[i];
    if (index < k.lines) {
      const now = replaceIn(k, index, line);
      kids[i] = now;
      return new TreeNode(null, kids, n, k, now);
    }
    index -= k.lines;
  }
  throw new RangeError('unreachable: line index past the node');
}

/** Replaces `deleteCount` lines at `index` with `insert`. */
export function splice(t: Tree, index: number, deleteCount: number, insert: readonly Line[]): Tree {
  const count = lineCount(t);
  index = Math.max(0, Math.min(index, count));
  deleteCount = Math.max(0, Math.min(deleteCount, count - index));
  if (deleteCount === 1 && insert.length === 1) return replaceAt(t, index, insert[0]);
  if (deleteCount === 0 && insert.length === 0) return t;
  if (!t) return fromLines(insert);
  return rootOver(spliceIn(t, index, deleteCount, insert));
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
    const kids: readonly TreeNode[] = n.kids;
    let i = 0;
    while (index >= kids[i].lines) index -= kids[i++].lines;
    n = kids[i];
  }
  return n.items![index];
}

/** The line containing character `offset` (which must be < charCount), its index and where it starts. */
export function locate(t: Tree, offset: number): { index: number; start: number; line: Line } {
  let n = t;
  if (!n || offset < 0 || offset >= n.chars) throw new RangeError(`offset ${offset} is outside the file`);
  let index = 0,
    start = 0;
  while (n.kids) {
    const kids: readonly TreeNode[] = n.kids;
    let i = 0;
    while (offset >= kids[i].chars) {
      offset -= kids[i].chars;
      start += kids[i].chars;
      index += kids[i].lines;
      i++;
    }
    n = kids[i];
  }
  const items = n.items!;
  let i = 0;
  while (offset >= items[i].text.length) {
    offset -= items[i].text.length;
    start += items[i].text.length;
    i++;
  }
  return { index: index + i, start, line: items[i] };
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
