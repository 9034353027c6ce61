import * as fs from 'fs';
import * as path from 'path';
import { refuseSymlinkedPath } from './symlinkGuard';

/**
 * husky (v9) writes a shim in `.husky/_` only for its fixed list of hooks, which lacks reference-transaction —
 * the hook that merges teammates' fetched notes. Add one like husky's own (it runs `.husky/<hook>` through
 * husky's `h`), so the recipe's `.husky/reference-transaction` runs.
 */

/**
 * Where the shim would go: undefined when core.hooksPath is not husky's folder (no `h` in it) or the shim is
 * there already. Asked before `install` writes anything: a cloned repository may commit `.husky/_` as a symbolic
 * link out of the clone (outside tester, session 10, J5), and an executable written through it lands wherever
 * the link points, so the path is held to the rule every writer follows (symlinkGuard.ts) and refused whole.
 */
export function huskyShimTarget(repoRoot: string, hooksPath: string | undefined): string | undefined {
  if (!hooksPath) return undefined;
  const dir = path.resolve(repoRoot, hooksPath);
  const file = path.join(dir, 'reference-transaction');
  if (!fs.existsSync(path.join(dir, 'h'))) return undefined;
  refuseSymlinkedPath(repoRoot, file, "write husky's reference-transaction shim");
  return fs.existsSync(file) ? undefined : file;
}

/** Writes the shim huskyShimTarget chose (checked again: nothing may have become a link since). */
export function writeHuskyShim(repoRoot: string, file: string): void {
  refuseSymlinkedPath(repoRoot, file, "write husky's reference-transaction shim");
  fs.writeFileSync(file, '#!/usr/bin/env sh\n. "$(dirname "$0")/h"', { mode: 0o755, flag: 'wx' });
}
