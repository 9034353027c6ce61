import * as vscode from 'vscode';
import { AGENT_CLASSES, colourId, type AgentClass } from '../../core/marking/agentClass';
import { decorationRuns } from '../../core/marking/labelRuns';
import type { AttributionHub } from '../attribution/attributionHub';
import { settings } from '../settings';

/**
 * AI-written lines in the gutter (a bar per agent class, media/gutter/*.svg), the overview ruler and a faint
 * line background, all in theme colours (`countersign.aiLine.<class>Background/Ruler`) that themes override.
 * Redraws are debounced and run after the repository's queue has caught up, so typing never waits on them
 * and the marks always describe the text they are drawn on.
 */
export class DecorationController implements vscode.Disposable {
  private readonly types = new Map<AgentClass, vscode.TextEditorDecorationType>();
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly dirtyEditors = new Set<string>();
  private all = true;
  /** What was last drawn per document (lines per agent class), for tests to read what a person sees. */
  private readonly drawn = new Map<string, Partial<Record<AgentClass, Array<[number, number]>>>>();

  constructor(
    private readonly repos: AttributionHub,
    extensionUri: vscode.Uri,
    private readonly delayMs = 150,
  ) {
    for (const cls of AGENT_CLASSES) {
      const icon = (variant: string) => vscode.Uri.joinPath(extensionUri, 'media', 'gutter', `${cls}-${variant}.svg`);
      this.types.set(
        cls,
        vscode.window.createTextEditorDecorationType({
          isWholeLine: true,
          backgroundColor: new vscode.ThemeColor(colourId(cls, 'Background')),
          overviewRulerColor: new vscode.ThemeColor(colourId(cls, 'Ruler')),
          overviewRulerLane: vscode.OverviewRulerLane.Left,
          light: { gutterIconPath: icon('light'), gutterIconSize: 'contain' },
          dark: { gutterIconPath: icon('dark'), gutterIconSize: 'contain' },
          rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
        }),
      );
    }
  }

  start(): void {
    this.disposables.push(
      this.repos.onDidChangeLabels((loc) => this.schedule(this.repos.fileUri(loc).toString())),
      vscode.window.onDidChangeVisibleTextEditors(() => this.schedule()),
    );
    this.schedule();
  }

  /** Redraw one document's editors soon (or every visible editor). */
  schedule(uri?: string): void {
    if (uri) this.dirtyEditors.add(uri);
    else this.all = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.redraw();
    }, this.delayMs);
  }

  /** Draws now, after the queues have caught up (tests call this through the API). */
  async redraw(): Promise<void> {
    const all = this.all;
    const wanted = new Set(this.dirtyEditors);
    this.all = false;
    this.dirtyEditors.clear();
    await this.repos.idle();
    const enabled = settings.decorationsEnabled();
    for (const editor of vscode.window.visibleTextEditors) {
      const key = editor.document.uri.toString();
      if (!all && !wanted.has(key)) continue;
      const loc = enabled ? this.repos.locate(editor.document.uri) : undefined;
      const engine = loc?.repo.engine;
      // Draw only when the engine's text is the editor's: otherwise edits are still on their way (or held to
      // see whether a save follows) and the marks VS Code already moves along with the text stay meanwhile.
      if (engine && loc && engine.text(loc.file) !== undefined && engine.text(loc.file) !== editor.document.getText())
        continue;
      const runs =
        engine && loc ? decorationRuns(engine.labels(loc.file)) : new Map<AgentClass, Array<[number, number]>>();
      this.drawn.set(key, Object.fromEntries([...runs].filter(([, r]) => r.length > 0)));
      for (const [cls, type] of this.types) {
        const ranges = (runs.get(cls) ?? []).map(([s, e]: [number, number]) => new vscode.Range(s, 0, e, 0));
        editor.setDecorations(type, ranges);
      }
    }
  }

  /** The gutter marks last drawn on a document's editors: start and end line (0-based) of each run, per agent class. */
  drawnFor(uri: vscode.Uri): Partial<Record<AgentClass, Array<[number, number]>>> | undefined {
    return this.drawn.get(uri.toString());
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
    for (const t of this.types.values()) t.dispose();
  }
}
