import { statementCovers, type SignedStatement } from './approvalStatement';
import type { CoverageVia, RangeIndex } from './approvalRules';
import { shortSha } from './shortSha';

/**
 * Which commits of the range a statement covers, and for the commits it reaches but does not cover, why
 * (docs/design.md, "Approvals"): approving tip T covers the commits from the statement's base to T — the
 * intermediate ones as steps toward T (stepsBuiltOnElsewhere); a rebase that keeps the patch-id, commit by
 * commit, keeps the approval. Linear in the commits the statement's anchors reach. The gate, `verify`, pre-push,
 * the server, `report`, `explain` and the review panel all ask this (through statementStanding.ts).
 */
export function statementCoverage(
  st: SignedStatement['statement'],
  range: RangeIndex,
): { covered: Map<string, CoverageVia>; not: Map<string, string> } {
  const covered = new Map<string, CoverageVia>();
  const not = new Map<string, string>();
  // One anchor's span: an approval covers its steps only where nothing outside the span is built on them.
  const cover = (span: string[], how: CoverageVia, upgrade: boolean) => {
    const strays = st.decision === 'approve' ? stepsBuiltOnElsewhere(range, span) : undefined;
    for (const c of span) {
      const child = strays?.get(c);
      if (child !== undefined) {
        if (!covered.has(c)) not.set(c, builtOnReason(st, child, range.reviewBase));
      } else if (upgrade ? covered.get(c) !== 'exact' : !covered.has(c)) covered.set(c, how);
    }
  };
  for (const t of range.anchors(st)) {
    const how = statementCovers(st, {
      tip: t.sha,
      tree: t.tree,
      base: range.reviewBase ?? '',
      patchId: t.patchIdFromBase ?? '',
    });
    if (how === undefined) continue;
    // A rejection carried by patch-id needs no commit-by-commit match: reaching too far only fails closed.
    const mismatch = how === 'rebased' && st.decision === 'approve' ? range.rebasedMismatch(st, t.sha) : undefined;
    if (how === 'exact' || (how === 'rebased' && mismatch === undefined)) {
      const span: string[] = [];
      range.ancestors(t.sha, (c) => span.push(c));
      cover(span, how, true);
      continue;
    }
    if (mismatch !== undefined && t.sha !== st.tip) {
      range.ancestors(t.sha, (c) => {
        if (!covered.has(c)) not.set(c, mismatch);
      });
      continue;
    }
    // The exact tip it was signed for, reviewed against another base: what base..tip holds of the range.
    const span = range.spanOf(st.base, t.sha);
    if (!span) {
      range.ancestors(t.sha, (c) => {
        if (!covered.has(c))
          not.set(
            c,
            `its base ${shortSha(st.base)} is not in this repository, so what it reviewed is unknown (fetch it, or a reviewer signs a new approval with --base ${range.reviewBase ? shortSha(range.reviewBase) : '<base>'})`,
          );
      });
      continue;
    }
    cover(span.inside, 'tip', false);
    for (const c of span.before)
      if (!covered.has(c))
        not.set(c, `it reviewed ${shortSha(st.base)}..${shortSha(st.tip)}, which starts after this commit`);
  }
  for (const c of covered.keys()) not.delete(c);
  return { covered, not };
}

/**
 * The steps of an approved span that something outside it is built on, each with such a child (outside tester,
 * session 10, J4). An approval of base..T vouches for the change base→T; a commit C inside it only as a step
 * toward T, which is what the reviewer saw built on C. When the range judged also holds a commit outside the
 * span with C as a parent — a merge whose first parent is C (a rejected draft) with C's tree, and T (or a commit
 * on T) as another parent — C's content reaches the result by a way nobody approved, and the merge itself
 * changes nothing against C, so it needs no review: C must not count as approved by T's reviewers. The span's
 * heads (commits with no child inside it: the tip an approval was signed for, or the commit its patch-id was
 * carried to) are vouched for as they are, whatever is built on them. Children outside the range judged (already
 * on the branch, or not pushed) do not count: they do not land in this update.
 */
export function stepsBuiltOnElsewhere(range: RangeIndex, span: Iterable<string>): Map<string, string> {
  const inside = new Set(span);
  const out = new Map<string, string>();
  for (const c of inside) {
    const children = range.childrenOf(c);
    if (!children.some((k) => inside.has(k))) continue;
    const stray = children.find((k) => !inside.has(k));
    if (stray !== undefined) out.set(c, stray);
  }
  return out;
}

function builtOnReason(st: SignedStatement['statement'], child: string, reviewBase: string | undefined): string {
  return `it approved ${shortSha(st.base)}..${shortSha(st.tip)}, which holds this commit only as a step toward ${shortSha(st.tip)}, but ${shortSha(child)} — not part of that change — is built on it here; a reviewer approves the commits built on it (e.g. this push's head${reviewBase ? ` with --base ${shortSha(reviewBase)}` : ''})`;
}
