import * as vscode from 'vscode';
import type { AttributionApi } from './attribution/editorAttribution';
import { compose } from './composition';
import type { ReviewApi } from './review/composeReview';
import type { BlameApi } from './blame/composeBlame';
import { LOG_CHANNEL_NAME } from './ids';

/** Thin entry (STYLE.md #3): the log channel, one composition function, one funnel of disposables. */
export interface CountersignApi {
  /** For integration tests and other extensions: the commands this activation registered. */
  readonly registeredCommands: readonly string[];
  readonly logChannelName: string;
  /** Line labels as the editor's engines hold them (integration tests). */
  readonly attribution: AttributionApi;
  /** The review panel's model and the gate's status bar item (integration tests). */
  readonly review: ReviewApi;
  /** The current line's "AI blame" annotation (integration tests). */
  readonly blame: BlameApi;
}

export function activate(context: vscode.ExtensionContext): CountersignApi {
  const log = vscode.window.createOutputChannel(LOG_CHANNEL_NAME, { log: true });
  context.subscriptions.push(log);
  log.info(`[extension] activating Countersign ${context.extension.packageJSON.version as string}`);
  const services = compose(context, log);
  // Disposed in reverse order of creation.
  context.subscriptions.push({ dispose: () => [...services.disposables].reverse().forEach((d) => d.dispose()) });
  return { registeredCommands: services.registeredCommands, logChannelName: LOG_CHANNEL_NAME, attribution: services.attribution, review: services.review, blame: services.blame };
}

export function deactivate(): void {
  // Everything hangs off context.subscriptions.
}
