import * as vscode from 'vscode';
import { compose } from './composition';
import { LOG_CHANNEL_NAME } from './ids';

/** Thin entry (STYLE.md #3): the log channel, one composition function, one funnel of disposables. */
export interface CountersignApi {
  /** For integration tests and other extensions: the commands this activation registered. */
  readonly registeredCommands: readonly string[];
  readonly logChannelName: string;
}

export function activate(context: vscode.ExtensionContext): CountersignApi {
  const log = vscode.window.createOutputChannel(LOG_CHANNEL_NAME, { log: true });
  context.subscriptions.push(log);
  log.info(`[extension] activating Countersign ${context.extension.packageJSON.version as string}`);
  const services = compose(context, log);
  // Disposed in reverse order of creation.
  context.subscriptions.push({ dispose: () => [...services.disposables].reverse().forEach((d) => d.dispose()) });
  return { registeredCommands: services.registeredCommands, logChannelName: LOG_CHANNEL_NAME };
}

export function deactivate(): void {
  // Everything hangs off context.subscriptions.
}
