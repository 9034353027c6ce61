import { LabelClass, P1, P2, type Line } from './line';

/**
 * A persistent (immutable, path-copying) treap of lines with subtree aggregates: line and character counts,
 * label-class counts, an agent mask and a polynomial hash of the text. Why this shape:
 * - an edit touches O(log n) nodes, however long the file, so a keystroke in a 100,000-line file costs about
 *   what it costs in a 100-line one (DESIGN: "time proportional to the edit, not to the file");
 * - offset -> line lookups descend by character counts, so nothing ever re-splits the whole text;
 * - old roots stay valid after an edit, so an undo state is just a root kept in a list, and the hash lets undo
 *   recognise "this is exactly the text of that earlier state" without comparing whole texts.
 * `null` is the empty tree.
 */
export interface TreeNode {
  readonly line: Line;
  readonly prio: number;
  readonly left: Tree;
  readonly right: Tree;
  readonly lines: number;
  readonly chars: number;
  readonly h1: number;
  readonly h2: number;
  /** Lines per label class (`LabelClass` in line.ts); plain fields, not an array, to halve allocations. */
  readonly ai: number;
  readonly human: number;
  readonly humanWasAi: number;
  readonly untracked: number;
  readonly agents: number;
}
export type Tree = TreeNode | null;

// Priorities from a fixed-seed xorshift: tree shapes (and so timings) are reproducible from run to run.
let seed = 0x9e3779b9;
function nextPriority(): number {
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed;
}

// Powers of the line-hash bases, grown on demand: hash(L ++ R) = hash(L) * B^lines(R) + hash(R).
const B1 = 1000003 % P1;
const B2 = 998244353 % P2;
let pow1 = new Float64Array([1]);
let pow2 = new Float64Array([1]);
function ensurePowers(n: number): void {
  if (n < pow1.length) return;
  let size = pow1.length;
  while (size <= n) size *= 2;
  const p1 = new Float64Array(size), p2 = new Float64Array(size);
  p1.set(pow1); p2.set(pow2);
  for (let i = pow1.length; i < size; i++) {
    p1[i] = (p1[i - 1] * B1) % P1;
    p2[i] = (p2[i - 1] * B2) % P2;
  }
  pow1 = p1; pow2 = p2;
}

function node(line: Line, prio: number, left: Tree, right: Tree): TreeNode {
  const rl = right ? right.lines : 0;
  ensurePowers(rl + 1);
  const c = line.labelClass;
  return {
    line, prio, left, right,
    lines: (left ? left.lines : 0) + 1 + rl,
    chars: (left ? left.chars : 0) + line.text.length + (right ? right.chars : 0),
    h1: (((left ? left.h1 : 0) * pow1[rl + 1]) % P1 + (line.h1 * pow1[rl]) % P1 + (right ? right.h1 : 0)) % P1,
    h2: (((left ? left.h2 : 0) * pow2[rl + 1]) % P2 + (line.h2 * pow2[rl]) % P2 + (right ? right.h2 : 0)) % P2,
    ai: (left ? left.ai : 0) + (right ? right.ai : 0) + (c === LabelClass.Ai ? 1 : 0),
    human: (left ? left.human : 0) + (right ? right.human : 0) + (c === LabelClass.Human ? 1 : 0),
    humanWasAi: (left ? left.humanWasAi : 0) + (right ? right.humanWasAi : 0) + (c === LabelClass.HumanWasAi ? 1 : 0),
    untracked: (left ? left.untracked : 0) + (right ? right.untracked : 0) + (c === LabelClass.Untracked ? 1 : 0),
    agents: (left ? left.agents : 0) | line.agentBit | (right ? right.agents : 0),
  };
}

export function lineCount(t: Tree): number {
  return t ? t.lines : 0;
}

export function charCount(t: Tree): number {
  return t ? t.chars : 0;
}

export function merge(a: Tree, b: Tree): Tree {
  if (!a) return b;
  if (!b) return a;
  if (a.prio >= b.prio) return node(a.line, a.prio, a.left, merge(a.right, b));
  return node(b.line, b.prio, merge(a, b.left), b.right);
}

/** Splits into the first `k` lines and the rest. */
export function split(t: Tree, k: number): [Tree, Tree] {
  if (!t) return [null, null];
  const ll = lineCount(t.left);
  if (k <= ll) {
    const [a, b] = split(t.left, k);
    return [a, node(t.line, t.prio, b, t.right)];
  }
  const [a, b] = split(t.right, k - ll - 1);
  return [node(t.line, t.prio, t.left, a), b];
}

/** Builds a treap from lines in O(n): a Cartesian tree over random priorities via the right-spine stack. */
export function fromLines(lines: readonly Line[]): Tree {
  const n = lines.length;
  if (n === 0) return null;
  if (n === 1) return node(lines[0], nextPriority(), null, null); // the common case: a keystroke's one line
  const prio: number[] = new Array<number>(n);
  const left: number[] = new Array<number>(n).fill(-1);
  const right: number[] = new Array<number>(n).fill(-1);
  const stack: number[] = [];
  for (let i = 0; i < n; i++) {
    prio[i] = nextPriority();
    let last = -1;
    while (stack.length > 0 && prio[stack[stack.length - 1]] < prio[i]) last = stack.pop()!;
    left[i] = last;
    if (stack.length > 0) right[stack[stack.length - 1]] = i;
    stack.push(i);
  }
  // Children before parents: a post-order walk with an explicit stack (a degenerate shape must not overflow).
  const built: Tree[] = new Array<Tree>(n).fill(null);
  const order: number[] = [];
  const todo = [stack[0]];
  while (todo.length > 0) {
    const i = todo.pop()!;
    order.push(i);
    if (left[i] >= 0) todo.push(left[i]);
    if (right[i] >= 0) todo.push(right[i]);
  }
  for (let o = order.length - 1; o >= 0; o--) {
    const i = order[o];
    built[i] = node(lines[i], prio[i], left[i] >= 0 ? built[left[i]] : null, right[i] >= 0 ? built[right[i]] : null);
  }
  return built[stack[0]];
}

/** The tree with line `index` replaced: copies only the path to it (a keystroke inside one line). */
export function replaceAt(t: Tree, index: number, line: Line): Tree {
  if (!t) throw new RangeError(`line ${index} is outside the file`);
  const ll = lineCount(t.left);
  if (index < ll) return node(t.line, t.prio, replaceAt(t.left, index, line), t.right);
  if (index === ll) return node(line, t.prio, t.left, t.right);
  return node(t.line, t.prio, t.left, replaceAt(t.right, index - ll - 1, line));
}

/** Replaces `deleteCount` lines at `index` with `insert`. */
export function splice(t: Tree, index: number, deleteCount: number, insert: readonly Line[]): Tree {
  if (deleteCount === 1 && insert.length === 1 && index < lineCount(t)) return replaceAt(t, index, insert[0]);
  const [before, rest] = split(t, index);
  const after = split(rest, deleteCount)[1];
  return merge(merge(before, fromLines(insert)), after);
}

export function lineAt(t: Tree, index: number): Line {
  let n = t;
  while (n) {
    const ll = lineCount(n.left);
    if (index < ll) n = n.left;
    else if (index === ll) return n.line;
    else { index -= ll + 1; n = n.right; }
  }
  throw new RangeError(`line ${index} is outside the file`);
}

/** The line containing character `offset` (which must be < charCount) and where that line starts. */
export function locate(t: Tree, offset: number): { index: number; start: number } {
  let n = t;
  let index = 0, start = 0;
  while (n) {
    const lc = charCount(n.left);
    if (offset < lc) { n = n.left; continue; }
    const len = n.line.text.length;
    if (offset < lc + len) return { index: index + lineCount(n.left), start: start + lc };
    offset -= lc + len;
    start += lc + len;
    index += lineCount(n.left) + 1;
    n = n.right;
  }
  throw new RangeError(`offset ${offset} is outside the file`);
}

/** Lines [from, to) in order, visiting only the nodes on the way: O(log n + count). */
export function linesBetween(t: Tree, from: number, to: number): Line[] {
  const out: Line[] = [];
  const walk = (n: Tree, base: number) => {
    if (!n || base >= to || base + n.lines <= from) return;
    const ll = lineCount(n.left);
    walk(n.left, base);
    const i = base + ll;
    if (i >= from && i < to) out.push(n.line);
    walk(n.right, i + 1);
  };
  walk(t, 0);
  return out;
}

export function toLines(t: Tree): Line[] {
  const out: Line[] = [];
  const stack: TreeNode[] = [];
  let n = t;
  while (n || stack.length > 0) {
    while (n) { stack.push(n); n = n.left; }
    const top = stack.pop()!;
    out.push(top.line);
    n = top.right;
  }
  return out;
}

export function treeText(t: Tree): string {
  return toLines(t).map((l) => l.text).join('');
}

/** Same text, decided by sizes and hashes: used to match undo states, never to decide labels on its own. */
export function sameText(a: Tree, b: Tree): boolean {
  if (a === b) return true;
  if (!a || !b) return charCount(a) === 0 && charCount(b) === 0;
  return a.lines === b.lines && a.chars === b.chars && a.h1 === b.h1 && a.h2 === b.h2;
}

