import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';

/** Longest wait for the clipboard's text; past it the read counts as refused ("no clipboard"). */
const CLIPBOARD_READ_MS = 5000;

/**
 * Reads the clipboard without ever stalling capture (issue 13). In browser VS Code (code-server, Codespaces,
 * vscode.dev) a read the browser refuses shows a sticky "Unable to read from the browser's clipboard" error,
 * and the read answers only once that notification is closed — while labelling waited on it. So every read is
 * bounded in time (a refusal or no answer means "no clipboard"), and while one read is still unanswered no
 * other starts, so an unanswered refusal raises no second error. Typing never reads (isPasteCandidate); pastes
 * in the browser are heard by the paste-edit provider, which is handed the pasted text. No answer in time is
 * not taken as a refusal for good: a blocked extension host delays a granted read just as much.
 */
export class ClipboardReader {
  private inFlight = false;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly timeoutMs = CLIPBOARD_READ_MS,
  ) {}

  read(): Promise<string | undefined> {
    if (this.inFlight) return Promise.resolve(undefined);
    this.inFlight = true;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => {
        this.log.warn(
          `[capture] the clipboard did not answer within ${this.timeoutMs} ms; the insertion is compared with no clipboard`,
        );
        resolve(undefined);
      }, this.timeoutMs);
    });
    const read = Promise.resolve(vscode.env.clipboard.readText())
      .then(
        (text) => text,
        (e: unknown) => {
          this.log.warn(
            `[capture] the clipboard could not be read (${errorMessage(e)}); the insertion is compared with no clipboard`,
          );
          return undefined;
        },
      )
      .finally(() => {
        this.inFlight = false;
      });
    return Promise.race([read, late]).finally(() => clearTimeout(timer));
  }
}
