import * as vscode from 'vscode';
import type { PanelModel } from '../../core/panel/protocol';
import { ContextKeys, Views, type CommandId } from '../ids';
import { CommitDiffView } from './commitDiffView';
import { ExplainContentProvider } from './explainDocument';
import { GateStatusBar } from './gateStatusBar';
import { registerReviewCommands } from './reviewCommands';
import { ReviewPanelProvider } from './reviewPanelProvider';
import { ReviewService } from './reviewService';
import type { RepositoryRegistry } from '../repositoryRegistry';
import { repositoryCommands } from '../repositoryCommand';
import { bundledCliPath } from '../bundledCli';
import { registerSetupCommands } from './setupCommands';
import { ReviewScheme } from '../ids';

/** What integration tests read and drive (returned from activate() as `review`). */
export interface ReviewApi {
  /** Recomputes the review state (`fetch`: fetch each remote first) and returns the panel's model. */
  refresh(opts?: { fetch?: boolean }): Promise<PanelModel>;
  readonly model: PanelModel;
  /** The gate status bar item's text and tooltip as shown. */
  statusBarText(): string | undefined;
  statusBarTooltip(): string | undefined;
  /** The webview has said `ready` and receives the model. */
  panelReady(): boolean;
  /** AI lines marked in the visible review diff editors. */
  markedDiffLines(): number;
  /** Untracked lines (added, attested to nobody) marked in the visible review diff editors. */
  markedUntrackedDiffLines(): number;
}

/** One of the states the Set-up view's welcome content (package.json viewsWelcome) is chosen by. */
export function setupState(model: PanelModel): string {
  if (model.empty) return model.empty;
  const states = model.repos.map((r) => r.state);
  if (states.includes('noPolicy')) return 'noPolicy';
  if (states.length > 0 && states.every((s) => s === 'noRemote')) return 'noRemote';
  return 'ready';
}

export function composeReview(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  repositories: RepositoryRegistry,
  command: (id: CommandId, handler: (...args: never[]) => unknown) => void,
): { disposables: vscode.Disposable[]; api: ReviewApi } {
  const disposables: vscode.Disposable[] = [];
  const service = new ReviewService(log, repositories);
  disposables.push(service);
  const diff = new CommitDiffView(log, repositories);
  disposables.push(diff);
  disposables.push(
    vscode.workspace.registerTextDocumentContentProvider(ReviewScheme.explain, new ExplainContentProvider()),
  );
  const panel = new ReviewPanelProvider(context.extensionUri, service, log);
  disposables.push(
    panel,
    vscode.window.registerWebviewViewProvider(Views.review, panel, {
      webviewOptions: { retainContextWhenHidden: false },
    }),
  );
  // The Set-up view holds no items: it exists for its welcome content, shown while something is missing.
  const setup = vscode.window.createTreeView(Views.setup, {
    treeDataProvider: { getChildren: () => [], getTreeItem: (x: vscode.TreeItem) => x },
  });
  disposables.push(setup);
  const status = new GateStatusBar(service);
  disposables.push(status);
  disposables.push(
    service.onDidChange(
      (m) => void vscode.commands.executeCommand('setContext', ContextKeys.setupState, setupState(m)),
    ),
  );

  const repoCommand = repositoryCommands(repositories, command);
  registerReviewCommands({ service, diff, log, command, repoCommand, repositories });
  registerSetupCommands({
    service,
    repoCommand,
    log,
    extensionUri: context.extensionUri,
    cliPath: bundledCliPath(context),
  });
  service.start();

  const api: ReviewApi = {
    refresh: (opts) => service.refresh({ fetch: opts?.fetch ?? false }),
    get model() {
      return service.model;
    },
    statusBarText: () => status.text,
    statusBarTooltip: () => status.tooltip,
    panelReady: () => panel.isReady,
    markedDiffLines: () => diff.markedLines(),
    markedUntrackedDiffLines: () => diff.markedUntrackedLines(),
  };
  return { disposables, api };
}
