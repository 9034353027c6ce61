import { LabelClass, type Line } from './line';

/**
 * A node of the line tree (lineTree.ts) and its subtree aggregates: line and character counts, lines per label
 * class, a mask of the agents whose lines it holds. Built once from its items, or copied and then corrected by
 * `adjust` for one replaced line, so a keystroke never sums a node again.
 */
export class TreeNode {
  readonly lines: number;
  // Aggregates: changed only by `adjust`, on a copy or on a node its owner changes in place (lineTree.ts).
  chars: number;
  /** Lines per label class (`LabelClass` in line.ts). */
  ai: number;
  human: number;
  humanWasAi: number;
  untracked: number;
  agents: number;
  /** The text's hashes, filled in by sameText when first needed (-1: not yet). */
  h1 = -1;
  h2 = -1;
  /** The owner token that may change this node in place; 0: nobody (the node is immutable). */
  owner = 0;
  /**
   * The character count of each item or child, side by side: finding the line at an offset reads these rather
   * than one object per line (and its text), which were a keystroke's cache misses (most of its lookup time).
   */
  readonly sizes: number[];
  /** An inner node's line count of each child, side by side likewise (null for a leaf); never changed in place. */
  readonly counts: readonly number[] | null;

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

/** Corrects `n`'s aggregates after line `was` below it became `now` (its children already corrected). */
export function adjust(n: TreeNode, was: Line, now: Line): void {
  n.chars += now.text.length - was.text.length;
  if (was.labelClass !== now.labelClass) {
    countClass(n, was.labelClass, -1);
    countClass(n, now.labelClass, 1);
  }
  // A mask cannot be subtracted: OR the children again only when the old line had bits the new one lacks.
  if ((was.agentBit & ~now.agentBit) === 0) n.agents |= now.agentBit;
  else {
    let agents = 0;
    if (n.kids) for (const k of n.kids) agents |= k.agents;
    else for (const l of n.items!) agents |= l.agentBit;
    n.agents = agents;
  }
  n.h1 = n.h2 = -1;
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
