import { runGit } from './gitRunner';
import { walkInput } from './walkInput';
import type { VouchedFrom } from './vouchedState';

/** Places where one new ref's commits meet protected history that are judged for a vouched state, at most. */
export const MAX_UNVOUCHED_EXITS = 20;

/**
 * Where a new protected ref's commits (`head --not <protected tips>`) meet protected history: the parents of its
 * commits that are not among them ("exits"), the one the head's first-parent chain leaves it at, and the commits.
 * Undefined past `limit` commits (the gate refuses that push for its size anyway) or when git cannot answer (the
 * ordinary path then names the problem).
 */
async function rangeExits(
  cwd: string,
  head: string,
  tips: string[],
  limit: number,
): Promise<{ exits: string[]; firstParent: string | undefined; commits: Set<string> } | undefined> {
  // The tips on git's standard input: a server's protected branches can be more than a command line holds (L9).
  const r = await runGit(['rev-list', '--parents', `--max-count=${limit + 1}`, '--stdin', '--'], {
    cwd,
    okCodes: [128],
    input: walkInput([head], tips),
  });
  if (r.code !== 0) return undefined;
  const records = r.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' '));
  if (records.length > limit) return undefined;
  const parentsOf = new Map(records.map(([sha, ...parents]) => [sha, parents]));
  const exits = new Set<string>();
  for (const [, ...parents] of records) for (const p of parents) if (!parentsOf.has(p)) exits.add(p);
  let at: string | undefined = head;
  for (let n = 0; at !== undefined && parentsOf.has(at) && n <= records.length; n++) at = parentsOf.get(at)?.[0];
  return { exits: [...exits], firstParent: at, commits: new Set(parentsOf.keys()) };
}

/**
 * Judges each place a new protected ref meets protected history (outside tester, session 11, L4). Being held by a
 * protected branch says a commit was judged, not that it was vouched for as a state (K3, vouchedState.ts): a tag
 * at H, an empty child of a rejected draft E that main holds only as a step toward an approved T, was judged from
 * merge-base(H, main) = E, so E's tree shipped as "1 commit checked". So every exit must be a state the gate
 * vouches for — a protected branch's tip, a commit from before the gate, a reviewed point (`from` answers, through
 * vouchedFrom: the same rule as a ref naming the old commit itself) — and where one is not, the ref is judged from
 * that exit's nearest vouched states instead: the exit and what lies between join the range, and approvals whose
 * tips lie beyond it cover none of it. Returns the range's new exclusions (each vouched exit, the points that
 * replace the others; what the first-parent exit stands for first) when an exit was replaced; undefined when every
 * exit is vouched (the ordinary path, unchanged); an error to fail closed with.
 */
async function fromVouchedExits(
  exits: readonly string[],
  o: {
    ref: string;
    tips: readonly string[];
    /** The exit the head's first-parent chain leaves the range at: its points are the review base. */
    firstParent: string | undefined;
    from: (exit: string) => Promise<VouchedFrom>;
  },
): Promise<{ exclude: string[] } | { error: string } | undefined> {
  const open = exits.filter((e) => !o.tips.includes(e));
  if (open.length === 0) return undefined;
  if (open.length > MAX_UNVOUCHED_EXITS) {
    return {
      error: `${o.ref} meets protected history at ${open.length} commits that are not a protected branch's tip, more than the gate judges for one ref (${MAX_UNVOUCHED_EXITS}); build it on a protected branch's tip`,
    };
  }
  // Each exit stands for itself (vouched) or for its points; the first-parent exit's come first: the review base.
  const standsFor = new Map<string, string[]>(exits.filter((e) => o.tips.includes(e)).map((e) => [e, [e]]));
  let replaced = false;
  for (const exit of open) {
    const from = await o.from(exit);
    if ('error' in from) return from;
    const vouched = 'preGate' in from || (from.points.length === 1 && from.points[0] === exit);
    standsFor.set(exit, vouched ? [exit] : from.points);
    replaced ||= !vouched;
  }
  if (!replaced) return undefined;
  const first = o.firstParent !== undefined ? (standsFor.get(o.firstParent) ?? []) : [];
  return { exclude: [...new Set([...first, ...[...standsFor.values()].flat()])] };
}

/** Nothing of `head` lies beyond `tips`: a protected branch holds it. One `rev-list`, stopped at the first. */
export async function heldBy(cwd: string, head: string, tips: string[]): Promise<boolean> {
  const r = await runGit(['rev-list', '--max-count=1', '--stdin', '--'], {
    cwd,
    okCodes: [128],
    input: walkInput([head], tips),
  });
  return r.code === 0 && r.stdout.trim() === '';
}

/**
 * Where a new protected ref at a commit no protected branch holds is judged from: `head --not <its exits' vouched
 * states>` when an exit is not vouched (fromVouchedExits; the review base is what the first-parent exit stands
 * for), else as before `head --not <protected tips>`, reviewed against the one commit where it meets protected
 * history, else where it leaves the policy branch (`placedFrom`). Reads at most `limit` commits for the exits
 * (past it the gate refuses the push for its size).
 */
export async function placedNewRef(
  cwd: string,
  o: {
    ref: string;
    head: string;
    tips: string[];
    placedFrom: string;
    limit: number;
    from: (exit: string) => Promise<VouchedFrom>;
    /** TipJudge.spanBase: the base of the approval span that vouched for a point. */
    spanBase: (point: string) => string | null | undefined;
  },
): Promise<{ exclude: string[]; reviewBase: string | undefined; vouched: boolean } | { error: string }> {
  let met = await rangeExits(cwd, o.head, o.tips, o.limit);
  let vouched = o.tips;
  if (met?.exits.some((e) => !o.tips.includes(e))) {
    // An approved tip among the new commits whose span the gate passes is a vouched state itself (vouchedTip.ts),
    // as it would be on a protected branch: only exits not under one need to be (a colleague's approved branch
    // built on a draft, mergeOnIntermediate.test.ts). The nearest such states from the head, as for K3.
    // Only where the approval's base lies in protected history (or the span is the point's whole history): the
    // span's commits were judged, its base was not (outside tester, session 12, N6: `approve T --base E`, a stacked
    // or incremental review after E was rejected, made T vouched, and a tag at merge(T, an older main commit)
    // shipped E unjudged).
    const own = await o.from(o.head);
    const inRange: string[] = [];
    for (const p of 'points' in own ? own.points.filter((q) => met?.commits.has(q)) : []) {
      const base = o.spanBase(p);
      if (base === null || (base !== undefined && (o.tips.includes(base) || (await heldBy(cwd, base, o.tips)))))
        inRange.push(p);
    }
    if (inRange.length > 0) {
      vouched = [...o.tips, ...inRange];
      met = await rangeExits(cwd, o.head, vouched, o.limit);
    }
  }
  const moved =
    met &&
    (await fromVouchedExits(met.exits, { ref: o.ref, tips: vouched, firstParent: met.firstParent, from: o.from }));
  if (moved && 'error' in moved) return moved;
  if (moved) return { exclude: moved.exclude, reviewBase: moved.exclude[0], vouched: true };
  // Built on protected history at one commit: reviewed from it, so base..head is exactly what is judged. From the
  // merge-base with the policy branch, a release/x built on release/1 was suggested `approve --base` that also
  // listed release/1's commits, and a reviewer who wrote one of them was refused (newuser16 F18).
  if (vouched === o.tips && met?.exits.length === 1)
    return { exclude: o.tips, reviewBase: met.exits[0], vouched: false };
  const mb = await runGit(['merge-base', o.head, o.placedFrom], { cwd, okCodes: [1] });
  return { exclude: o.tips, reviewBase: mb.code === 0 ? mb.stdout.trim() : undefined, vouched: false };
}
