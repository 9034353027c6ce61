import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from './atomicFile';

/**
 * The CLI ships as dist/cli.js plus files that must sit beside it (issue 11 split them off to keep each
 * bundle small): the commit hook's own entry and the bundles of commands cli.js loads on first use
 * (src/cli/lazyCommands.ts, src/cli/ledgerCommands.ts, src/cli/gateCommands.ts). Every copy of the CLI — the hooks' copy in .git/countersign/bin, a server's, the
 * `countersign` launcher's — is written here, so a copy never lacks a piece.
 */
export const HOOK_ENTRY = 'hook.js';
export const LAZY_CLI_BUNDLE = 'cli-lazy.js';
/** What an agent's tool call (`checkpoint`) and the client hooks Node runs besides pre-push load (ledgerCommands.ts). */
export const LEDGER_CLI_BUNDLE = 'cli-ledger.js';
/** verify, review, approve/reject, explain (gateCommands.ts): judging by hand, which no hook or push runs. */
export const GATE_CLI_BUNDLE = 'cli-gate.js';
export type LazyCliBundle = typeof LAZY_CLI_BUNDLE | typeof LEDGER_CLI_BUNDLE | typeof GATE_CLI_BUNDLE;
const COMPANIONS = [HOOK_ENTRY, LAZY_CLI_BUNDLE, LEDGER_CLI_BUNDLE, GATE_CLI_BUNDLE];

/**
 * Written beside every copy (attack26 05): Node takes a `.js` file for CommonJS or an ES module by the nearest
 * package.json above it, and the hooks' copy sits in .git/countersign/bin, inside the work tree, where the
 * project's own package.json would decide — `"type": "module"` (most current templates) or one that does not
 * parse (conflict markers during a merge) made every hook and agent checkpoint crash. A server's bare repository
 * and the launcher's folder can sit under one too. The nearest one is then this, and nothing above is read.
 */
export const SCOPE_FILE = 'package.json';
export const SCOPE_TEXT = '{ "type": "commonjs" }\n';

/** Whether the copy at `dest` has its package.json, as writeCliBundleCopy writes it. */
export function scopeFileCurrent(dest: string): boolean {
  try {
    return fs.readFileSync(path.join(path.dirname(dest), SCOPE_FILE), 'utf8') === SCOPE_TEXT;
  } catch {
    return false;
  }
}

/** A file of that name shipped beside a CLI bundle, or undefined for a CLI without one (an older build). */
export function companionBeside(cliSource: string, name: string): string | undefined {
  const f = path.join(path.dirname(cliSource), name);
  return fs.existsSync(f) ? f : undefined;
}

/** The companions that ship beside this CLI bundle: [name, path]. */
export function companionsBeside(cliSource: string): Array<[string, string]> {
  return COMPANIONS.flatMap((name): Array<[string, string]> => {
    const f = companionBeside(cliSource, name);
    return f ? [[name, f]] : [];
  });
}

/**
 * Copies the CLI to `dest` and its companions beside it. A companion this CLI does not ship is removed from
 * the destination, so a stale one is never paired with a newer CLI.
 */
export function writeCliBundleCopy(cliSource: string, dest: string): void {
  // First: a bundle is never beside a package.json that is not its own.
  writeFileAtomic(path.join(path.dirname(dest), SCOPE_FILE), SCOPE_TEXT, 0o644);
  writeFileAtomic(dest, fs.readFileSync(cliSource), 0o755);
  for (const name of COMPANIONS) {
    const from = companionBeside(cliSource, name);
    const to = path.join(path.dirname(dest), name);
    if (from) writeFileAtomic(to, fs.readFileSync(from), 0o644);
    else fs.rmSync(to, { force: true });
  }
}

/** Removes a CLI copy and its companions; returns the files removed. */
export function removeCliBundleCopy(dest: string): string[] {
  const removed: string[] = [];
  for (const f of [dest, ...[...COMPANIONS, SCOPE_FILE].map((n) => path.join(path.dirname(dest), n))]) {
    if (fs.existsSync(f)) {
      fs.rmSync(f);
      removed.push(f);
    }
  }
  return removed;
}
