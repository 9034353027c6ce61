import type { ApprovalStatement } from '../core/approvalStatement';
import { emptyTree } from './emptyTree';
import { existingObjects } from './gateObjects';
import { runGit } from './gitRunner';
import { walkInput } from './walkInput';

/**
 * For approvals of range commits reviewed against another base than `reviewBase`: which commits of the range each
 * base already contains (null when the base object is not in this repository), as GateInput.baseReach holds them.
 * One `git rev-list` per distinct base, stopped at `exclude` (the range's boundary).
 */
export async function baseReachOf(
  cwd: string,
  valid: readonly ApprovalStatement[],
  inRange: ReadonlySet<string>,
  reviewBase: string | undefined,
  exclude: string[],
): Promise<Record<string, string[] | null>> {
  const baseReach: Record<string, string[] | null> = {};
  const bases = [...new Set(valid.filter((st) => inRange.has(st.tip) && st.base !== reviewBase).map((st) => st.base))];
  // A root commit's approval is reviewed against the empty tree of this repository's object format: it reaches nothing.
  const empty = await emptyTree(cwd);
  const nonEmpty = bases.filter((b) => b !== empty);
  const present = await existingObjects(cwd, nonEmpty);
  for (const b of bases) {
    if (b === empty) baseReach[b] = [];
    else if (!present.has(b)) baseReach[b] = null;
    else {
      const r = await runGit(['rev-list', '--stdin', '--'], { cwd, okCodes: [128], input: walkInput([b], exclude) });
      baseReach[b] = r.code === 0 ? r.stdout.split('\n').filter((x) => inRange.has(x)) : null;
    }
  }
  return baseReach;
}
