import type { Command } from '../command';
import { agentsCommand } from './agents';
import { approveCommand, rejectCommand } from './approve';
import { blameCommand } from './blame';
import { checkpointCommand } from './checkpoint';
import { completionCommand } from './completion';
import { hookCommand } from './hook';
import { installCommand } from './install';
import { policyCommand } from './policy';
import { replayCommand } from './replay';
import { statusCommand } from './status';
import { uninstallCommand } from './uninstall';
import { verifyCommand } from './verify';
// Loaded on first use in the shipped CLI (dist/cli-lazy.js): see lazyCommands.ts.
import {
  doctorCommand,
  explainCommand,
  exportCommand,
  importCommand,
  initCommand,
  reportCommand,
  reviewCommand,
} from '../lazyCommands';

/** Every subcommand, in the order `countersign --help` lists them. */
export const commands: Command[] = [
  initCommand,
  installCommand,
  uninstallCommand,
  doctorCommand,
  hookCommand,
  policyCommand,
  verifyCommand,
  reviewCommand,
  approveCommand,
  rejectCommand,
  replayCommand,
  reportCommand,
  blameCommand,
  explainCommand,
  statusCommand,
  checkpointCommand,
  agentsCommand,
  exportCommand,
  importCommand,
  completionCommand(() => commands),
];

export function findCommand(name: string): Command | undefined {
  return commands.find((c) => c.name === name);
}
