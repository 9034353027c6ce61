import { isProtected, type Policy } from '../core/policy';
import { gatherApprovals } from './approvalNotes';
import { settledLater } from '../core/settledLater';
import { commitsHeldBy } from './heldCommits';
import { peelValues, type Peeled } from './peelTag';

/**
 * Answers one push's refs share, read once for all of them (session 7, G9: a push of 300 tags at main's tip —
 * nothing to judge — cost the server's gate eight git processes per ref and ran into the hook's timeout). What
 * each ref's value names, which of those commits the protected branches already hold, and the approvals are
 * asked of git once per push, so refs that bring nothing to judge cost no git process of their own.
 */
export type Approvals = Awaited<ReturnType<typeof gatherApprovals>>;

/**
 * How many refs one push may ask the gate to judge in full (refs whose commits a protected branch already holds
 * are free): each costs its own walk and git processes, and the hook has 120 s (docs/threat-model.md, G9).
 */
export const MAX_JUDGED_REFS = 50;

export class PushFacts {
  private approvalsRun: Promise<Approvals> | undefined;
  private judgedInFull = 0;

  private constructor(
    private readonly cwd: string,
    private readonly approvalRefs: string[],
    private readonly approvalCommits: string[],
    /** What each pushed value (a commit or an annotated tag) names, and why one names none. */
    private readonly peeled: Peeled,
    /** The protected branches' tips the walk excluded, and the pushed commits it found they already hold. */
    private readonly held: { tips: Set<string>; commits: Set<string> },
  ) {}

  /**
   * Reads what `values` (the pushed new values) name — one `cat-file --batch-check` — and which of those commits
   * `protectedTips` already hold — one `rev-list` of what the push brings beyond them.
   */
  static async read(
    cwd: string,
    values: string[],
    protectedTips: string[],
    approvals: { approvalRefs: string[]; approvalCommits: string[] },
  ): Promise<PushFacts> {
    // Peels annotated tags as `rev-parse --verify OID^{commit}` does, no tag over the bound read; a tree names none.
    const peeled = await peelValues(cwd, values);
    const held = { tips: new Set(protectedTips), commits: new Set<string>() };
    const heads = [...new Set(peeled.commits.values())];
    if (heads.length > 0 && protectedTips.length > 0) {
      // A walk cut short cannot say a head is held: then none is, and each ref is judged in full.
      for (const h of (await commitsHeldBy(cwd, heads, protectedTips)) ?? []) held.commits.add(h);
    }
    return new PushFacts(cwd, approvals.approvalRefs, approvals.approvalCommits, peeled, held);
  }

  /** The commit `value` names (through annotated tags), or undefined when it names none here. */
  commitOf(value: string): string | undefined {
    return this.peeled.commits.get(value);
  }

  /** Why `value` names no commit (peelTag.ts: a tag object over the bound on its way, or none at all). */
  whyNoCommit(value: string): string {
    return this.peeled.whyNoCommit(value);
  }

  /**
   * `head` is known to be in the history of `tips` (a new ref's `head --not ...tips` is empty); false also when
   * `tips` are not the ones the walk excluded, or the walk was cut short: then the ref is judged in full.
   */
  heldBy(head: string, tips: string[]): boolean {
    if (tips.length !== this.held.tips.size || !tips.every((t) => this.held.tips.has(t))) return false;
    return this.held.commits.has(head);
  }

  /**
   * Counts a ref judged in full; past MAX_JUDGED_REFS, why it is refused instead (the push is refused as a whole,
   * so a push of many costly refs costs the server at most that many judgements).
   */
  admit(ref: string): string | undefined {
    this.judgedInFull += 1;
    if (this.judgedInFull <= MAX_JUDGED_REFS) return undefined;
    return `not judged: this push asks the gate to judge more than ${MAX_JUDGED_REFS} protected refs whose commits no protected branch holds yet (${ref} is one), more than it judges in one push; push them in parts — a branch first, then its tags: a tag or new branch at a protected branch's tip (or at a commit from before the gate) costs nothing and is not counted`;
  }

  /** Every approval statement of the push, read once on first use. */
  approvals(): Promise<Approvals> {
    this.approvalsRun ??= settledLater(gatherApprovals(this.cwd, this.approvalRefs, this.approvalCommits));
    return this.approvalsRun;
  }
}

/**
 * The tips of the protected branches other than `branch`: their commits have been judged, so a new ref or
 * tag is judged only for what it brings beyond them.
 */
export function protectedTipsOf(
  policy: Policy,
  otherBranches: Array<{ branch: string; sha: string }>,
  branch: string,
): string[] {
  const { tips, holders, shaOf } = protectedBranches(policy, otherBranches);
  // Each commit once (a pusher can park any number of branches at one tip: L9); `branch`'s own tip stays when
  // another protected branch holds it too.
  const own = shaOf.get(branch);
  if (own === undefined || (holders.get(own) ?? 0) > 1) return tips;
  return tips.filter((t) => t !== own);
}

type ProtectedBranches = { tips: string[]; holders: Map<string, number>; shaOf: Map<string, string> };
const protectedCache = new WeakMap<Policy, WeakMap<object, ProtectedBranches>>();

/**
 * Which of a listing's branches the policy protects, worked out once per policy and listing: a push asks it for
 * every ref it updates, and matching each of tens of thousands of branch names against the policy's patterns
 * for each of hundreds of refs ran past the hook's time (L9).
 */
function protectedBranches(policy: Policy, listing: Array<{ branch: string; sha: string }>): ProtectedBranches {
  let byListing = protectedCache.get(policy);
  if (!byListing) protectedCache.set(policy, (byListing = new WeakMap()));
  let found = byListing.get(listing);
  if (!found) {
    const holders = new Map<string, number>();
    const shaOf = new Map<string, string>();
    for (const b of listing) {
      if (!isProtected(policy, b.branch)) continue;
      shaOf.set(b.branch, b.sha);
      holders.set(b.sha, (holders.get(b.sha) ?? 0) + 1);
    }
    found = { tips: [...holders.keys()], holders, shaOf };
    byListing.set(listing, found);
  }
  return found;
}
