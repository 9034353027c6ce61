import { LabelClass, type Line } from './line';

/**
 * A node of the line tree (lineTree.ts) and its subtree aggregates: line and character counts, lines per label
 * class, a mask of the agents whose lines it holds. Built once from its items, or copied and then corrected by
 * `adjust` for one replaced line, so a keystroke never sums a node again.
 */
export class TreeNode {
  // Fields in the order a keystroke reads them (V8 lays them out in declaration order, after the constructor's
  // parameter properties `items` and `kids`): the lookup's arrays and the owner share the node's first cache line.
  /**
   * The character count of each item or child, side by side: finding the line at an offset reads these rather
   * than one object per line (and its text), which were a keystroke's cache misses (most of its lookup time).
   */
  readonly sizes: number[];
  /** An inner node's line count of each child, side by side likewise (null for a leaf); never changed in place. */
  readonly counts: readonly number[] | null;
  /** The owner token that may change this node in place; 0: nobody (the node is immutable). */
  owner = 0;
  // Aggregates: changed only by `adjust`, on a copy or on a node its owner changes in place (lineTree.ts).
  chars: number;
  readonly lines: number;
  /** Lines per label class (`LabelClass` in line.ts). */
  ai: number;
  human: number;
  humanWasAi: number;
  untracked: number;
  agents: number;
  /** The text's hashes, filled in by sameText when first needed (-1: not yet). */
  h1 = -1;
  h2 = -1;

  /**
   * A leaf when `kids` is null; then `items` holds its lines. With `from`, a copy of that node about to have one
   * item replaced: its aggregates start as `from`'s and `adjust` corrects them, rather than summing again.
   */
  constructor(
    readonly items: Line[] | null,
    readonly kids: TreeNode[] | null,
    from?: TreeNode,
  ) {
    if (from) {
      this.sizes = from.sizes.slice();
      this.counts = from.counts; // a replaced line changes no line count
      this.lines = from.lines;
      this.chars = from.chars;
      this.ai = from.ai;
      this.human = from.human;
      this.humanWasAi = from.humanWasAi;
      this.untracked = from.untracked;
      this.agents = from.agents;
      return;
    }
    let lines = 0,
      chars = 0,
      ai = 0,
      human = 0,
      humanWasAi = 0,
      untracked = 0,
      agents = 0;
    const sizes: number[] = [];
    const counts: number[] | null = kids ? [] : null;
    if (kids) {
      for (const k of kids) {
        sizes.push(k.chars);
        counts!.push(k.lines);
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
        sizes.push(l.text.length);
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
    this.sizes = sizes;
    this.counts = counts;
    this.lines = lines;
    this.chars = chars;
    this.ai = ai;
    this.human = human;
    this.humanWasAi = humanWasAi;
    this.untracked = untracked;
    this.agents = agents;
  }
}
/** A copy of `n` (same items or children, in a new array) that `owner` may change in place. */
export function copyOf(n: TreeNode, owner: number): TreeNode {
  const copy = n.kids ? new TreeNode(null, n.kids.slice(), n) : new TreeNode(n.items!.slice(), null, n);
  copy.owner = owner;
  return copy;
}

/**
 * Corrects `n`'s aggregates after line `was` below it became `now`: item `at` of a leaf, or in child `at` of an
 * inner node, whose own aggregates are already corrected.
 */
export function adjust(n: TreeNode, was: Line, now: Line, at: number): void {
  n.chars += now.text.length - was.text.length;
  if (was.labelClass !== now.labelClass) {
    countClass(n, was.labelClass, -1);
    countClass(n, now.labelClass, 1);
  }
  // A mask cannot be subtracted: the bits the old line had and the new one lacks stay only if another item
  // still has them.
  const lost = was.agentBit & ~now.agentBit;
  n.agents = lost === 0 ? n.agents | now.agentBit : (n.agents & ~lost) | now.agentBit | stillHeld(n, at, lost);
  n.h1 = n.h2 = -1;
}

/**
 * Which of the bits `lost` some item of `n` still has, looking outwards from item `at` and stopping once all
 * are found: an agent's lines come in runs, so a neighbour (or the changed child itself) usually answers, and a
 * keystroke that turns an AI line human in a large file reads a few items rather than every one of a leaf and
 * of each node above it (those reads were most of the growth from 1,000 to 100,000 lines: cache misses).
 */
function stillHeld(n: TreeNode, at: number, lost: number): number {
  const kids = n.kids;
  const items = n.items;
  const count = kids ? kids.length : items!.length;
  let found = 0;
  for (let d = 0; found !== lost && (at - d >= 0 || at + d < count); d++) {
    const before = at - d,
      after = at + d;
    if (kids) {
      if (before >= 0) found |= kids[before].agents & lost;
      if (d > 0 && after < count) found |= kids[after].agents & lost;
    } else {
      if (before >= 0) found |= items![before].agentBit & lost;
      if (d > 0 && after < count) found |= items![after].agentBit & lost;
    }
  }
  return found;
}

function countClass(n: TreeNode, c: LabelClass, d: number): void {
  switch (c) {
    case LabelClass.Ai:
      n.ai += d;
      break;
    case LabelClass.Human:
      n.human += d;
      break;
    case LabelClass.HumanWasAi:
      n.humanWasAi += d;
      break;
    default:
      n.untracked += d;
  }
}
