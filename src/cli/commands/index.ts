import type { Command } from '../command';
import { setCommandList } from '../commandList';
import { hookCommand } from './hook';
// Loaded on first use in the shipped CLI (dist/cli-gate.js): see gateCommands.ts.
import { approveCommand, explainCommand, rejectCommand, reviewCommand, verifyCommand } from '../gateCommands';
// Loaded on first use in the shipped CLI (dist/cli-ledger.js): see ledgerCommands.ts.
import { checkpointCommand } from '../ledgerCommands';
// Loaded on first use in the shipped CLI (dist/cli-lazy.js): see lazyCommands.ts.
import {
  agentsCommand,
  blameCommand,
  completionCommand,
  doctorCommand,
  exportCommand,
  importCommand,
  initCommand,
  installCommand,
  policyCommand,
  replayCommand,
  reportCommand,
  statusCommand,
  uninstallCommand,
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
  completionCommand,
];

setCommandList(() => commands);

export function findCommand(name: string): Command | undefined {
  return commands.find((c) => c.name === name);
}
