import { oversizedCommitsRefusal } from '../core/commitBound';
import { EMPTY_PATCH_ID, type ApprovalStatement, distinctStatements } from '../core/approvalStatement';
import { attestationBytes, MAX_PUSH_ATTESTATION_BYTES } from '../core/noteBounds';
import { approvedSpanKey, ReviewerKeys } from '../core/approvalRules';
import type { GateInput, PolicySource } from '../core/gate';
import { isProtected, POLICY_FILE, TAG_PREFIX } from '../core/policy';
import { gatherApprovals } from './approvalNotes';
import { attachRetiredKeysFor } from './retiredReviewerKeys';
import type { BranchReadAhead } from './branchReadAhead';
import { readCommitRange } from './commitLog';
import { policyChangeUncommitted } from './policyChangeUncommitted';
import { runGit } from './gitRunner';
import { readNotes } from './notesReader';
import { stablePatchIds, stablePatchIdsFromRoot } from './patchId';
import { rebasedSpanPatches, replayedApprovals } from './rebasedApprovals';
import { firstParentExit, netChangeBase, restoredFromExits, sourceExits, unexplainedNetChange } from './netChange';
import { rewindOf, rewindPatchId } from './rewind';
import { unreviewedBefore } from './unreviewedBefore';
import { attachUntrackedEvidence } from './untrackedEvidence';
import { emptyTree } from './emptyTree';
import { markUnjudgedGitlinks } from './gitlinkPins';
import { markTreeLinks } from './treeLinks';
import { markMergeOwnLines, markSameAsBase } from './mergeOwnLines';
import { spanReach } from './spanReach';
import { tipVouches, vouchedFrom } from './vouchedState';
import { TipJudge } from './vouchedTip';
import { heldBy, placedNewRef } from './vouchedExits';
import { objectExists, peeledCommit } from './gateObjects';
import { newlyProtectedRefusal, type TagsAfterPush } from './newlyProtected';
import { settledLater } from '../core/settledLater';
import { shortSha } from '../core/shortSha';
import { type Approvals, type PushFacts, protectedTipsOf } from './pushFacts';
import { walkInput } from './walkInput';
import { baseReachOf } from './baseReach';
import { withdrawnApprovals } from './rewindWithdrawals';

/** Separate histories a push may merge in from outside it, each costing a diff against the base. */
const MAX_SOURCE_EXITS = 100;

/**
 * Gathers the gate's input for one ref update from a repository: the policy as the protected branch has it
 * where the gate is enforced (never from the pushed commits), the commits that would land, their trailers,
 * provenance notes and diff stats, and every approval statement. Used by `verify`, the pre-push hook and the
 * server's pre-receive hook; the decision itself is src/core/gate.ts.
 */

export { gatherApprovals, readStatementsAtCommit } from './approvalNotes';

export interface RefUpdate {
  /** Short branch name (`main`, `release/1.2`). */
  branch: string;
  /** Current value where the gate is enforced; undefined when the branch is new there. */
  old: string | undefined;
  /** Proposed value; undefined when the push deletes the branch. */
  new: string | undefined;
}

export interface GatherOptions {
  update: RefUpdate;
  /**
   * The policy that judges the update: the one on the policy branch where the gate is enforced
   * (policyBranch.ts), never one from the ref being updated or the commits being pushed.
   */
  policy: PolicySource;
  /** The policy branch's value there: a new ref (branch or tag) is reviewed against where it leaves it. */
  policyTip?: string;
  /**
   * Judge what a merge of `new` would bring (a pull request, the review panel), not a push of it: `old` need
   * not be in its history, so there is no rewind.
   */
  mergeOnly?: boolean;
  /**
   * For a new branch: the other branches where the gate is enforced; the protected ones among them have had
   * their commits judged already, so those are not judged again. Ignored when `update.old` is set.
   */
  otherBranches: Array<{ branch: string; sha: string }>;
  /** Notes refs holding approvals (local refs/notes/countersign, remote-tracking copies). */
  approvalRefs: string[];
  /**
   * Settles when the approvals refs are complete (verify's fetch of the remote's approvals, which runs while
   * git walks the commits): they are read after it (the fetch empties any read cache: gitRunner.changesSnapshot).
   */
  approvalsAfter?: Promise<unknown>;
  /** Notes commits not (yet) under a ref: the notes a server receives in the same push. */
  approvalCommits?: string[];
  /** How many newest commits get a patch-id (rebased approvals); older ones only match by tip. */
  patchIdLimit?: number;
  /** Answers read for many heads at once (the review panel); what it does not know is asked of git here. */
  readAhead?: BranchReadAhead;
  /**
   * Answers read once for every ref of a push (the server's pre-receive): the approvals, which values are
   * commits, which the protected branches already hold. They replace the approvals options above.
   */
  pushFacts?: PushFacts;
  /** The policy branch's name: a change of its policy that protects existing branches judges them (L8). */
  policyBranch?: string;
  /**
   * The refs as they will be after this push, for that judgement (attack14 N2, N4): `branches` (default
   * `otherBranches`) and the tags with their commits (M6; the server passes its own, pre-push the push's).
   */
  afterPush?: {
    branches?: ReadonlyArray<{ branch: string; sha: string }>;
    tags?: TagsAfterPush;
  };
  /** Approvals already read (a span judged for vouchedTip.ts): they replace the approvals options above. */
  approvals?: Approvals;
  /**
   * Judge only `old..new` itself (vouchedTip.ts asks whether an approved tip is a vouched state): no reviewed-point
   * walk (that walk is the caller), and a tag is judged like a branch.
   */
  span?: true;
}

export const MAX_COMMITS = 10_000;

/** Everything the gate needs for one ref update. */
export async function gatherGateInput(cwd: string, opts: GatherOptions): Promise<GateInput> {
  const { update } = opts;
  const base: GateInput = {
    branch: update.branch,
    policy: { kind: 'none', looked: [] },
    base: update.old,
    reviewBase: update.old,
    head: update.new,
    commits: [],
    statements: [],
    statementErrors: [],
    baseReach: {},
  };
  const policy = opts.policy;
  base.policy = policy;
  if (policy.kind !== 'ok' || !isProtected(policy.policy, update.branch) || update.new === undefined) return base;
  const head = update.new;
  const ahead = opts.readAhead;
  const facts = opts.pushFacts;
  if (!ahead?.isCommit(head) && facts?.commitOf(head) !== head && !(await objectExists(cwd, head))) {
    return { ...base, errors: [`the pushed commit ${head} is not in this repository`] };
  }

  const protectedTips = protectedTipsOf(policy.policy, opts.otherBranches, update.branch);
  // A tag that exists (allowTagMoves) is updated from the commit it names now: a move back is a rewind, as for a
  // branch (session 8, H4); moved forward, it is judged like a new ref. An allowed rewind: a branch update from there.
  const isTag = update.branch.startsWith(TAG_PREFIX) && !opts.span;
  // attack17 Q3: an existing protected tag is immutable unless the policy allows moves (core/protectedRefChange.ts).
  if (isTag && update.old && !opts.mergeOnly && !policy.policy.allowTagMoves) return { ...base, tagMove: true };
  const old = isTag && update.old && !opts.mergeOnly ? await peeledCommit(cwd, update.old) : update.old;
  if (old && !opts.mergeOnly) {
    const rewind = await rewindOf(cwd, old, head);
    if (rewind) {
      base.rewind = rewind;
      if (!policy.policy.allowForcePushes) return base;
    }
  }
  const isNew = !old || (isTag && !base.rewind);
  let exclude = isNew ? protectedTips : [old as string];
  // Where a new ref is placed from: the policy branch's value, else the first protected branch's.
  const placedFrom = opts.policyTip && protectedTips.includes(opts.policyTip) ? opts.policyTip : protectedTips[0];
  const given = opts.approvals;
  const readApprovals = () =>
    given
      ? Promise.resolve(given)
      : (opts.approvalsAfter ?? Promise.resolve()).then(() =>
          facts ? facts.approvals() : gatherApprovals(cwd, opts.approvalRefs, opts.approvalCommits),
        );
  // Whether an approved tip is a state the gate vouches for: the gate over its span, asked of this function.
  const judge = (approvals: Approvals) =>
    new TipJudge(cwd, { branch: update.branch, policy: { ...policy, kind: 'ok' }, approvals, gather: gatherGateInput });
  let approvalsEarly: ReturnType<typeof readApprovals> | undefined;
  let tipJudge: TipJudge | undefined; // whether a commit is a state the gate vouches for, else from where
  const vouchedAt = async (at: string) => {
    tipJudge ??= judge(await (approvalsEarly ??= settledLater(readApprovals())));
    return vouchedFrom(cwd, { ref: update.branch, head: at, policyTip: placedFrom, judge: tipJudge });
  };
  let reviewBase = isNew ? undefined : old;
  let vouched = false;
  if (isNew && protectedTips.length > 0) {
    // At a protected branch's tip: a state the gate judged as a pushed value; nothing to judge, and nothing asked
    // of git for this ref (G9). What the full path returns for an empty range, with the push's approvals.
    if (protectedTips.includes(head)) {
      return { ...base, commits: [], policyChangedWithoutCommit: false, ...(await readApprovals()), baseReach: {} };
    }
    // Older on a protected branch: judged from the nearest state the gate vouched for (vouchedState.ts, K3).
    // (The push's facts answer for most refs at once; when they cannot, git does.)
    const held = facts?.heldBy(head, protectedTips) || (await heldBy(cwd, head, protectedTips));
    if (held) {
      const from = await vouchedAt(head);
      if ('preGate' in from) {
        return { ...base, commits: [], policyChangedWithoutCommit: false, ...(await approvalsEarly), baseReach: {} };
      }
      if ('error' in from) return { ...base, errors: [from.error] };
      exclude = from.points;
      reviewBase = from.points[0];
      vouched = true;
    }
  }
  const beyond = facts?.admit(update.branch);
  if (beyond) return { ...base, errors: [beyond] };
  if (!reviewBase && !vouched && protectedTips.length > 0) {
    // From vouched states wherever its commits meet protected history, else as before (vouchedExits.ts, L4).
    const where = { ref: update.branch, head, tips: protectedTips, placedFrom, limit: MAX_COMMITS };
    const at = await placedNewRef(cwd, { ...where, from: vouchedAt, spanBase: (p) => tipJudge?.spanBase(p) });
    if ('error' in at) return { ...base, errors: [at.error] };
    ({ exclude, reviewBase, vouched } = at);
  }
  // Read while git walks the commits: the approvals (their own git processes).
  const known = ahead?.range(head, exclude);
  const approvalsRead = approvalsEarly ?? settledLater(readApprovals());
  // One walk: at most one commit more than the gate examines is read, and only a push over the limit is counted.
  const over = known !== undefined && known.count > MAX_COMMITS;
  const commits =
    known?.commits ??
    // `head --not ...exclude` is empty when head is excluded itself (a branch level with its target).
    (known?.count === 0 || over || exclude.includes(head)
      ? []
      : await readCommitRange(cwd, [`--max-count=${MAX_COMMITS + 1}`, '--stdin'], walkInput([head], exclude)));
  if (over || commits.length > MAX_COMMITS) {
    const count =
      known?.count ??
      Number(
        (
          await runGit(['rev-list', '--count', '--stdin', '--'], { cwd, input: walkInput([head], exclude) })
        ).stdout.trim(),
      );
    return {
      ...base,
      reviewBase,
      errors: [
        `the push adds ${count} commits to ${update.branch}, more than the gate examines (${MAX_COMMITS}); push it in parts or have an administrator import it`,
      ],
    };
  }
  // Too large to read is refused first (attack21 02); links are read before the net change joins the head's files.
  const unlinked = oversizedCommitsRefusal(commits) ?? (await markTreeLinks(cwd, commits));
  if (unlinked) return { ...base, reviewBase, errors: [unlinked] };
  // Judged from several vouched points: reviewed against the one the head's first-parent chain leaves the range at.
  if (vouched && exclude.length > 1) {
    const exit = firstParentExit(head, commits);
    if (exit !== undefined && exclude.includes(exit)) reviewBase = exit;
  }

  const policyChangedWithoutCommit = await policyChangeUncommitted(cwd, {
    old,
    head,
    commits,
    isNew,
    rewinds: base.rewind !== undefined,
    mergeOnly: opts.mergeOnly === true,
    ...(ahead ? { headEntry: ahead.policyEntry(head) } : {}),
  });
  // The provenance notes of the (now final) commits, read while the steps below ask git their own questions.
  const shas = commits.map((c) => c.sha);
  const notesRead = ahead?.notesOf('refs/notes/ai', shas) ?? settledLater(readNotes(cwd, 'refs/notes/ai', shas));
  // A protected value vouches for a gitlink to it (attack23 02), or a new ref's merge of its lines, only as a judged
  // state, not one free only for being pre-gate (attack24 04, 10: vouchedState.ts); a span judges its own gitlinks.
  const point = async (sha: string) => (tipJudge ??= judge(await approvalsRead)).isPoint(sha);
  const vouches = tipVouches(cwd, { policyTip: opts.policyTip, placedFrom, isPoint: point });
  const exempt = async (e: string) => isNew && protectedTips.includes(e) && (await vouches(e));
  // From here: the head's net change beyond its commits' diffs, and the range's review base (netChange.ts, F6).
  const tipAt = commits.findIndex((c) => c.sha === head);
  const netBase = (reviewBase = await netChangeBase(cwd, reviewBase, head, commits, !isNew && opts.mergeOnly === true));
  if (netBase && tipAt >= 0) {
    // Lines it brings back from an older tree than the base's: from where the head's first-parent chain, or a
    // merge's other parent's, leaves the push elsewhere than the base (a branch that merged main in, an evil
    // merge either way round). A new ref's exit at a protected branch's judged tip brings that branch's lines;
    // for an existing ref it says nothing about what the ref deleted since (and such a tip is free to create).
    // An allowed rewind is judged for its change back to its rewind point (rewind.ts: what it drops and brings
    // back, session 7 G5, attack23 1), so its net change is read from there, and that point is no exit here.
    const from = base.rewind?.point ?? netBase;
    const exit = firstParentExit(head, commits);
    const elsewhere = exit !== undefined && exit !== from && !(await exempt(exit));
    const extra = await unexplainedNetChange(cwd, from, head, commits, elsewhere, ahead, exit);
    if (extra.length > 0) commits[tipAt] = { ...commits[tipAt], files: [...commits[tipAt].files, ...extra] };
    const exits: string[] = [];
    for (const e of sourceExits(head, commits, [netBase, from])) if (!(await exempt(e))) exits.push(e);
    if (exits.length > MAX_SOURCE_EXITS) {
      return {
        ...base,
        reviewBase,
        errors: [
          `the push to ${update.branch} merges ${exits.length} histories that leave it elsewhere than ${shortSha(netBase)}, more than the gate examines (${MAX_SOURCE_EXITS}); push it in parts`,
        ],
      };
    }
    const restored = await restoredFromExits(cwd, netBase, exits, head);
    if (restored && restored.lines > 0) commits[tipAt] = { ...commits[tipAt], restored };
  }

  const tips = [...protectedTips, ...(old && !opts.span ? [old] : [])];
  await markUnjudgedGitlinks(cwd, commits, { tips, vouches, point: opts.span ? undefined : point });
  await markMergeOwnLines(cwd, commits);
  await markSameAsBase(cwd, commits, reviewBase);
  const notes = await notesRead;
  let attested = 0;
  for (const c of commits) {
    const n = notes.get(c.sha);
    if (n === undefined) continue;
    // Parse cost is bounded per judgement (core/noteBounds.ts); the notes beyond it fail closed, never time out.
    attested += attestationBytes(n);
    if (attested > MAX_PUSH_ATTESTATION_BYTES) {
      c.aiNoteUnread = `this push's notes hold more file and range lines than the gate reads in one push (${MAX_PUSH_ATTESTATION_BYTES} bytes); push fewer commits at a time`;
    } else c.aiNote = n;
  }
  const approvals = await approvalsRead;
  // Cheap checks before git work (docs/design.md, "Approvals"): only statements naming a listed reviewer and
  // carrying that reviewer's key (or, for a rejection, a key of theirs the policy retired) earn patch-ids or walks;
  // only those that can reach this push earn a signature check. Junk costs a parse and a key lookup each.
  await attachRetiredKeysFor(policy.policy, approvals.statements);
  const keys = new ReviewerKeys(policy.policy);
  const inRange = new Set(commits.map((c) => c.sha));
  const plausible = distinctStatements(approvals.statements.map(({ signed }) => signed).filter(keys.plausible, keys));
  if (base.rewind && policy.policy.allowForcePushes) await rewindPatchId(cwd, base.rewind, head, plausible);

  // Patch-ids only matter to a statement whose tip is not in the range (a rebased approval).
  const limit = opts.patchIdLimit ?? 200;
  if (plausible.some(({ statement: st }) => !inRange.has(st.tip) && st.patchId !== EMPTY_PATCH_ID)) {
    const tips = commits.slice(-limit).map((c) => c.sha);
    const root = reviewBase ?? (await emptyTree(cwd));
    const ids = reviewBase
      ? ((await ahead?.patchIds(reviewBase, tips, limit)) ?? (await stablePatchIds(cwd, reviewBase, tips)))
      : await stablePatchIdsFromRoot(cwd, root, tips, commits);
    for (const c of commits) {
      const id = ids.get(c.sha);
      if (id !== undefined) c.patchIdFromBase = id;
    }
  }
  const patchIds = new Set(commits.map((c) => c.patchIdFromBase).filter((p): p is string => p !== undefined));
  // A rejection of base..T2 holds the commits of this push it contains, also when T2 is not pushed: one walk
  // for all their distinct spans, before any of them is checked.
  const outsideSpans = new Map<string, ApprovalStatement>();
  for (const { statement: st } of plausible)
    if (st.decision === 'reject' && !inRange.has(st.tip)) outsideSpans.set(approvedSpanKey(st), st);
  const reach = outsideSpans.size > 0 ? await spanReach(cwd, [...outsideSpans.values()], inRange, exclude) : {};
  const reaches = (st: ApprovalStatement) =>
    inRange.has(st.tip) ||
    (st.patchId !== EMPTY_PATCH_ID && patchIds.has(st.patchId)) ||
    (st.decision === 'reject' && reach[approvedSpanKey(st)] !== undefined);
  const valid = plausible.filter((s) => reaches(s.statement) && keys.check(s).ok).map((s) => s.statement);
  const approvedPatches = await rebasedSpanPatches(cwd, commits, reviewBase, valid);

  const baseReach = await baseReachOf(cwd, valid, inRange, reviewBase, exclude);
  const rejectionReach: Record<string, string[]> = {};
  for (const st of valid) {
    const key = approvedSpanKey(st);
    if (st.decision === 'reject' && !inRange.has(st.tip) && reach[key]) rejectionReach[key] = reach[key];
  }
  const replayedTrees = await replayedApprovals(cwd, commits, reviewBase, valid, old);
  await attachUntrackedEvidence(cwd, commits, ahead && ((cs) => ahead.untrackedEvidence(cs)));
  const before =
    !isNew && old && !opts.span
      ? await unreviewedBefore(cwd, {
          branch: update.branch,
          old,
          commits,
          rewinds: base.rewind !== undefined,
          policy: policy.policy,
          judge: async () => judge(approvals),
        })
      : undefined;
  const changesPolicy = policyChangedWithoutCommit || commits.some((c) => c.files.some((f) => f.path === POLICY_FILE));
  const readsAfterPush = opts.policyBranch === update.branch && !isTag && changesPolicy;
  const newly = readsAfterPush
    ? await newlyProtectedRefusal(cwd, {
        ...{ branch: update.branch, head, policy: policy.policy },
        others: opts.afterPush?.branches ?? opts.otherBranches,
        tags: opts.afterPush?.tags,
        judgedTips: protectedTipsOf(policy.policy, opts.otherBranches, ''),
        judgeNew: (b, sha, p) =>
          gatherGateInput(cwd, {
            ...opts,
            update: { branch: b, old: undefined, new: sha },
            policy: { ...policy, policy: p },
            policyBranch: undefined,
          }),
      })
    : undefined;
  return {
    ...base,
    ...(newly ? { errors: [newly] } : {}),
    ...(readsAfterPush ? { judgedAfterPush: true as const } : {}),
    ...before,
    reviewBase,
    commits,
    policyChangedWithoutCommit,
    ...approvals,
    baseReach,
    approvedPatches,
    replayedTrees,
    rejectionReach,
    withdrawn: await withdrawnApprovals(cwd, { exclude, commits, valid, plausible, check: (s) => keys.check(s).ok }),
  };
}
