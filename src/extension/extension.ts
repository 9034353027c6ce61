import * as path from 'path';
import * as vscode from 'vscode';
import type { AttributionApi } from './attribution/editorAttribution';
import type { CommandHandlers, Services } from './composition';
import type { ReviewApi } from './review/composeReview';
import type { BlameApi } from './blame/composeBlame';
import { registerCommand } from './commandRegistry';
import { Commands, LOG_CHANNEL_NAME, type CommandId } from './ids';

/**
 * Set by esbuild.js's banner and footer as the bundle starts and ends evaluating. Activation time is that plus
 * activate() itself — what VS Code's "code loading" and "activate call" are — and not the wait between the two,
 * in which the extension host prepares the ExtensionContext (its storage) on its own schedule.
 */
declare const __countersignLoadStart: number | undefined;
declare const __countersignLoadEnd: number | undefined;

/**
 * The rest of the extension (composition.ts and everything it builds), a second bundle beside this one. This
 * entry holds only activate(), the command ids and the error funnel, so activating costs a few kilobytes of
 * code (issue 11: ≤ 30 ms); the services bundle is loaded just after activate() returns.
 */
const SERVICES_BUNDLE = 'extension-services.js';

/** Thin entry: the log channel, every command registered at once, the services loaded next. */
export interface CountersignApi {
  /** For integration tests and other extensions: the commands registered with a handler (after `ready`). */
  readonly registeredCommands: readonly string[];
  readonly logChannelName: string;
  /** Resolves once the services bundle is loaded and composed; the three APIs below throw before that. */
  readonly ready: Promise<void>;
  /** Line labels as the editor's engines hold them (integration tests). */
  readonly attribution: AttributionApi;
  /** The review panel's model and the gate's status bar item (integration tests). */
  readonly review: ReviewApi;
  /** The current line's "AI blame" annotation (integration tests). */
  readonly blame: BlameApi;
  /** Milliseconds spent evaluating this bundle plus running activate() (`npm run bench` reads it). */
  readonly activationMs: number;
  /** Milliseconds spent loading and composing the services bundle after activate() (undefined before). */
  readonly servicesMs: number | undefined;
}

export function activate(context: vscode.ExtensionContext): CountersignApi {
  const started = performance.now();
  const loadMs =
    typeof __countersignLoadStart === 'number' && typeof __countersignLoadEnd === 'number'
      ? __countersignLoadEnd - __countersignLoadStart
      : 0;
  const log = vscode.window.createOutputChannel(LOG_CHANNEL_NAME, { log: true });
  context.subscriptions.push(log);
  log.info(`[extension] activating Countersign ${context.extension.packageJSON.version as string}`);

  let services: Services | undefined;
  let servicesMs: number | undefined;
  const handlers = new Map<CommandId, (...args: never[]) => unknown>();
  // Not in activate() itself: the next turn of the event loop, before the host reads another message.
  const ready = new Promise<void>((resolve, reject) =>
    setImmediate(() => {
      const t0 = performance.now();
      try {
        // A file beside this bundle, loaded at run time: a require esbuild must not follow.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { compose } = require(path.join(__dirname, SERVICES_BUNDLE)) as {
          compose: (c: vscode.ExtensionContext, l: vscode.LogOutputChannel, h: CommandHandlers) => Services;
        };
        services = compose(context, log, (id, handler) => handlers.set(id, handler));
        const composed = services;
        // Disposed in reverse order of creation.
        context.subscriptions.push({ dispose: () => [...composed.disposables].reverse().forEach((d) => d.dispose()) });
        servicesMs = performance.now() - t0;
        log.info(`[extension] services loaded in ${servicesMs.toFixed(1)} ms`);
        resolve();
      } catch (err) {
        log.error(
          `[extension] loading ${SERVICES_BUNDLE} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
        );
        reject(err);
      }
    }),
  );
  ready.catch(() => undefined); // reported above, and by every command that waits for it
  // Every contributed command now, so the palette and keybindings find it at once; its handler is the services'.
  const ids = Object.values(Commands);
  for (const id of ids) {
    context.subscriptions.push(
      registerCommand(log, id, async (...args: never[]) => {
        await ready;
        const handler = handlers.get(id);
        if (!handler) throw new Error(`${id} is not available in this window`);
        return handler(...args);
      }),
    );
  }

  const loaded = () => {
    if (!services) throw new Error("Countersign is still loading: await the API's `ready` first");
    return services;
  };
  const activationMs = loadMs + (performance.now() - started);
  log.info(`[extension] activated in ${activationMs.toFixed(1)} ms (${loadMs.toFixed(1)} ms loading the bundle)`);
  return {
    get registeredCommands() {
      return loaded().registeredCommands;
    },
    logChannelName: LOG_CHANNEL_NAME,
    ready,
    get attribution() {
      return loaded().attribution;
    },
    get review() {
      return loaded().review;
    },
    get blame() {
      return loaded().blame;
    },
    activationMs,
    get servicesMs() {
      return servicesMs;
    },
  };
}

export function deactivate(): void {
  // Everything hangs off context.subscriptions.
}
