import * as vscode from 'vscode';
import { CountersignError, errorMessage } from '../core/errors';
import { Commands, type CommandId } from './ids';

/**
 * The one place that catches command errors: log the whole error, show one sentence with
 * a "Show Log" action. Known failures (CountersignError) show their message as is.
 */
export function registerCommand(
  log: vscode.LogOutputChannel,
  id: CommandId,
  handler: (...args: never[]) => unknown,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await (handler as (...a: unknown[]) => unknown)(...args);
    } catch (err) {
      log.error(`[command] ${id} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      const text = CountersignError.is(err) ? errorMessage(err) : `Countersign: ${errorMessage(err)}`;
      // Not awaited: the command finishes when it fails, not when the user dismisses the notification.
      void vscode.window.showErrorMessage(text, 'Show Log').then((choice) => {
        if (choice === 'Show Log') log.show(true);
      });
      return undefined;
    }
  });
}

export { Commands };
