import * as fs from 'fs';
import * as path from 'path';

/**
 * husky (v9) writes a shim in `.husky/_` only for its fixed list of hooks, which lacks reference-transaction —
 * the hook that merges teammates' fetched notes. Add one like husky's own (it runs `.husky/<hook>` through
 * husky's `h`), so the recipe's `.husky/reference-transaction` runs. Returns the file written, if any.
 */
export function addHuskyReferenceTransactionShim(repoRoot: string, hooksPath: string | undefined): string | undefined {
  if (!hooksPath) return undefined;
  const dir = path.resolve(repoRoot, hooksPath);
  if (!fs.existsSync(path.join(dir, 'h'))) return undefined;
  const file = path.join(dir, 'reference-transaction');
  if (fs.existsSync(file)) return undefined;
  fs.writeFileSync(file, '#!/usr/bin/env sh\n. "$(dirname "$0")/h"', { mode: 0o755 });
  return file;
}
