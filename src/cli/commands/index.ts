import type { Command } from '../command';
import { hookCommand } from './hook';
import { installCommand } from './install';
import { uninstallCommand } from './uninstall';

/** Every subcommand, in the order `countersign --help` lists them. */
export const commands: Command[] = [
  installCommand,
  uninstallCommand,
  hookCommand,
];

export function findCommand(name: string): Command | undefined {
  return commands.find((c) => c.name === name);
}
