import type { ChangedFile, GateCommit } from '../core/gate';
import { POLICY_FILE } from '../core/policy';
import { readCommitRange } from './commitLog';
import { runGit } from './gitRunner';
import { isPartialClone, noLazyFetchEnv } from './missingObjects';
import { lossesFrom } from './netChange';
import { AI_NOTES_REF, notesTip, readNotes } from './notesReader';
import { stablePatchIds } from './patchId';
import { keptAnswer } from './refreshCache';
import { evidenceInput, readUntrackedEvidence, type UntrackedEvidence } from './untrackedEvidence';

/**
 * The review panel judges up to 30 branches of a remote, each as a merge into the same target, with the
 * gate's own code (verifyRange → gatherGateInput). Asked branch by branch, the gate's questions cost about six
 * git processes per branch: is the head a commit, how many commits does head --not base hold and which
 * (git log + cat-file), the policy entry at the head, the commits' provenance notes, their patch-ids from the
 * base. A read-ahead asks them once for all heads — one `cat-file --batch-check`, one `rev-list --parents`,
 * one log and one `cat-file --batch` (readCommitRange over every head at once), one notes read, one patch-id
 * run when asked — and works out each head's commits from the graph in memory.
 *
 * It answers only what it read exactly as git would answer the gate's own question; anything else is
 * `undefined`, and the gate asks git as it always does. A head's commits are answered only when they form
 * one chain (each has at most one parent in the range), where the order git prints them in (oldest first,
 * parents before children) is the only possible one; a range with a merge of two range lines is read by the
 * gate itself, so its order is git's own.
 */
export class BranchReadAhead {
  private readonly patchIdRuns = new Map<number, Promise<Map<string, string>>>();
  private lossRun: Promise<Map<string, ChangedFile[]>> | undefined;
  private evidenceRun: Promise<Map<string, UntrackedEvidence>> | undefined;
  private readonly readCommits = new Set<string>();

  private constructor(
    private readonly cwd: string,
    /** The commit every head is read against (`head --not base`). */
    readonly base: string,
    private readonly maxCommits: number,
    private readonly commitHeads: Set<string>,
    private readonly policyEntries: Map<string, string>,
    private readonly counts: Map<string, number>,
    private readonly chains: Map<string, GateCommit[]>,
    private readonly notes: Map<string, string>,
  ) {
    for (const chain of chains.values()) for (const c of chain) this.readCommits.add(c.sha);
  }

  /** Reads ahead for `heads` (full object ids) judged against `base`; a range over `maxCommits` gets only its count. */
  static async read(cwd: string, heads: string[], base: string, maxCommits: number): Promise<BranchReadAhead> {
    const unique = [...new Set(heads)];
    const { commitHeads, policyEntries } = await readHeads(cwd, unique);
    const known = unique.filter((h) => commitHeads.has(h));
    const { counts, chainOf } = await walkRanges(cwd, known, base);
    const readable = known.filter((h) => chainOf.has(h) && (counts.get(h) as number) <= maxCommits);
    const chains = new Map<string, GateCommit[]>();
    let notes = new Map<string, string>();
    const nonEmpty = readable.filter((h) => (counts.get(h) as number) > 0);
    if (nonEmpty.length > 0) {
      const read = await readCommitRange(cwd, [...nonEmpty, '--not', base]);
      // Read stopped at the paths' bound (core/changedPaths.ts) over every head at once: nothing is known of any
      // single head's range then, so none is answered and the gate reads (and refuses) each itself.
      const byId = new Map(read.some((c) => c.pathsOver) ? [] : read.map((c) => [c.sha, c]));
      for (const h of readable) {
        const shas = chainOf.get(h) as string[];
        if (shas.every((s) => byId.has(s)))
          chains.set(
            h,
            shas.map((s) => byId.get(s) as GateCommit),
          );
      }
      notes = await readNotes(cwd, AI_NOTES_REF, byId.keys());
    } else {
      for (const h of readable) chains.set(h, []);
    }
    return new BranchReadAhead(cwd, base, maxCommits, commitHeads, policyEntries, counts, chains, notes);
  }

  /**
   * BranchReadAhead.read, reused while nothing it read can have changed (refreshCache.ts): what it reads is
   * fixed by the object ids of the heads and the base, except the notes, which follow refs/notes/ai's tip.
   */
  static async readCached(cwd: string, heads: string[], base: string, maxCommits: number): Promise<BranchReadAhead> {
    return keptAnswer(
      cwd,
      'readAhead',
      async () => [base, maxCommits, (await notesTip(cwd, AI_NOTES_REF)) ?? '', ...[...new Set(heads)].sort()],
      () => BranchReadAhead.read(cwd, heads, base, maxCommits),
    );
  }

  /** `oid` is a commit here (what `rev-parse --verify OID^{commit}` and `cat-file -e OID` answer for it). */
  isCommit(oid: string): boolean {
    return this.commitHeads.has(oid);
  }

  /** The object id at `head:.countersign.json`; undefined when not read ahead (or there is none). */
  policyEntry(head: string): string | undefined {
    return this.policyEntries.get(head);
  }

  /**
   * `head --not ...exclude`: its size, and its commits oldest first (fresh objects: the gate annotates them)
   * unless there are more than the gate examines. Undefined when not read ahead.
   */
  range(head: string, exclude: string[]): { count: number; commits?: GateCommit[] } | undefined {
    if (exclude.length !== 1 || exclude[0] !== this.base) return undefined;
    const count = this.counts.get(head);
    if (count === undefined) return undefined;
    if (count > this.maxCommits) return { count };
    const chain = this.chains.get(head);
    if (!chain) return undefined;
    return {
      count,
      commits: chain.map((c) => ({ ...c, parents: [...c.parents], files: c.files.map((f) => ({ ...f })) })),
    };
  }

  /**
   * review.untracked's evidence (untrackedEvidence.ts) of the commits every head's chain holds, read once for all
   * branches (two git processes instead of two per branch), for those of `commits` the gate holds as it was read
   * ahead: the evidence is a function of what it compares (untrackedEvidence.evidenceInput), so a commit the gate
   * annotated differently (the net change joining a head's files) is left for the gate to read itself.
   */
  async untrackedEvidence(commits: readonly GateCommit[]): Promise<Map<string, UntrackedEvidence>> {
    const readAhead = new Map<string, GateCommit>();
    for (const chain of this.chains.values()) for (const c of chain) readAhead.set(c.sha, c);
    const same = commits.filter((c) => {
      const mine = readAhead.get(c.sha);
      return mine !== undefined && evidenceInput(mine) === evidenceInput(c);
    });
    if (same.length === 0) return new Map();
    const run = (this.evidenceRun ??= readUntrackedEvidence(this.cwd, [...readAhead.values()]));
    run.catch(() => {
      if (this.evidenceRun === run) this.evidenceRun = undefined;
    });
    const known = await run;
    return new Map(same.map((c) => [c.sha, known.get(c.sha) ?? {}]));
  }

  /** The notes under `ref` on `objects`, when every one of them was read ahead. */
  notesOf(ref: string, objects: string[]): Map<string, string> | undefined {
    if (ref !== AI_NOTES_REF || !objects.every((o) => this.readCommits.has(o))) return undefined;
    const out = new Map<string, string>();
    for (const o of objects) {
      const text = this.notes.get(o);
      if (text !== undefined) out.set(o, text);
    }
    return out;
  }

  /**
   * What `base` → `head` loses (netChange.lossBetween), read once for every head whose commits were read ahead
   * (one diff-tree for all branches instead of two per branch). Undefined for another base or head.
   */
  async loss(from: string, head: string): Promise<ChangedFile[] | undefined> {
    if (from !== this.base || !this.chains.has(head)) return undefined;
    // Kept for later refreshes (readCached) when it succeeds; a failure is asked again next time.
    const run = (this.lossRun ??= lossesFrom(this.cwd, this.base, [...this.chains.keys()]));
    run.catch(() => {
      if (this.lossRun === run) this.lossRun = undefined;
    });
    return (await run).get(head)?.map((f) => ({ ...f }));
  }

  /**
   * Stable patch-ids of base..tip for `tips`, computed once for the newest `limit` commits of every range read
   * ahead (one diff-tree and one patch-id process for all branches). Undefined for another base or a tip
   * outside them.
   */
  async patchIds(base: string, tips: string[], limit: number): Promise<Map<string, string> | undefined> {
    if (base !== this.base) return undefined;
    const newest = new Set<string>();
    for (const chain of this.chains.values()) for (const c of chain.slice(-limit)) newest.add(c.sha);
    if (!tips.every((t) => newest.has(t))) return undefined;
    let run = this.patchIdRuns.get(limit);
    if (!run) {
      const started = (run = stablePatchIds(this.cwd, base, [...newest]));
      this.patchIdRuns.set(limit, started);
      started.catch(() => {
        if (this.patchIdRuns.get(limit) === started) this.patchIdRuns.delete(limit);
      });
    }
    const all = await run;
    return new Map(tips.map((t) => [t, all.get(t) as string]));
  }
}

/**
 * Which heads are commits, and the object at each one's `.countersign.json`: one `cat-file --batch-check`.
 * A partial clone's missing objects would be fetched by it (or kill it on git 2.39), so there only the heads
 * are asked and the policy entries are left to the gate's own `rev-parse`; an entry that reads `missing`
 * (absent, or a submodule, whose commit is not here) is left to it as well.
 */
async function readHeads(
  cwd: string,
  heads: string[],
): Promise<{ commitHeads: Set<string>; policyEntries: Map<string, string> }> {
  const commitHeads = new Set<string>();
  const policyEntries = new Map<string, string>();
  if (heads.length === 0) return { commitHeads, policyEntries };
  const withPolicy = !(await isPartialClone(cwd));
  const names = heads.flatMap((h) => (withPolicy ? [h, `${h}:${POLICY_FILE}`] : [h]));
  const r = await runGit(['cat-file', '--batch-check=%(objectname) %(objecttype)'], {
    cwd,
    input: names.join('\n') + '\n',
    env: noLazyFetchEnv(),
  });
  const lines = r.stdout.split('\n');
  names.forEach((name, i) => {
    const [oid, type] = (lines[i] ?? '').split(' ');
    if (type === 'missing' || type === 'ambiguous' || !type) return;
    const colon = name.indexOf(':');
    if (colon < 0) {
      if (type === 'commit' && oid === name) commitHeads.add(name);
    } else {
      policyEntries.set(name.slice(0, colon), oid);
    }
  });
  return { commitHeads, policyEntries };
}

/**
 * Every head's `head --not base`, from one `rev-list --parents` over all of them: a commit is in a head's range
 * exactly when a walk from the head through parents inside the union reaches it (a commit the base reaches
 * has only ancestors the base reaches). Counts for every head; the commits, newest first, of those whose range
 * is one chain.
 */
async function walkRanges(
  cwd: string,
  heads: string[],
  base: string,
): Promise<{ counts: Map<string, number>; chainOf: Map<string, string[]> }> {
  const counts = new Map<string, number>();
  const chainOf = new Map<string, string[]>();
  if (heads.length === 0) return { counts, chainOf };
  const r = await runGit(['rev-list', '--parents', ...heads, '--not', base, '--'], { cwd });
  const parents = new Map<string, string[]>();
  for (const line of r.stdout.split('\n')) {
    if (!line) continue;
    const ids = line.split(' ');
    parents.set(ids[0], ids.slice(1));
  }
  for (const head of heads) {
    const seen = new Set<string>();
    const stack = parents.has(head) ? [head] : [];
    let chain = true;
    while (stack.length > 0) {
      const c = stack.pop() as string;
      if (seen.has(c)) continue;
      seen.add(c);
      const inRange = (parents.get(c) as string[]).filter((p) => parents.has(p));
      if (inRange.length > 1) chain = false;
      stack.push(...inRange);
    }
    counts.set(head, seen.size);
    // A chain was walked from the head down: `seen` holds it newest first; the gate lists oldest first.
    if (chain) chainOf.set(head, [...seen].reverse());
  }
  return { counts, chainOf };
}
