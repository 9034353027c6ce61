import * as vscode from 'vscode';
import { Settings } from './ids';

/** Typed reads of Countersign's settings, in the extension layer only (never deep inside git code). */
function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(Settings.section);
}

export const settings = {
  decorationsEnabled: (): boolean => config().get<boolean>(Settings.decorationsEnabled, true),
  captureEnabled: (): boolean => config().get<boolean>(Settings.captureEnabled, true),
  pasteMinChars: (): number => Math.max(1, config().get<number>(Settings.pasteMinChars, 16)),
  maxFileSize: (): number => Math.max(1024, config().get<number>(Settings.maxFileSize, 1024 * 1024)),
  offerHookInstall: (): boolean => config().get<boolean>(Settings.offerHookInstall, true),
  blameEnabled: (): boolean => config().get<boolean>(Settings.blameEnabled, true),
};

export function affects(e: vscode.ConfigurationChangeEvent, key: string): boolean {
  return e.affectsConfiguration(`${Settings.section}.${key}`);
}
