/**
 * The commit graph of the streamed history, with generation numbers (1 + the highest parent's), so that
 * `base..tip` ranges are answered in memory the way git answers them — painting down from both ends in
 * generation order and stopping once only base-side commits are left — instead of one `git rev-list` per
 * approval.
 */
export class CommitGraph {
  private readonly index = new Map<string, number>();
  private readonly shas: string[] = [];
  private readonly parentShas: string[][] = [];
  private parents: number[][] = [];
  private gen: Uint32Array = new Uint32Array(0);
  private sealed = false;

  add(sha: string, parents: string[]): void {
    if (this.sealed) throw new Error('CommitGraph: add after seal');
    if (this.index.has(sha)) return;
    this.index.set(sha, this.shas.length);
    this.shas.push(sha);
    this.parentShas.push(parents);
  }

  has(sha: string): boolean {
    return this.index.has(sha);
  }

  get size(): number {
    return this.shas.length;
  }

  /** Computes parent indices and generation numbers; parents outside the graph are boundary (ignored). */
  seal(): void {
    if (this.sealed) return;
    this.sealed = true;
    this.parents = this.parentShas.map((ps) =>
      ps.map((p) => this.index.get(p)).filter((i): i is number => i !== undefined),
    );
    const n = this.shas.length;
    this.gen = new Uint32Array(n);
    // Iterative post-order: history can be far deeper than the JS stack.
    const stack: number[] = [];
    for (let root = 0; root < n; root++) {
      if (this.gen[root] !== 0) continue;
      stack.push(root);
      while (stack.length > 0) {
        const c = stack[stack.length - 1];
        let ready = true;
        let g = 0;
        for (const p of this.parents[c]) {
          if (this.gen[p] === 0) {
            ready = false;
            stack.push(p);
          } else g = Math.max(g, this.gen[p]);
        }
        if (ready) {
          stack.pop();
          if (this.gen[c] === 0) this.gen[c] = g + 1;
        }
      }
    }
  }

  /**
   * Commits reachable from `tip` and not from `base` (`git rev-list base..tip`), as shas; everything
   * reachable from `tip` when `base` is undefined. Undefined when `tip` is not in the graph.
   */
  range(tip: string, base?: string): string[] | undefined {
    this.seal();
    const t = this.index.get(tip);
    if (t === undefined) return undefined;
    const b = base === undefined ? undefined : this.index.get(base);
    const flags = new Map<number, number>();
    const heap = new GenHeap(this.gen);
    let interesting = 0; // queued commits not painted from base
    const push = (c: number, f: number) => {
      const old = flags.get(c);
      if (old === undefined) {
        flags.set(c, f);
        heap.push(c);
        if (!(f & 2)) interesting++;
      } else if ((old | f) !== old) {
        if (!(old & 2) && f & 2) interesting--;
        flags.set(c, old | f);
      }
    };
    push(t, 1);
    if (b !== undefined) push(b, 2);
    const out: string[] = [];
    const done = new Set<number>();
    while (heap.size > 0 && interesting > 0) {
      const c = heap.pop();
      if (done.has(c)) continue;
      done.add(c);
      const f = flags.get(c) ?? 0;
      if (!(f & 2)) {
        interesting--;
        out.push(this.shas[c]);
      }
      for (const p of this.parents[c]) push(p, f & 2 ? 2 : 1);
    }
    return out;
  }
}

/** Max-heap of commit indices by generation number. */
class GenHeap {
  private readonly items: number[] = [];
  constructor(private readonly gen: Uint32Array) {}
  get size(): number {
    return this.items.length;
  }
  push(x: number): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.gen[a[p]] >= this.gen[a[i]]) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }
  pop(): number {
    const a = this.items;
    const top = a[0];
    const last = a.pop() as number;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1,
          r = l + 1;
        let m = i;
        if (l < a.length && this.gen[a[l]] > this.gen[a[m]]) m = l;
        if (r < a.length && this.gen[a[r]] > this.gen[a[m]]) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}
