import type { CommitDecision, GateCommit, GateInput, GateResult } from '../gate';
import { samePerson as sameEmail } from '../approvalRules';
import { POLICY_FILE, type Policy, type Reviewer } from '../policy';
import { commitSignals } from './commitSignals';
import { shortSha } from '../shortSha';
import { heldByChangesRequest } from '../changesRequested';
import { heldForOthers } from '../whoMayApprove';
import { approvers, gateStatus } from './gateStatus';
import type { CommitCard, DeveloperView, RepoView, ReviewBranch } from './protocol';

/**
 * Builds what the panel shows from what git said (src/app/reviewSnapshot.ts gathers it): the commits awaiting
 * review on fetched branches and the current branch's gate. Pure: tests feed it gate results directly.
 */
export interface Me {
  email?: string;
  name?: string;
  /** git's user.signingkey as configured (a path or a literal key). */
  signingKey?: string;
}

/** One remote branch judged as if it were pushed to its protected target (the remote's default branch). */
export interface BranchGate {
  remote: string;
  branch: string;
  /** The protected branch's short name on the remote, e.g. `main`. */
  target: string;
  head: string;
  result: GateResult;
  input: GateInput;
}

export interface DeveloperGate {
  /** The current branch, null when HEAD is detached. */
  branch: string | null;
  remote: string;
  target: string;
  result: GateResult;
  input: GateInput;
}

export interface RepoSnapshot {
  root: string;
  name: string;
  me: Me;
  remotes: string[];
  developer?: DeveloperGate;
  branches: BranchGate[];
  notices: string[];
  /** Problems gathering the state (a git command failed): shown, never hidden behind an empty list. */
  errors: string[];
  /** .countersign.json exists in the working tree (it may not be on the protected branch yet). */
  policyInWorkTree: boolean;
  /** Countersign's hooks were taken over by another tool (src/git/hookTakeover). */
  hooksWarning?: string;
}

function policyOf(input: GateInput | undefined): Policy | undefined {
  return input?.policy.kind === 'ok' ? input.policy.policy : undefined;
}

export function reviewerFor(policy: Policy | undefined, email: string | undefined): Reviewer | undefined {
  return policy?.reviewers.find((r) => sameEmail(r.email, email));
}

/** Why `me` may not approve commit `c` (undefined: may); checked again, with the key, when they click. */
export function cannotApprove(me: Me, policy: Policy | undefined, c: GateCommit, target: string): string | undefined {
  if (!me.email) return 'Set git user.email first: an approval is signed as the reviewer it names.';
  if (policy && !reviewerFor(policy, me.email))
    return `You (${me.email}) are not a reviewer in ${POLICY_FILE} on ${target}.`;
  if (sameEmail(c.author.email, me.email))
    return 'You authored this commit: the two-person rule needs another reviewer.';
  if (sameEmail(c.committer.email, me.email))
    return 'You committed this commit: the two-person rule needs another reviewer.';
  return undefined;
}

/** The commits of `all` that `tip` reaches without leaving `all` (base..tip), newest first as git log lists them. */
export function coveredBy(tip: string, all: GateCommit[]): GateCommit[] {
  const byId = new Map(all.map((c) => [c.sha, c]));
  const seen = new Set<string>();
  const stack = [tip];
  while (stack.length > 0) {
    const sha = stack.pop() as string;
    const c = byId.get(sha);
    if (!c || seen.has(sha)) continue;
    seen.add(sha);
    stack.push(...c.parents);
  }
  // `all` is oldest first (the gate's order): reversed, it is newest first.
  return all.filter((c) => seen.has(c.sha)).reverse();
}

/**
 * The base an approval of a card's commit is recorded against: where base..sha leaves the judged commits, when
 * that is one commit — the merge-base with the target, which is what `approve` signs (newuser12 P11: review
 * printed the moved target tip, not an ancestor of the commit). Otherwise (a branch that merged the target in,
 * a root) the gate's review base, from which approve works out the merge-base itself.
 */
function startOf(covered: GateCommit[], reviewBase: string): string {
  const inside = new Set(covered.map((c) => c.sha));
  const exits = new Set(covered.flatMap((c) => c.parents.filter((p) => !inside.has(p))));
  return exits.size === 1 ? [...exits][0] : reviewBase;
}

export function commitCard(
  c: GateCommit,
  d: CommitDecision,
  base: string,
  policy: Policy | undefined,
  me: Me,
  target: string,
  covers: CommitCard['covers'] = [],
): CommitCard {
  const s = commitSignals(c, policy);
  // Held by someone else's request for changes, the caller's approval may change nothing (core/whoMayApprove).
  const why = cannotApprove(me, policy, c, target) ?? heldForOthers(d, me.email);
  return {
    sha: c.sha,
    subject: d.subject,
    author: { name: c.author.name, email: c.author.email },
    base,
    agents: s.agents,
    aiLines: s.aiLines,
    addedLines: s.addedLines,
    deletedLines: s.deletedLines,
    deletedFiles: s.deletedFiles,
    infrastructurePaths: s.infrastructurePaths,
    tiers: d.tiers,
    attested: s.attested,
    files: s.files,
    reasons: [...d.reasons, ...d.ignored],
    approvals: d.approvals.map((a) => ({ name: a.name, email: a.reviewer, time: a.time, via: a.via })),
    needsReview: d.needsReview,
    ok: d.ok,
    ...(why ? { cannotApprove: why } : {}),
    covers,
  };
}

/** The commits of one fetched branch that still await review; undefined when none does. */
export function reviewBranchView(b: BranchGate, me: Me): ReviewBranch | undefined {
  const policy = policyOf(b.input);
  const byId = new Map(b.input.commits.map((c) => [c.sha, c]));
  const base = b.input.reviewBase ?? b.result.base;
  const cards: CommitCard[] = [];
  for (const d of b.result.commits) {
    const c = byId.get(d.sha);
    if (!c || !d.needsReview || d.ok || !base) continue;
    const subjects = new Map(b.result.commits.map((r) => [r.sha, r.subject]));
    const covered = coveredBy(c.sha, b.input.commits);
    const covers = covered.map((k) => ({
      sha: k.sha,
      subject: subjects.get(k.sha) ?? k.message.split('\n', 1)[0],
      aiLines: commitSignals(k, policy).aiLines,
    }));
    cards.push(commitCard(c, d, startOf(covered, base), policy, me, `${b.remote}/${b.target}`, covers));
  }
  if (cards.length === 0 && b.result.errors.length === 0) return undefined;
  const tip = base ? approveTipOf(b, cards, base, policy, me) : undefined;
  return {
    remote: b.remote,
    branch: b.branch,
    target: b.target,
    head: b.head,
    // Newest first, as a reviewer reads a branch.
    commits: cards.reverse(),
    settled: b.result.commits.length - cards.length,
    errors: b.result.errors,
    ...(heldByChangesRequest(b.result.commits.filter((d) => !d.ok)) ? { heldByChangesRequest: true } : {}),
    ...(tip ? { approveTip: tip } : {}),
  };
}

/**
 * The approval of the branch's head that covers every awaiting card, unless the head's own card is the only
 * one (its command is that already). Who may sign it: the cards' rule (`cannotApprove`) over every commit it
 * covers, since `approve` refuses a reviewer who wrote any of them — the first that stops `me` is named.
 */
function approveTipOf(
  b: BranchGate,
  cards: CommitCard[],
  reviewBase: string,
  policy: Policy | undefined,
  me: Me,
): ReviewBranch['approveTip'] {
  const covered = coveredBy(b.head, b.input.commits);
  const inside = new Set(covered.map((c) => c.sha));
  if (!cards.every((c) => inside.has(c.sha))) return undefined;
  if (cards.length === 1 && cards[0].sha === b.head) return undefined;
  const target = `${b.remote}/${b.target}`;
  // Newest first: the head meets every reason that is not about one commit (no email, not a reviewer) first.
  let why: string | undefined;
  for (const c of covered) {
    const stop = cannotApprove(me, policy, c, target);
    if (stop === undefined) continue;
    why = c.sha === b.head ? stop : `it covers ${shortSha(c.sha)} — ${stop}`;
    break;
  }
  return {
    sha: b.head,
    base: startOf(covered, reviewBase),
    covers: covered.length,
    ...(why ? { cannotApprove: why } : {}),
  };
}

export function developerView(g: DeveloperGate): DeveloperView {
  const target = `${g.remote}/${g.target}`;
  const status = gateStatus(g.result, target);
  return {
    branch: g.branch,
    target,
    protected: g.result.protected,
    ok: g.result.ok,
    summary: status.text,
    tone: status.tone,
    blocked: g.result.commits
      .filter((c) => !c.ok)
      .map((c) => ({ sha: c.sha, subject: c.subject, reasons: [...c.reasons, ...c.ignored] })),
    approvedBy: approvers(g.result),
    errors: g.result.errors,
    notices: g.result.notices,
    ...(g.result.approveCommand ? { approveCommand: g.result.approveCommand } : {}),
  };
}

export function repoView(s: RepoSnapshot): RepoView {
  const input = s.developer?.input ?? s.branches[0]?.input;
  const policy = policyOf(input);
  const reviewer = reviewerFor(policy, s.me.email);
  const me = {
    ...(s.me.email ? { email: s.me.email } : {}),
    ...(reviewer
      ? { reviewer: `${reviewer.name} <${reviewer.email}>${reviewer.role ? ` (${reviewer.role})` : ''}` }
      : {}),
    ...(s.me.signingKey ? { signingKey: s.me.signingKey } : {}),
  };
  const base = {
    root: s.root,
    name: s.name,
    me,
    notices: [...s.notices],
    ...(s.hooksWarning ? { hooksWarning: s.hooksWarning } : {}),
  };
  if (s.errors.length > 0 && !s.developer && s.branches.length === 0) {
    return { ...base, state: 'error', message: s.errors.join('\n'), review: [] };
  }
  if (s.remotes.length === 0) {
    return {
      ...base,
      state: 'noRemote',
      review: [],
      message:
        "This repository has no remote. The gate judges pushes to a remote's protected branch: add one (git remote add origin URL) and fetch it.",
    };
  }
  const review = s.branches.map((b) => reviewBranchView(b, s.me)).filter((b): b is ReviewBranch => b !== undefined);
  const developer = s.developer ? developerView(s.developer) : undefined;
  const where = s.developer ? `${s.developer.remote}/${s.developer.target}` : 'the protected branch';
  if (input?.policy.kind === 'error') {
    // One problem, said once: the policy's box takes the gate's error for it (the message and its fix) and
    // "Your branch" keeps its heading and any other error, instead of printing the same lines twice.
    const said = input.policy.message;
    const full = developer?.errors.find((e) => e.startsWith(said));
    const dev =
      developer && full !== undefined
        ? { ...developer, errors: developer.errors.filter((e) => e !== full) }
        : developer;
    return { ...base, state: 'policyError', message: full ?? said, review, ...(dev ? { developer: dev } : {}) };
  }
  if (!input || input.policy.kind === 'none') {
    return {
      ...base,
      state: 'noPolicy',
      review,
      ...(developer ? { developer } : {}),
      message: s.policyInWorkTree
        ? `${POLICY_FILE} is in your working tree but not on ${where} yet: commit it and get it onto ${where} (through review); the gate reads it from there.`
        : `No ${POLICY_FILE} on ${where}, so nothing is protected. Create a policy: which branches are protected and who may approve.`,
    };
  }
  if (s.errors.length > 0) base.notices.push(...s.errors);
  return { ...base, state: 'ok', review, ...(developer ? { developer } : {}) };
}
