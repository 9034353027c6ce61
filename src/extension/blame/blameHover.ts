import * as fs from 'fs';
import * as vscode from 'vscode';
import { blameHoverMarkdown } from '../../core/blame/blameAnnotation';
import { Commands } from '../ids';
import type { ShownBlame } from './currentLineBlame';

/**
 * The hover over the current line's annotation (the mouse over the text after the line's end, as GitLens
 * does it, so the line's own hovers are left alone): commit, author, agent, model, session, and a command
 * link to "Countersign: Explain Commit" for that commit. Trusted for that one command only.
 */
export function registerBlameHover(shown: () => ShownBlame | undefined): vscode.Disposable {
  return vscode.languages.registerHoverProvider(
    { scheme: 'file' },
    {
      provideHover(document, position) {
        const s = shown();
        if (!s || s.uri !== document.uri.toString() || s.line !== position.line) return undefined;
        const end = document.lineAt(position.line).range.end;
        if (position.character !== end.character) return undefined;
        const md = blameHoverMarkdown(
          s.blame,
          s.commit,
          { command: Commands.explainCommit, repo: realRoot(s.root) },
          Date.now(),
        );
        if (!md) return undefined;
        const content = new vscode.MarkdownString(md, true);
        content.isTrusted = { enabledCommands: [Commands.explainCommit] };
        return new vscode.Hover(content, new vscode.Range(end, end));
      },
    },
  );
}

/** Explain Commit knows repositories by git's own `--show-toplevel`, which resolves symbolic links. */
function realRoot(root: string): string {
  try {
    return fs.realpathSync(root);
  } catch {
    return root;
  }
}
