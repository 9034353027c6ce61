import * as vscode from 'vscode';
import type { AttributionApi } from './attribution/editorAttribution';
import { compose } from './composition';
import type { ReviewApi } from './review/composeReview';
import type { BlameApi } from './blame/composeBlame';
import { LOG_CHANNEL_NAME } from './ids';

/**
 * Set by esbuild.js's banner and footer as the bundle starts and ends evaluating. Activation time is that plus
 * activate() itself — what VS Code's "code loading" and "activate call" are — and not the wait between the two,
 * in which the extension host prepares the ExtensionContext (its storage) on its own schedule.
 */
declare const __countersignLoadStart: number | undefined;
declare const __countersignLoadEnd: number | undefined;

/** Thin entry: the log channel, one composition function, one funnel of disposables. */
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
  /** Milliseconds spent evaluating the bundle plus running activate() (`npm run bench` reads it). */
  readonly activationMs: number;
}

export function activate(context: vscode.ExtensionContext): CountersignApi {
  const started = performance.now();
  const loadMs = typeof __countersignLoadStart === 'number' && typeof __countersignLoadEnd === 'number' ? __countersignLoadEnd - __countersignLoadStart : 0;
  const log = vscode.window.createOutputChannel(LOG_CHANNEL_NAME, { log: true });
  context.subscriptions.push(log);
  log.info(`[extension] activating Countersign ${context.extension.packageJSON.version as string}`);
  const services = compose(context, log);
  // Disposed in reverse order of creation.
  context.subscriptions.push({ dispose: () => [...services.disposables].reverse().forEach((d) => d.dispose()) });
  const activationMs = loadMs + (performance.now() - started);
  log.info(`[extension] activated in ${activationMs.toFixed(1)} ms (${loadMs.toFixed(1)} ms loading the bundle)`);
  return { registeredCommands: services.registeredCommands, logChannelName: LOG_CHANNEL_NAME, attribution: services.attribution, review: services.review, blame: services.blame, activationMs };
}

export function deactivate(): void {
  // Everything hangs off context.subscriptions.
}
