import * as vscode from 'vscode';
import { CANONICAL_AGENTS } from '../../core/attribution/observations';
import { aiLabel, type LineLabel } from '../../core/attribution/labels';
import type { LineRangeArgs } from '../../core/marking/hoverText';
import { agentDisplayName } from '../../core/marking/agentClass';
import type { FileSync } from '../attribution/fileSync';
import type { AttributionHub } from '../attribution/attributionHub';

/**
 * "Mark as human-written" / "Mark as AI-written". DESIGN's observations have no way to say "the user says
 * so", so a correction is a direct label edit: the engine's file is re-based with the corrected labels
 * (AttributionSession notes it, since a trace cannot replay it) and, when the buffer is saved, stored in the
 * working ledger at once so the next commit carries it. Re-basing drops the file's undo history of labels:
 * undoing an edit made before the correction restores the text with the corrected labels.
 * Arguments come from the hover's command link; without them the active editor's selection is used.
 */
export interface CorrectionArgs extends LineRangeArgs {
  /** Mark as AI-written by this agent (tests, scripts); otherwise the agent that first wrote the lines, or a pick. */
  agent?: string;
}

export class Corrections {
  constructor(
    private readonly repos: AttributionHub,
    private readonly sync: FileSync,
    /** Lets edits held back for the save-participant check reach the engine before labels are read. */
    private readonly release: (uri: vscode.Uri) => void,
  ) {}

  markHuman(args?: CorrectionArgs): Promise<void> {
    return this.apply(args, async () => () => ({ kind: 'human' }));
  }

  markAi(args?: CorrectionArgs): Promise<void> {
    return this.apply(args, async (labels) => {
      // Lines an AI wrote first get that writer back; otherwise the user says which agent.
      const firsts = new Map(
        labels.flatMap((l) => (l.kind === 'human' && l.wasAi ? [[JSON.stringify(l.wasAi), l.wasAi] as const] : [])),
      );
      let agent = args?.agent;
      if (!agent && firsts.size === 1 && labels.every((l) => l.kind === 'human' && l.wasAi)) {
        const was = [...firsts.values()][0];
        return () => aiLabel(was.agent, { model: was.model, session: was.session });
      }
      if (!agent) {
        const pick = await vscode.window.showQuickPick(
          CANONICAL_AGENTS.map((a) => ({ label: agentDisplayName(a), description: a, agent: a })),
          { placeHolder: 'Which AI wrote these lines?' },
        );
        if (!pick) return undefined;
        agent = pick.agent;
      }
      const chosen = agent;
      return () => aiLabel(chosen, { at: Date.now() });
    });
  }

  private async apply(
    args: CorrectionArgs | undefined,
    decide: (labels: LineLabel[]) => Promise<((old: LineLabel) => LineLabel) | undefined>,
  ): Promise<void> {
    const target = this.target(args);
    if (!target) {
      void vscode.window.showInformationMessage(
        'Select the lines to correct in an editor of a file in a git repository first.',
      );
      return;
    }
    const loc = this.repos.locate(target.uri);
    if (!loc) {
      void vscode.window.showInformationMessage(
        `${vscode.workspace.asRelativePath(target.uri)} is not in a git repository: Countersign does not attribute it.`,
      );
      return;
    }
    this.release(target.uri);
    await loc.repo.queue.idle();
    const { repo, file } = loc;
    const text = repo.engine.text(file);
    if (text === undefined) return;
    const labels = repo.engine.labels(file);
    const start = Math.max(0, target.startLine);
    const end = Math.min(labels.length - 1, target.endLine);
    if (end < start) return;
    const relabel = await decide(labels.slice(start, end + 1));
    if (!relabel) return;
    loc.repo.queue.push(() => {
      // Re-read under the queue: edits may have landed while the user picked.
      const now = repo.engine.labels(file);
      const current = repo.engine.text(file) ?? '';
      const last = Math.min(now.length - 1, end);
      const next = now.map((l, i) => (i >= start && i <= last ? relabel(l) : l));
      repo.session.setFile(file, current, next, `lines ${start + 1}-${last + 1} corrected by the user`);
      this.repos.fire(loc);
    });
    this.sync.scheduleStore(loc);
  }

  private target(
    args: CorrectionArgs | undefined,
  ): { uri: vscode.Uri; startLine: number; endLine: number } | undefined {
    if (args && typeof args.uri === 'string')
      return { uri: vscode.Uri.parse(args.uri), startLine: args.startLine, endLine: args.endLine };
    const editor = vscode.window.activeTextEditor;
    if (!editor) return undefined;
    const sel = editor.selection;
    // A selection ending at column 0 of a line does not include that line (as VS Code's line commands do).
    const endLine = sel.end.line > sel.start.line && sel.end.character === 0 ? sel.end.line - 1 : sel.end.line;
    return { uri: editor.document.uri, startLine: sel.start.line, endLine };
  }
}
