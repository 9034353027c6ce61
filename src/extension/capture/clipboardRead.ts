import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';

/** Longest wait for the clipboard's text; past it the read counts as refused ("no clipboard"). */
const CLIPBOARD_READ_MS = 5000;

/**
 * Reads the clipboard without ever stalling capture (issue 13). In browser VS Code (code-server, Codespaces,
 * vscode.dev) a read the browser refuses shows a sticky "Unable to read from the browser's clipboard" error,
 * and the read answers only once that notification is closed — while labelling waited on it. So every read is
 * bounded in time and a refusal (an error, no answer in time) means "no clipboard"; in the browser one refusal
 * ends reading for the session, so the error is not raised again: pastes there are heard by the paste-edit
 * provider, which is handed the pasted text.
 */
export class ClipboardReader {
  private refused = false;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly web = vscode.env.uiKind === vscode.UIKind.Web,
    private readonly timeoutMs = CLIPBOARD_READ_MS,
  ) {}

  read(): Promise<string | undefined> {
    if (this.refused) return Promise.resolve(undefined);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => { this.refusal(`no answer within ${this.timeoutMs} ms`); resolve(undefined); }, this.timeoutMs);
    });
    const read = Promise.resolve(vscode.env.clipboard.readText()).then(
      (text) => text,
      (e: unknown) => { this.refusal(errorMessage(e)); return undefined; },
    );
    return Promise.race([read, late]).finally(() => clearTimeout(timer));
  }

  private refusal(why: string): void {
    if (this.refused) return;
    this.log.warn(`[capture] the clipboard could not be read (${why}); the insertion is compared with no clipboard${this.web ? ', and the browser\'s clipboard is not read again this session (pastes are recognised from the paste itself)' : ''}`);
    if (this.web) this.refused = true;
  }
}
