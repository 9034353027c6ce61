import { foldPath } from './caseFold';
import { matchPath } from './glob';
import { POLICY_FILE } from './policy';
import { describeHit, firstPathHit, type ChargedName, type PathMatcher } from './policyPaths';

/**
 * `review.paths` — "commits touching any of these paths always need review, whoever wrote them" — as the gate
 * (core/reviewNeed.ts) judges it for verify, pre-push, pre-receive, explain and report alike. Matched in any letter
 * case and Unicode form (core/caseFold.ts foldPath; PolicyMatchers.reviewPaths is built so): on a macOS or Windows
 * checkout `AUTH.JS` beside `auth.js`, or `café.js` spelled with a combining accent beside the composed one, is one
 * file, and a pull writes the twin's bytes into the reviewed file (attack29 F1: `AUTH.JS` landed unreviewed beside
 * auth.js). The same holds for the policy file itself: a case twin of .countersign.json needs review.
 *
 * Why a fold of the patterns and not a look at the rest of the tree (docs/choices.md): it reads nothing but the
 * changed names the gate already has from its diff-tree, so a 10,000-commit push costs a fold per changed name
 * (under a microsecond), where finding each added path's twins in the commit's tree costs tree reads per commit.
 * It charges a twin whether or not the other spelling exists yet — the other can come later, by anyone.
 */
const POLICY_FOLDED = foldPath(POLICY_FILE);

export function reviewPathReasons(names: readonly ChargedName[], reviewPaths: PathMatcher): string[] {
  const reasons: string[] = [];
  const hit = firstPathHit(names, reviewPaths);
  if (hit) {
    // Said only when the name met the pattern by folding: the plain case reads as it always did.
    const folded = hit.via === undefined && hit.cut === undefined && hit.under === undefined;
    const twin = folded && !matchPath(hit.pattern, hit.path);
    reasons.push(
      `touches ${describeHit(hit)}, which always needs review ("${hit.pattern}" in review.paths${twin ? ', matched in any letter case and Unicode form: on a macOS or Windows checkout it is that file' : ''})`,
    );
  }
  // Root names only (a fold keeps every `/`), so a commit's other names cost a character test each.
  const policyTwin = names.find(
    (n) => !n.name.includes('/') && n.name !== POLICY_FILE && foldPath(n.name) === POLICY_FOLDED,
  );
  if (policyTwin)
    reasons.push(
      `touches ${policyTwin.path}${policyTwin.via === undefined ? '' : ` (through the symlink ${policyTwin.via})`}, a case twin of ${POLICY_FILE}: on a macOS or Windows checkout it is the policy file, so it always needs review`,
    );
  return reasons;
}
