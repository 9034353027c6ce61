import { P1, P2, lineHashes } from './line';
import { charCount, type Tree, type TreeNode } from './lineTree';

/**
 * Equal text of two line trees by sizes and a polynomial hash of their lines, cached on the nodes (old roots
 * share their unchanged subtrees, so an undo state costs only its changed path to hash).
 */

// Powers of the line-hash bases, grown on demand: hash(L ++ R) = hash(L) * B^lines(R) + hash(R).
const B1 = 1000003 % P1;
const B2 = 998244353 % P2;
let pow1 = new Float64Array([1, B1]);
let pow2 = new Float64Array([1, B2]);
function ensurePowers(n: number): void {
  if (n < pow1.length) return;
  let size = pow1.length;
  while (size <= n) size *= 2;
  const p1 = new Float64Array(size),
    p2 = new Float64Array(size);
  p1.set(pow1);
  p2.set(pow2);
  for (let i = pow1.length; i < size; i++) {
    p1[i] = (p1[i - 1] * B1) % P1;
    p2[i] = (p2[i - 1] * B2) % P2;
  }
  pow1 = p1;
  pow2 = p2;
}

/** Fills in `n.h1`/`n.h2` (and those of the descendants that lack them): a hash of the sequence of lines. */
function hashNode(n: TreeNode): void {
  if (n.h1 >= 0) return;
  let h1 = 0,
    h2 = 0;
  if (n.kids) {
    for (const k of n.kids) {
      hashNode(k);
      ensurePowers(k.lines);
      h1 = (((h1 * pow1[k.lines]) % P1) + k.h1) % P1;
      h2 = (((h2 * pow2[k.lines]) % P2) + k.h2) % P2;
    }
  } else {
    for (const l of n.items!) {
      lineHashes(l);
      h1 = (((h1 * B1) % P1) + l.h1) % P1;
      h2 = (((h2 * B2) % P2) + l.h2) % P2;
    }
  }
  n.h1 = h1;
  n.h2 = h2;
}

/** Same text, decided by sizes and hashes: used to match undo states, never to decide labels on its own. */
export function sameText(a: Tree, b: Tree): boolean {
  if (a === b) return true;
  if (!a || !b) return charCount(a) === 0 && charCount(b) === 0;
  if (a.lines !== b.lines || a.chars !== b.chars) return false;
  hashNode(a);
  hashNode(b);
  return a.h1 === b.h1 && a.h2 === b.h2;
}
