import * as path from 'path';
import * as vscode from 'vscode';
import { codeSpan } from '../../core/marking/hoverText';
import { errorMessage } from '../../core/errors';
import { splitLines } from '../../core/attribution/lines';
import { aiLinesOfCommit, untrackedLinesOfFile } from '../../core/panel/commitSignals';
import { ReviewScheme } from '../ids';
import type { Repository } from '../repository';
import type { RepositoryRegistry } from '../repositoryRegistry';
import { shortSha, displaySha } from '../../core/shortSha';

/**
 * A commit's diff in VS Code's diff editor, with the lines its refs/notes/ai note attests to AI highlighted
 * on the right-hand side (background, overview ruler, a hover naming agent and model). Both sides are
 * `countersign-git:` documents read with `git cat-file`, so a reviewer sees exactly the committed blobs
 * whatever is checked out, and nothing on disk changes.
 */
interface RevisionQuery {
  root: string;
  /** A commit id, or '' for "no such file" (the side of an added or deleted file). */
  rev: string;
  path: string;
}

export function revisionUri(q: RevisionQuery): vscode.Uri {
  const label = q.rev ? shortSha(q.rev) : 'none';
  return vscode.Uri.from({ scheme: ReviewScheme.revision, path: `/${label}/${q.path}`, query: JSON.stringify(q) });
}

function parseQuery(uri: vscode.Uri): RevisionQuery | undefined {
  try {
    const q = JSON.parse(uri.query) as Partial<RevisionQuery>;
    if (typeof q.root === 'string' && typeof q.rev === 'string' && typeof q.path === 'string')
      return { root: q.root, rev: q.rev, path: q.path };
  } catch {
    // not ours
  }
  return undefined;
}

export class RevisionContentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly repositories: RepositoryRegistry) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const q = parseQuery(uri);
    if (!q || !q.rev) return '';
    // The root comes from the URI: only a folder in a working tree is asked (ofFolder runs no git).
    return (await this.repositories.ofFolder(q.root)?.git.fileAt(q.rev, q.path)) ?? '';
  }
}

interface AiLine {
  line: number;
  agent: string;
  model?: string;
}

export class CommitDiffView implements vscode.Disposable {
  private readonly decoration: vscode.TextEditorDecorationType;
  private readonly untrackedDecoration: vscode.TextEditorDecorationType;
  /** AI lines per right-hand document (uri string), set when its diff is opened. */
  private readonly aiLines = new Map<string, AiLine[]>();
  /** Added lines no note entry vouches for (untracked), per right-hand document. */
  private readonly untrackedLines = new Map<string, number[]>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly log: vscode.LogOutputChannel,
    repositories: RepositoryRegistry,
  ) {
    this.decoration = vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      backgroundColor: new vscode.ThemeColor('countersign.review.aiLineBackground'),
      overviewRulerColor: new vscode.ThemeColor('countersign.review.aiLineRuler'),
      overviewRulerLane: vscode.OverviewRulerLane.Left,
      // A bar at the line's start, so AI lines stay visible over the diff's own "inserted" background.
      borderWidth: '0 0 0 3px',
      borderStyle: 'solid',
      borderColor: new vscode.ThemeColor('countersign.review.aiLineRuler'),
    });
    // Untracked lines: a dashed bar, quieter than the AI mark, so the two read side by side.
    this.untrackedDecoration = vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      overviewRulerColor: new vscode.ThemeColor('countersign.review.untrackedLineRuler'),
      overviewRulerLane: vscode.OverviewRulerLane.Left,
      borderWidth: '0 0 0 3px',
      borderStyle: 'dashed',
      borderColor: new vscode.ThemeColor('countersign.review.untrackedLineRuler'),
    });
    this.disposables.push(
      this.decoration,
      this.untrackedDecoration,
      vscode.workspace.registerTextDocumentContentProvider(
        ReviewScheme.revision,
        new RevisionContentProvider(repositories),
      ),
      vscode.window.onDidChangeVisibleTextEditors((editors) => this.decorate(editors)),
    );
  }

  /** The files a commit changes (against its first parent), for picking one. */
  async changedFiles(repo: Repository, sha: string): Promise<Array<{ path: string; status: string }>> {
    return repo.git.filesChangedBy(sha);
  }

  /** Opens the diff of `file` in commit `sha` against its first parent; returns how many AI lines are marked. */
  async open(repo: Repository, sha: string, file: string): Promise<number> {
    const { root, git } = repo;
    const parentSha = (await git.firstParent(sha)) ?? '';
    const inTip = await git.hasFileAt(sha, file);
    const inParent = parentSha !== '' && (await git.hasFileAt(parentSha, file));
    const left = revisionUri({ root, rev: inParent ? parentSha : '', path: file });
    const right = revisionUri({ root, rev: inTip ? sha : '', path: file });
    let lines: AiLine[] = [];
    let untracked: number[] = [];
    try {
      const note = await git.aiNote(sha);
      // The note may claim any lines; only those the committed file has are marked.
      const blob = inTip && note !== undefined ? ((await git.fileAt(sha, file)) ?? '') : '';
      lines = aiLinesOfCommit(note, sha, file, splitLines(blob).length);
      if (note !== undefined && inTip) {
        untracked = untrackedLinesOfFile(await git.addedLines(parentSha || undefined, sha, file), note, file, sha);
      }
    } catch (e) {
      this.log.warn(`[review] the AI note on ${shortSha(sha)} is unreadable, no lines marked: ${errorMessage(e)}`);
    }
    this.aiLines.set(right.toString(), lines);
    this.untrackedLines.set(right.toString(), untracked);
    const counts = [
      ...(lines.length > 0 ? [`${lines.length} AI line${lines.length === 1 ? '' : 's'}`] : []),
      ...(untracked.length > 0 ? [`${untracked.length} untracked`] : []),
    ];
    const title = `${path.basename(file)} (${parentSha ? displaySha(parentSha) : 'new'} ↔ ${displaySha(sha)})${counts.length > 0 ? ` — ${counts.join(', ')}` : ''}`;
    await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: true });
    this.decorate(vscode.window.visibleTextEditors);
    return lines.length;
  }

  /** How many AI lines are marked in the visible editors (integration tests). */
  markedLines(): number {
    let n = 0;
    for (const e of vscode.window.visibleTextEditors) n += this.aiLines.get(e.document.uri.toString())?.length ?? 0;
    return n;
  }

  /** How many untracked lines are marked in the visible editors (integration tests). */
  markedUntrackedLines(): number {
    let n = 0;
    for (const e of vscode.window.visibleTextEditors)
      n += this.untrackedLines.get(e.document.uri.toString())?.length ?? 0;
    return n;
  }

  private decorate(editors: readonly vscode.TextEditor[]): void {
    for (const editor of editors) {
      const lines = this.aiLines.get(editor.document.uri.toString());
      if (!lines) continue;
      const options: vscode.DecorationOptions[] = lines
        .filter((l) => l.line - 1 < editor.document.lineCount)
        .map((l, i, all) => {
          const who = `${l.agent}${l.model ? ` (${l.model})` : ''}`;
          // Agent and model come from a fetched note: code spans that nothing in them can end (issue 16).
          const hover = new vscode.MarkdownString(
            `**AI-written** by ${codeSpan(l.agent)}${l.model ? ` (${codeSpan(l.model)})` : ''} — from the commit's \`refs/notes/ai\` note`,
          );
          const prev = all[i - 1];
          // The first line of each run names the agent at its end; the rest only carry the mark and the hover.
          const first = !prev || prev.line !== l.line - 1 || prev.agent !== l.agent || prev.model !== l.model;
          return {
            range: new vscode.Range(l.line - 1, 0, l.line - 1, 0),
            hoverMessage: hover,
            ...(first
              ? {
                  renderOptions: {
                    after: {
                      contentText: `  ✦ AI: ${who}`,
                      color: new vscode.ThemeColor('countersign.review.aiLineRuler'),
                      fontStyle: 'italic',
                    },
                  },
                }
              : {}),
          };
        });
      editor.setDecorations(this.decoration, options);
      const untracked = (this.untrackedLines.get(editor.document.uri.toString()) ?? []).filter(
        (l) => l - 1 < editor.document.lineCount,
      );
      const hover = new vscode.MarkdownString(
        '**Untracked** — this commit added the line, but Countersign did not observe who wrote it (an agent without hooks, another editor, a script), so it is not presumed human',
      );
      editor.setDecorations(
        this.untrackedDecoration,
        untracked.map((l, i, all) => ({
          range: new vscode.Range(l - 1, 0, l - 1, 0),
          hoverMessage: hover,
          ...(all[i - 1] !== l - 1
            ? {
                renderOptions: {
                  after: {
                    contentText: '  ? untracked',
                    color: new vscode.ThemeColor('countersign.review.untrackedLineRuler'),
                    fontStyle: 'italic',
                  },
                },
              }
            : {}),
        })),
      );
    }
  }

  dispose(): void {
    for (const d of this.disposables.reverse()) d.dispose();
  }
}
