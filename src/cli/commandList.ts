import type { Command } from './command';

/**
 * Every subcommand, for `completion`, which ships in the lazily loaded dist/cli-lazy.js while the list is
 * dist/cli.js's (src/cli/commands/index.ts sets it): a module both bundles hold is one instance
 * (scripts/bundleSharing.js), so the lazy side reads the list the eager side set.
 */
let list: () => Command[] = () => [];

export function setCommandList(all: () => Command[]): void {
  list = all;
}

export function commandList(): Command[] {
  return list();
}
