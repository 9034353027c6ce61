import * as vscode from 'vscode';
import { Settings } from './ids';

/** Typed reads of Countersign's settings, in the extension layer only (never deep inside git code). */
function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(Settings.section);
}

/**
 * A setting that weakens capture is read from the user's own settings only. A committed `.vscode/settings.json`
 * must not turn capture off for everyone who opens the clone (attack9 I5): the manifest gives these settings the
 * `machine` scope, which VS Code does not apply from workspace settings, and this read ignores workspace values
 * as well, whatever VS Code version runs it.
 */
function userValue<T>(key: string, fallback: T): T {
  const seen = config().inspect<T>(key);
  return seen?.globalValue ?? seen?.defaultValue ?? fallback;
}

export const settings = {
  decorationsEnabled: (): boolean => config().get<boolean>(Settings.decorationsEnabled, true),
  captureEnabled: (): boolean => userValue<boolean>(Settings.captureEnabled, true),
  pasteMinChars: (): number => Math.max(1, config().get<number>(Settings.pasteMinChars, 16)),
  maxFileSize: (): number => Math.max(1024, userValue<number>(Settings.maxFileSize, 1024 * 1024)),
  offerHookInstall: (): boolean => config().get<boolean>(Settings.offerHookInstall, true),
  blameEnabled: (): boolean => config().get<boolean>(Settings.blameEnabled, true),
};

export function affects(e: vscode.ConfigurationChangeEvent, key: string): boolean {
  return e.affectsConfiguration(`${Settings.section}.${key}`);
}
