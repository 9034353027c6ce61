import type { SignedStatement } from '../core/approvalStatement';
import { type ApprovalNeed, unmetNeed } from '../core/approvalDecision';
import { selfReview, type CommitPeople, ReviewerKeys } from '../core/approvalRules';
import { MAX_COMMIT_BYTES } from '../core/commitBound';
import { parseCommitObject } from '../core/commitObject';
import { evaluateGate, type GateInput, type PolicySource } from '../core/gate';
import { gateStanding } from '../core/statementStanding';
import { readObjects } from './catFileBatch';
import { emptyTree } from './emptyTree';
import type { GatherOptions } from './gateInput';
import type { Approvals } from './pushFacts';

/**
 * Whether a commit is a state the gate vouches for (issue 10, "one rule, one place"): the reviewed point that
 * starts the deletion tiers' count (reviewedPoint.ts, which also asks `meets`) and the states a tag at an
 * older commit is judged from (vouchedState.ts, K3). It was a second copy of "does an approval count" — one valid approval of the tip by
 * someone other than its author or committer, no later rejection on that very tip — so one reviewer's approval
 * made a point where the tip's tier needed two, and a request for changes on a range holding the tip (a
 * rejection of T2 holds its prefix) was not read. Now the gate answers: a tip is vouched for when the gate
 * passes its statement's span, base..tip, judged as a merge into the ref with every approval known — the same
 * tiers, coverage, two-person and rejection rules as any push (core/gate.ts, core/statementStanding.ts) — and,
 * by the same standing, an approval counts for the tip itself and no request for changes holds it (also where
 * the tip needed no review, which the gate would not ask).
 *
 * Who may approve a tip is the gate's two-person rule (approvalRules.selfReview) over the commit object as the
 * gate reads it (core/commitObject.ts), not over `git log`'s %ae/%ce: a commit whose header readers may take
 * differently (two `author` lines: git log shows the last) has no author anyone can show is not the reviewer, so
 * no approval makes it a candidate. Read with `prepare`, one `git cat-file --batch` of the approved tips.
 *
 * Cost, bounded: only tips of a valid approval by someone other than their author or committer are judged
 * (`candidate`, no git once prepared); each judgement is one gate input gathered (about 20 git processes, no more per commit
 * than a push of that span costs), at most MAX_JUDGED_TIPS per walk, beyond which the answer is unknown and the
 * caller fails closed. A tip approved against several bases is judged against the newest approval's base, then
 * the next one's (two at most).
 */
export const MAX_JUDGED_TIPS = 8;
const MAX_BASES_PER_TIP = 2;

type Gather = (cwd: string, opts: GatherOptions) => Promise<GateInput>;

/**
 * Span verdicts per policy and approvals object, shared by every TipJudge over them: the refs of one push (the
 * server reads the approvals once per push, PushFacts) ask about the same tips — fifty tags at older commits
 * cost the judgements of the few points they share, not fifty times those. A verdict does not depend on which
 * protected ref asks: the policy, the approvals and the span are the same. A verdict is the reviewers whose
 * approval counts for the tip, one per person (none: the span does not vouch for it).
 */
const spanVerdicts = new WeakMap<object, WeakMap<Approvals, Map<string, Promise<readonly Approver[]>>>>();

/** What a tier reads of a reviewer whose approval counts (core/approvalDecision.ts unmetNeed). */
type Approver = { role?: string };

/** Any approval: what a point asks where no deletion tier is counted. */
const ANY: ApprovalNeed = { approvals: 1, roles: [] };

/**
 * The people of approved tips as the gate reads them (null: no commit this repository can read), per approvals
 * object: as spanVerdicts, the refs of one push share the read.
 */
const tipPeople = new WeakMap<Approvals, Map<string, CommitPeople | null>>();

export class TipJudge {
  private readonly byTip = new Map<string, SignedStatement[]>();
  private readonly verdicts = new Map<string, Promise<boolean | 'unknown'>>();
  /** The base of the span that made each vouched tip (null: a span from the empty tree, the tip's whole history). */
  private readonly bases = new Map<string, string | null>();
  /** The reviewers whose approval counts for each vouched tip, in the span that made it one (meets). */
  private readonly approvers = new Map<string, readonly Approver[]>();
  private judged = 0;
  private readonly keys: ReviewerKeys;

  constructor(
    private readonly cwd: string,
    private readonly o: {
      /** The protected ref being judged: the span is judged as a merge into it. */
      branch: string;
      policy: PolicySource & { kind: 'ok' };
      approvals: Approvals;
      /** The policy's reviewer keys (default: read from `policy`). */
      keys?: ReviewerKeys;
      /** gateInput.gatherGateInput, passed in (it calls this module). */
      gather: Gather;
    },
  ) {
    this.keys = o.keys ?? new ReviewerKeys(o.policy.policy);
    for (const { signed } of o.approvals.statements) {
      if (signed.statement.decision !== 'approve' || !this.keys.plausible(signed)) continue;
      const list = this.byTip.get(signed.statement.tip);
      if (list) list.push(signed);
      else this.byTip.set(signed.statement.tip, [signed]);
    }
  }

  /**
   * Reads the approved tips' commit objects, once (`candidate` and `vouched` need it). A tip this repository
   * lacks, or cannot read as a commit — or one over MAX_COMMIT_BYTES, streamed past (attack21 02) — is no candidate.
   */
  prepare(): Promise<void> {
    this.prepared ??= (async () => {
      let people = tipPeople.get(this.o.approvals);
      if (!people) tipPeople.set(this.o.approvals, (people = new Map()));
      const known = people;
      const unread = [...this.byTip.keys()].filter((sha) => !known.has(sha));
      await readObjects(
        this.cwd,
        unread,
        (sha, content, type) => {
          let read: CommitPeople | null = null;
          if (content && type === 'commit') {
            try {
              const o = parseCommitObject(content, `commit ${sha}`);
              read = {
                author: o.author,
                committer: o.committer,
                ...(o.headerProblem ? { headerProblem: o.headerProblem } : {}),
              };
            } catch {
              // No author header: not a commit git would show; nobody approves it.
            }
          }
          known.set(sha, read);
        },
        { maxBytes: MAX_COMMIT_BYTES },
      );
      this.people = known;
    })();
    return this.prepared;
  }

  private prepared: Promise<void> | undefined;
  private people: Map<string, CommitPeople | null> | undefined;

  /**
   * The approvals of `sha` as a tip that could count for it: signed by a listed reviewer whom the gate's two-person
   * rule lets approve the commit as the gate reads it (none for a commit with a headerProblem).
   */
  private approvalsOf(sha: string): SignedStatement[] {
    if (!this.people) throw new Error('TipJudge: prepare() first');
    const commit = this.people.get(sha);
    if (!commit) return [];
    return (this.byTip.get(sha) ?? []).filter((s) => {
      const v = this.keys.check(s);
      return v.ok && selfReview(v.reviewer.email, commit) === undefined;
    });
  }

  /**
   * Whether the walk should stop at `sha` to ask `vouched` (no git work, once prepared): the tip of approvals that
   * could count for it whose listed reviewers, one per address, meet `need` (what the deletion walk will ask of
   * `meets`: as many reviewers, and the roles). A necessary condition, never a verdict of its own: distinct
   * addresses are at least the people the gate counts, and the roles are theirs, so a tip skipped here could not
   * have met it (but for approvals carried to it from a rebased copy, which the skip leaves uncounted: the count
   * only grows, fails closed), and it costs no judgement (MAX_JUDGED_TIPS) — a run of features one reviewer, or
   * two without the deletion tier's role, approved does not make the deletion count unknown.
   */
  candidate(sha: string, need: ApprovalNeed = ANY): boolean {
    const byAddress = new Map<string, Approver>();
    for (const s of this.approvalsOf(sha)) {
      const v = this.keys.check(s); // memoised: approvalsOf checked it
      if (v.ok) byAddress.set(s.statement.reviewer.email, v.reviewer);
    }
    return unmetNeed(need, [...byAddress.values()]) === undefined;
  }

  /** The gate's verdict on `sha` as a vouched state (see above); 'unknown' past MAX_JUDGED_TIPS. Asked once per tip. */
  vouched(sha: string): Promise<boolean | 'unknown'> {
    let v = this.verdicts.get(sha);
    if (!v) {
      v = this.judge(sha);
      this.verdicts.set(sha, v);
    }
    return v;
  }

  private async judge(sha: string): Promise<boolean | 'unknown'> {
    const at = (s: SignedStatement) => Date.parse(s.statement.time);
    const newestFirst = this.approvalsOf(sha).sort((a, b) => at(b) - at(a));
    const bases = [...new Set(newestFirst.map((s) => s.statement.base))].slice(0, MAX_BASES_PER_TIP);
    const empty = bases.length > 0 ? await emptyTree(this.cwd) : '';
    let byPolicy = spanVerdicts.get(this.o.policy.policy);
    if (!byPolicy) spanVerdicts.set(this.o.policy.policy, (byPolicy = new WeakMap()));
    let memo = byPolicy.get(this.o.approvals);
    if (!memo) byPolicy.set(this.o.approvals, (memo = new Map()));
    for (const base of bases) {
      const key = `${base}..${sha}`;
      let verdict = memo.get(key);
      if (!verdict) {
        if (++this.judged > MAX_JUDGED_TIPS) return 'unknown';
        verdict = this.spanPasses(base === empty ? undefined : base, sha);
        memo.set(key, verdict);
      }
      const approvers = await verdict;
      if (approvers.length > 0) {
        this.bases.set(sha, base === empty ? null : base);
        this.approvers.set(sha, approvers);
        return true;
      }
    }
    return false;
  }

  /**
   * Whether `sha` is a reviewed point: a candidate the gate vouches for (past MAX_JUDGED_TIPS: no, which fails
   * closed). What a gitlink may name besides a protected ref's value (gitlinkPins.ts, attack23 02).
   */
  async isPoint(sha: string): Promise<boolean> {
    await this.prepare();
    return this.candidate(sha) && (await this.vouched(sha)) === true;
  }

  /**
   * The base of the approval span that made `sha` a vouched state (null: the empty tree), once `vouched` said
   * true; undefined otherwise. The span's commits are judged, its base is not: a caller trusting the tip as a
   * state on its own must know the base is one (vouchedExits.ts, N6).
   */
  spanBase(sha: string): string | null | undefined {
    return this.bases.get(sha);
  }

  /**
   * Whether the approvals that count for `sha`, where `vouched` said true (none otherwise), meet `need` as the gate
   * decides it for a tier (core/approvalDecision.ts unmetNeed: one per person, and the roles). The deletion walk
   * asks what the deletion tiers do (reviewedPoint.ts, attack23 04); other uses of a point take any.
   */
  meets(sha: string, need: ApprovalNeed): boolean {
    const approvers = this.approvers.get(sha);
    return approvers !== undefined && unmetNeed(need, approvers) === undefined;
  }

  /**
   * The newest statement of each tip that is a candidate for `need` (no git once prepared), the newest first:
   * the approvals whose landed copies may be reviewed points (landedPoints.ts).
   */
  approvedTips(need: ApprovalNeed): SignedStatement['statement'][] {
    const at = (s: SignedStatement) => Date.parse(s.statement.time);
    const out: SignedStatement[] = [];
    for (const tip of this.byTip.keys()) {
      if (!this.candidate(tip, need)) continue;
      const newest = this.approvalsOf(tip).sort((a, b) => at(b) - at(a))[0];
      if (newest) out.push(newest);
    }
    return out.sort((a, b) => at(b) - at(a)).map((s) => s.statement);
  }

  /**
   * The commits of base..tip when the gate passes that span as a merge into the ref with every approval known and
   * the approvals counting for each of its commits meet `need` (carried there by patch-id or replayed tree, as the
   * gate carries them: core/rebasedCopy.ts, RangeIndex), none under a request for changes; empty otherwise. What
   * makes a landed copy of an approved change a reviewed point (landedPoints.ts, newuser25 N2): every commit it
   * holds is covered as the deletion tiers ask, so one the pusher slipped into it makes none. One judgement
   * (MAX_JUDGED_TIPS, shared with `vouched`); 'unknown' past it.
   */
  async coveredSpan(base: string, tip: string, need: ApprovalNeed): Promise<string[] | 'unknown'> {
    if (++this.judged > MAX_JUDGED_TIPS) return 'unknown';
    const standing = await this.spanStanding(base, tip, true);
    if (standing.size === 0) return [];
    for (const approvers of standing.values()) if (!approvers || unmetNeed(need, approvers) !== undefined) return [];
    return [...standing.keys()];
  }

  /**
   * The gate over base..tip as a merge into the ref (what `verify --base BASE --head TIP` asks): the reviewers
   * whose approval counts for the tip when it passes, none when it does not.
   */
  private async spanPasses(base: string | undefined, tip: string): Promise<readonly Approver[]> {
    return (await this.spanStanding(base, tip, false)).get(tip) ?? [];
  }

  /**
   * The gate over base..tip as a merge into the ref: when it passes, each commit of the span with the reviewers
   * whose approval counts for it (null: a standing request for changes, or approvals that cannot be read); empty
   * when it does not pass. Only the tip unless `all`.
   */
  private async spanStanding(
    base: string | undefined,
    tip: string,
    all: boolean,
  ): Promise<Map<string, readonly Approver[] | null>> {
    const none = new Map<string, readonly Approver[] | null>();
    let input: GateInput;
    try {
      input = await this.o.gather(this.cwd, {
        update: { branch: this.o.branch, old: base, new: tip },
        policy: this.o.policy,
        mergeOnly: true,
        otherBranches: [],
        approvalRefs: [],
        approvals: this.o.approvals,
        span: true,
      });
    } catch {
      // A base this repository lacks, a span git cannot read: nothing is vouched for (fails closed).
      return none;
    }
    if (!evaluateGate(input).ok || input.policy.kind !== 'ok' || !input.commits.some((c) => c.sha === tip)) return none;
    // The gate asks nothing more of a commit that needs no review; a point still needs a counting approval and no
    // standing request for changes, read from the same standing the gate built (statementStanding.ts).
    const judged = gateStanding(input, input.policy.policy);
    const out = new Map<string, readonly Approver[] | null>();
    for (const c of all ? input.commits : input.commits.filter((c) => c.sha === tip)) {
      const standing = judged.forCommit(c);
      const held = standing.rejections.length > 0 || standing.unreadable || standing.unchecked;
      out.set(c.sha, held ? null : standing.approvals.map((a) => a.reviewer));
    }
    return out;
  }
}
