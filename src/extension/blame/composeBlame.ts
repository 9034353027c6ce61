import * as vscode from 'vscode';
import { Commands, Settings, type CommandId } from '../ids';
import { affects } from '../settings';
import { registerBlameHover } from './blameHover';
import { CurrentLineBlame, type BlameStats } from './currentLineBlame';
import type { RepositoryRegistry } from '../repositoryRegistry';

/** What integration tests read: the annotation as drawn, and how much git work it took. */
export interface BlameApi {
  /** Runs what the cursor's rest runs, now (blame if needed, then draw), and returns what is shown. */
  update(): Promise<ShownBlameInfo | undefined>;
  /** What the annotation shows now, without running anything. */
  shown(): ShownBlameInfo | undefined;
  /** How many blames were computed and how long the last one took. */
  stats(): BlameStats;
}

export interface ShownBlameInfo {
  uri: string;
  /** 0-based. */
  line: number;
  text: string;
  commit: string | null;
}

/** "AI blame" for the current line: the annotation, its hover, the setting and the toggle command. */
export function composeLineBlame(
  log: vscode.LogOutputChannel,
  repositories: RepositoryRegistry,
  command: (id: CommandId, handler: (...args: never[]) => unknown) => void,
): { disposables: vscode.Disposable[]; api: BlameApi } {
  const blame = new CurrentLineBlame(log, repositories);
  blame.start();
  const disposables: vscode.Disposable[] = [
    blame,
    registerBlameHover(() => blame.shown),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affects(e, Settings.blameEnabled)) blame.settingChanged();
    }),
  ];
  command(Commands.toggleBlame, async () => {
    const config = vscode.workspace.getConfiguration(Settings.section);
    const next = !config.get<boolean>(Settings.blameEnabled, true);
    await config.update(Settings.blameEnabled, next, vscode.ConfigurationTarget.Global);
    void vscode.window.setStatusBarMessage(`Countersign: AI blame for the current line ${next ? 'on' : 'off'}`, 3000);
  });
  const info = (): ShownBlameInfo | undefined => {
    const s = blame.shown;
    return s ? { uri: s.uri, line: s.line, text: s.text, commit: s.blame.commit } : undefined;
  };
  const api: BlameApi = {
    update: async () => {
      await blame.update();
      return info();
    },
    shown: info,
    stats: () => blame.stats,
  };
  return { disposables, api };
}
