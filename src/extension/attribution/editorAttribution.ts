import * as vscode from 'vscode';
import { labelKey, type LineLabel } from '../../core/attribution/labels';
import { bundledCliPath } from '../bundledCli';
import { DiskCapture } from '../capture/diskCapture';
import { DocumentCapture } from '../capture/documentCapture';
import { InlineAcceptCapture } from '../capture/inlineAcceptCapture';
import { registerPasteCapture } from '../capture/pasteCapture';
import { registerTerminalCapture } from '../capture/terminalCapture';
import { recordTrace, traceRepository } from '../capture/traceCommand';
import { Commands, Settings, type CommandId } from '../ids';
import { AiShareStatus } from '../marking/aiShareStatus';
import { AgentHookWarnings } from '../setup/agentHookWarnings';
import { Corrections, type CorrectionArgs } from '../marking/corrections';
import { DecorationController } from '../marking/decorations';
import { registerHover } from '../marking/hoverProvider';
import { affects } from '../settings';
import { offerHookInstall } from '../setup/hookOffer';
import { FileSync } from './fileSync';
import { AttributionHub } from './attributionHub';
import type { RepositoryRegistry } from '../repositoryRegistry';
import { repositoryCommands } from '../repositoryCommand';

/** What integration tests (and other extensions) may ask: labels as the engine holds them, after the queues ran. */
export interface AttributionApi {
  /** `ai:<agent>` / `human` / `untracked` per line of the file, or undefined when Countersign does not attribute it. */
  labelsFor(uri: vscode.Uri): Promise<string[] | undefined>;
  /** The full labels (agent, model, session, confidence, time). */
  labelDetailsFor(uri: vscode.Uri): Promise<LineLabel[] | undefined>;
  /** Waits until every observation made so far has reached its engine. */
  idle(): Promise<void>;
  /** Redraws the decorations now (after idle) — for screenshots and tests. */
  redraw(): Promise<void>;
  /** After a redraw: the gutter marks on the document's editors, as [startLine, endLine] runs per agent class. */
  gutterFor(uri: vscode.Uri): Promise<Record<string, Array<[number, number]>> | undefined>;
  /** The status bar's AI-share text, recomputed now. */
  aiShareText(): Promise<string>;
  /** The status bar's tooltip, recomputed now. */
  aiShareTooltip(): Promise<string>;
  /** Agents whose hooks `agents connect` wrote were removed or changed, checked now (one sentence each). */
  agentHookWarnings(): Promise<string[]>;
}

/**
 * The editor side of attribution and marking, built in one place: capture (documents, pastes, the inline-accept
 * Tab, disk, terminals) feeding one engine per repository, the ledger sync, decorations, hover, corrections,
 * the status-bar share and the first-use hook offer.
 */
export function composeEditorAttribution(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  repositories: RepositoryRegistry,
  command: (id: CommandId, handler: (...args: never[]) => unknown) => void,
): { disposables: vscode.Disposable[]; api: AttributionApi } {
  const repos = new AttributionHub(repositories);
  const sync = new FileSync(repos);
  const inline = new InlineAcceptCapture();
  const documents = new DocumentCapture(repos, sync, inline, log);
  const disk = new DiskCapture(repos, sync, documents, log);
  const decorations = new DecorationController(repos, context.extensionUri);
  const hookWarnings = new AgentHookWarnings(
    () => repos.workspaceRepos().map((r) => r.root),
    log,
    bundledCliPath(context),
  );
  const status = new AiShareStatus(repos, repositories, 400, () => hookWarnings.warnings());
  const corrections = new Corrections(repos, sync, (uri) => documents.release(uri.toString()));
  const disposables: vscode.Disposable[] = [repos, sync, documents, disk, decorations, hookWarnings, status];

  documents.start();
  disk.start();
  decorations.start();
  status.start();
  hookWarnings.start();
  disposables.push(hookWarnings.onDidChange(() => status.schedule()));
  disposables.push(
    registerPasteCapture((doc, text) => documents.notePaste(doc, text)),
    registerTerminalCapture(repos, log),
    registerHover(repos),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affects(e, Settings.decorationsEnabled)) decorations.schedule();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      log.info('[capture] workspace trusted: labels now go to the working ledger');
      for (const repo of repos.all()) for (const file of repo.engine.files()) sync.scheduleStore({ repo, file });
      void offerHookInstall(context.workspaceState, repos, log);
    }),
  );

  command(Commands.acceptInlineSuggestion, () => inline.accept());
  repositoryCommands(repositories, command)(
    Commands.recordTrace,
    (repo, target?: string) => recordTrace(repo.attribution(), log, typeof target === 'string' ? target : undefined),
    traceRepository(repos),
  );
  command(Commands.toggleDecorations, async () => {
    const config = vscode.workspace.getConfiguration(Settings.section);
    const next = !config.get<boolean>(Settings.decorationsEnabled, true);
    await config.update(Settings.decorationsEnabled, next, vscode.ConfigurationTarget.Global);
    void vscode.window.setStatusBarMessage(`Countersign: AI line marking ${next ? 'on' : 'off'}`, 3000);
  });
  command(Commands.markHuman, (args?: CorrectionArgs) => corrections.markHuman(args));
  command(Commands.markAi, (args?: CorrectionArgs) => corrections.markAi(args));
  command(Commands.showAiShare, () => status.show());

  void offerHookInstall(context.workspaceState, repos, log);

  const labelDetailsFor = async (uri: vscode.Uri) => {
    documents.releaseAll(); // tests read labels right after acting; do not wait out the save-participant window
    await repos.idle();
    const loc = repos.locate(uri);
    if (!loc || loc.repo.engine.text(loc.file) === undefined) return undefined;
    return loc.repo.engine.labels(loc.file);
  };
  const api: AttributionApi = {
    labelDetailsFor,
    labelsFor: async (uri) => (await labelDetailsFor(uri))?.map(labelKey),
    idle: async () => {
      documents.releaseAll();
      await repos.idle();
    },
    redraw: () => decorations.redraw(),
    gutterFor: async (uri) => {
      documents.releaseAll();
      decorations.schedule(uri.toString());
      await decorations.redraw();
      return decorations.drawnFor(uri);
    },
    aiShareText: async () => {
      documents.releaseAll();
      await status.update();
      return status.text;
    },
    aiShareTooltip: async () => {
      documents.releaseAll();
      await hookWarnings.check();
      await status.update();
      return status.tooltip;
    },
    agentHookWarnings: () => hookWarnings.check(),
  };
  return { disposables, api };
}
