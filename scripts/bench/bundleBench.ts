/** The production bundles (`node esbuild.js --production`), built afresh into a temporary folder, and their sizes. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface BundleFigures {
  extensionKb: number;
  /** What extension.js loads just after activate() returns. */
  extensionServicesKb: number | null;
  /** What it loads on first use of doctor, report, explain or the review panel's gate (its first refresh). */
  extensionLazyKb: number | null;
  cliKb: number;
  /** The commands cli.js loads on first use. */
  cliLazyKb: number | null;
  /** checkpoint and the client hooks that read the working ledger, which cli.js loads on first use. */
  cliLedgerKb: number | null;
  cliGateKb: number | null;
  hookKb: number | null;
}

/** Builds what the .vsix ships into a new temporary folder (the caller removes it). */
export function buildProduction(repoRoot: string): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-bench-bundle-'));
  execFileSync(process.execPath, ['esbuild.js', '--production'], {
    cwd: repoRoot,
    env: { ...process.env, OUT_DIR: out },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return out;
}

export function bundleSizes(out: string): BundleFigures {
  const kb = (f: string) => (fs.existsSync(path.join(out, f)) ? fs.statSync(path.join(out, f)).size / 1024 : null);
  return {
    extensionKb: kb('extension.js')!,
    extensionServicesKb: kb('extension-services.js'),
    extensionLazyKb: kb('extension-lazy.js'),
    cliKb: kb('cli.js')!,
    cliLazyKb: kb('cli-lazy.js'),
    cliLedgerKb: kb('cli-ledger.js'),
    cliGateKb: kb('cli-gate.js'),
    hookKb: kb('hook.js'),
  };
}
