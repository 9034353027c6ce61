import * as fs from 'fs';
import * as path from 'path';
import { CountersignError } from '../core/errors';
import { shareModules } from '../core/sharedModules';
import { LAZY_CLI_BUNDLE, type LazyCliBundle } from '../git/cliBundle';
import type { Command } from './command';

/**
 * A command of src/cli/lazyCommands.ts (or ledgerCommands.ts) as dist/cli.js holds it (esbuild.js generates the
 * calls): its name and summary, and a run() and help (`usage`) that load its bundle — dist/cli-lazy.js (or
 * dist/cli-ledger.js), which sits beside every copy of the CLI (src/git/cliBundle.ts) — on first use.
 */
export function lazyCommand(
  meta: Omit<Command, 'run' | 'usage'>,
  exportName: string,
  bundle: LazyCliBundle = LAZY_CLI_BUNDLE,
): Command {
  return {
    ...meta,
    get usage() {
      return lazyExport(exportName, bundle).usage;
    },
    run: (argv, ctx) => lazyExport(exportName, bundle).run(argv, ctx),
    // verify's exit-2 JSON facts (newuser15 #8) live with the command in its bundle: a function, so not in `meta`.
    jsonErrorFields: async (argv, cwd) => (await lazyExport(exportName, bundle).jsonErrorFields?.(argv, cwd)) ?? {},
  };
}

function lazyExport(exportName: string, bundle: LazyCliBundle): Command {
  const file = path.join(__dirname, bundle);
  if (!fs.existsSync(file)) {
    throw new CountersignError(
      'config',
      `${file} is missing: this command ships there, beside ${__filename}. Reinstall Countersign, or run \`countersign install\` to refresh the hooks' copy`,
    );
  }
  // It takes the modules both bundles hold from this one (scripts/bundleSharing.js).
  shareModules();
  // A file beside this bundle, loaded at run time: a require esbuild must not follow.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lazy = require(file) as Record<string, unknown> & { setRunningCliFile?: (f: string) => void };
  // Its commands copy and compare "the running CLI": this bundle, not the second one.
  lazy.setRunningCliFile?.(__filename);
  const command = lazy[exportName] as Command | undefined;
  if (!command)
    throw new CountersignError(
      'config',
      `${file} has no ${exportName}: it is from another version of Countersign than ${__filename}; reinstall Countersign`,
    );
  return command;
}
