import { errorMessage } from '../core/errors';
import { shortSha } from '../core/shortSha';
import { remoteDefaultBranch } from '../git/policyBranch';
import { runGit } from '../git/gitRunner';
import { verifyRange } from './verify';
import { landingTarget } from './landingBranch';
import type { GateVerdict } from './explanation';

/** What `explain --branch/--remote` asked for (both optional). */
export interface ExplainOptions {
  branch?: string;
  remote?: string;
}

/** The protected branch `explain` judges a commit for, and the tip of it this clone knows. */
export interface JudgingContext {
  branch?: string;
  remote?: string;
  trackingSha?: string;
  trackingLabel?: string;
  /**
   * For a commit that landed on the policy branch: that branch at the commit's first parent, the policy the
   * commit is judged under alone. DESIGN: "No push chooses the policy that judges it" — a policy change was
   * judged under the policy it replaced, so explain judges its approvals and its gate verdict under that one
   * too (newuser14 S28). Where the approved push that brought the commit is found (`landedPushPolicy`), the
   * policy at that push's base replaces it: only then does the page say what a push found (newuser15 #1).
   */
  policyAt?: { rev: string; label: string };
}

/**
 * `ctx` with `policyAt` set when `sha` landed on the policy branch: the policy at its first parent, not the
 * branch's tip (which may be the policy `sha` itself wrote). Which push landed it is not known here — its parent
 * may be a commit of the same push, a branch state no push found — so the label claims no push.
 */
export async function withLandedPolicy(
  cwd: string,
  sha: string,
  parents: string[],
  ctx: JudgingContext,
): Promise<JudgingContext> {
  const parent = parents[0];
  if (!ctx.branch || !ctx.trackingSha || !parent) return ctx;
  if ((await remoteDefaultBranch(cwd, ctx.remote ?? 'origin')) !== ctx.branch) return ctx;
  if ((await runGit(['merge-base', '--is-ancestor', sha, ctx.trackingSha], { cwd, okCodes: [1] })).code !== 0)
    return ctx;
  const label = `${ctx.trackingLabel ?? ctx.branch} at ${shortSha(parent)}, the first parent of ${shortSha(sha)}`;
  return { ...ctx, policyAt: { rev: parent, label } };
}

/**
 * `ctx` judged under the policy branch as the approved push `span` found it, when `ctx` judges a landed commit
 * on the policy branch (`withLandedPolicy` set `policyAt`); `ctx` unchanged otherwise.
 */
export function landedPushPolicy(ctx: JudgingContext, span: { base: string; tip: string }): JudgingContext {
  if (!ctx.policyAt) return ctx;
  const where = `${ctx.trackingLabel ?? ctx.branch} at ${shortSha(span.base)}`;
  const label = `${where}, as the approved push ${shortSha(span.base)}..${shortSha(span.tip)} found it`;
  return { ...ctx, policyAt: { rev: span.base, label } };
}

/**
 * The protected branch REV (`sha`) is judged for: without --branch, where it lands (landingBranch.ts landingTarget)
 * — the upstream when the policy protects it, else the protected branch REV is based on (a hotfix cut from
 * release/1 there, the policy branch for a feature branch of it), never a feature branch's own upstream; the
 * review panel's "Your branch", review's queue and verify without an upstream make the same choice. (`verify`
 * with an upstream judges the upstream itself, as DESIGN's contract says; explain asks what guards the commit.)
 */
export async function judgingContext(cwd: string, opts: ExplainOptions, sha: string): Promise<JudgingContext> {
  let branch = opts.branch;
  let remote = opts.remote;
  if (!branch) {
    const up = await runGit(['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{upstream}'], {
      cwd,
      okCodes: [128],
    });
    const name = up.code === 0 ? up.stdout.trim() : '';
    const slash = name.indexOf('/');
    let own: string | undefined;
    if (slash > 0 && (remote === undefined || remote === name.slice(0, slash))) {
      remote ??= name.slice(0, slash);
      own = name.slice(slash + 1);
    }
    branch = await landingTarget(cwd, remote ?? 'origin', own, sha);
  }
  if (!branch) return {};
  remote ??= 'origin';
  for (const [ref, label] of [
    [`refs/remotes/${remote}/${branch}`, `${remote}/${branch}`],
    [`refs/heads/${branch}`, branch],
  ]) {
    const sha = await commitOf(cwd, ref);
    if (sha) return { branch, remote, trackingSha: sha, trackingLabel: label };
  }
  return { branch, remote };
}

async function commitOf(cwd: string, ref: string): Promise<string | undefined> {
  const r = await runGit(['rev-parse', '--verify', '-q', `${ref}^{commit}`], { cwd, okCodes: [1, 128] });
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/** base..head with the remote-tracking name where the base is its tip (N11: not a template's `branch..REV`). */
function rangeLabel(base: string | undefined, head: string, ctx: JudgingContext): string {
  if (!base) return `${shortSha(head)} with all its history (${ctx.branch} is not on the remote yet)`;
  return `${base === ctx.trackingSha && ctx.trackingLabel ? ctx.trackingLabel : shortSha(base)}..${shortSha(head)}`;
}

/**
 * The gate's verdict on one commit. A commit already on the branch is judged as the approved push that brought
 * it, when one is found: each counting approval's span base..tip on the branch that holds the commit
 * (`approvedSpans`) is replayed as a push, the commit's own approval as tip included — judged alone, the tip of
 * a three-commit push was told its approval was "reviewed against another base" under the policy at its parent,
 * a branch state no push found (newuser15 #1), and a commit in the middle of an approved push is reached by no
 * approval at all. A commit no approved push brought is judged alone against its first parent.
 */
export async function gateVerdict(
  cwd: string,
  sha: string,
  parents: string[],
  ctx: JudgingContext,
  approvedSpans: Array<{ base: string; tip: string }> = [],
): Promise<GateVerdict> {
  if (!ctx.branch)
    return {
      available: false,
      reason: 'no protected branch known: the current branch has no upstream; pass --branch NAME',
    };
  let landed = false;
  if (ctx.trackingSha) {
    landed = (await runGit(['merge-base', '--is-ancestor', sha, ctx.trackingSha], { cwd, okCodes: [1] })).code === 0;
  }
  try {
    const judge = async (range: { base?: string; head: string }, judging: JudgingContext) => {
      const { result } = await verifyRange(cwd, {
        branch: ctx.branch,
        ...(ctx.remote ? { remote: ctx.remote } : {}),
        ...range,
        // A landed commit's push was judged under the policy branch as it stood at that push's base.
        ...(judging.policyAt && range.base ? { policyAt: judging.policyAt } : {}),
        fetch: false,
      });
      return { result, decision: result.commits.find((c) => c.sha === sha) };
    };
    let judged: Awaited<ReturnType<typeof judge>> | undefined;
    let landedWith: { base: string; tip: string } | undefined;
    if (landed && ctx.trackingSha) {
      for (const span of await landedSpans(cwd, sha, ctx.trackingSha, approvedSpans)) {
        const replay = await judge({ base: span.base, head: span.tip }, landedPushPolicy(ctx, span));
        if (replay.decision?.ok && replay.result.errors.length === 0) {
          judged = replay;
          landedWith = span;
          break;
        }
      }
    }
    // A commit already on the branch is judged alone, as a push of it alone would have judged it.
    judged ??= await judge({ head: sha, ...(landed && parents[0] ? { base: parents[0] } : {}) }, ctx);
    const { result, decision } = judged;
    return {
      available: true,
      branch: result.branch,
      protected: result.protected,
      ...(result.policyFrom ? { policyFrom: result.policyFrom } : {}),
      judgedAs: landed ? 'landed' : 'pending',
      ...(landedWith ? { landedWith } : {}),
      range: rangeLabel(result.base, result.head ?? sha, ctx),
      ...(decision ? { decision } : {}),
      ok: decision ? decision.ok && result.errors.length === 0 : result.ok,
      errors: result.errors,
      notices: result.notices,
    };
  } catch (e) {
    return { available: false, branch: ctx.branch, reason: errorMessage(e) };
  }
}

/**
 * The approved spans that landed whole on the branch and hold `sha` (their tip contains it and is on the
 * branch), distinct, at most a few: explain replays each as a push, costing a gate run apiece.
 */
async function landedSpans(
  cwd: string,
  sha: string,
  branchTip: string,
  spans: Array<{ base: string; tip: string }>,
): Promise<Array<{ base: string; tip: string }>> {
  const out: Array<{ base: string; tip: string }> = [];
  const seen = new Set<string>();
  for (const span of spans) {
    const key = `${span.base}..${span.tip}`;
    if (seen.has(key) || out.length >= 3) continue;
    seen.add(key);
    const onBranch = await runGit(['merge-base', '--is-ancestor', span.tip, branchTip], { cwd, okCodes: [1, 128] });
    const holds = await runGit(['merge-base', '--is-ancestor', sha, span.tip], { cwd, okCodes: [1, 128] });
    if (onBranch.code === 0 && holds.code === 0) out.push(span);
  }
  return out;
}
