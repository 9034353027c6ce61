import * as assert from 'assert';
import * as vscode from 'vscode';
import type { CountersignApi } from '../../../src/extension/extension';
import { EXTENSION_ID } from '../../../src/extension/ids';

/** What the in-host suites share: the activated extension's API, the workspace repository, polling. */
export async function api(): Promise<CountersignApi> {
  const ext = vscode.extensions.getExtension<CountersignApi>(EXTENSION_ID);
  assert.ok(ext);
  const activated = await ext.activate();
  await activated.ready; // the services bundle loads just after activate() returns
  return activated;
}

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder');
  return folder.uri.fsPath;
}

/** Polls `probe` every 100 ms until it answers something other than undefined; names `what` on timeout. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
): Promise<T> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
