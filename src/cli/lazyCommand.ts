import * as fs from 'fs';
import * as path from 'path';
import { CountersignError } from '../core/errors';
import { shareModules } from '../core/sharedModules';
import { LAZY_CLI_BUNDLE } from '../git/cliBundle';
import type { Command } from './command';

/**
 * A command of src/cli/lazyCommands.ts as dist/cli.js holds it (esbuild.js generates the calls): its name and
 * summary, and a run() and help (`usage`) that load dist/cli-lazy.js — which sits beside every copy of the CLI
 * (src/git/cliBundle.ts) — on first use.
 */
export function lazyCommand(meta: Omit<Command, 'run' | 'usage'>, exportName: string): Command {
  return {
    ...meta,
    get usage() {
      return lazyExport(exportName).usage;
    },
    run: (argv, ctx) => lazyExport(exportName).run(argv, ctx),
  };
}

function lazyExport(exportName: string): Command {
  const file = path.join(__dirname, LAZY_CLI_BUNDLE);
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
