import * as vscode from 'vscode';
import type { AttributionEngine } from '../../core/attribution/engine';
import { sameWriter } from '../../core/marking/labelRuns';
import { hoverMarkdown } from '../../core/marking/hoverText';
import type { AttributionHub } from '../attribution/attributionHub';
import { Commands } from '../ids';
import { settings } from '../settings';

/**
 * The hover over an AI-written (or AI-written-then-edited) line: agent, model, session, when, and a command
 * link to correct the whole block by the same writer. The markdown is trusted for the two correction
 * commands only, and names from payloads are escaped (core/marking/hoverText.ts).
 */
export function registerHover(repos: AttributionHub): vscode.Disposable {
  return vscode.languages.registerHoverProvider(
    { scheme: 'file' },
    {
      provideHover(document, position) {
        if (!settings.decorationsEnabled()) return undefined;
        const loc = repos.locate(document.uri);
        if (!loc) return undefined;
        const engine = loc.repo.engine;
        if (engine.lineCount(loc.file) !== document.lineCount && engine.lineCount(loc.file) + 1 !== document.lineCount)
          return undefined;
        const label = engine.lineLabel(loc.file, position.line);
        if (!label) return undefined;
        const [startLine, endLine] = block(engine, loc.file, position.line);
        const md = hoverMarkdown(
          label,
          { uri: document.uri.toString(), startLine, endLine },
          { markHuman: Commands.markHuman, markAi: Commands.markAi },
          Date.now(),
        );
        if (!md) return undefined;
        const content = new vscode.MarkdownString(md, true);
        content.isTrusted = { enabledCommands: [Commands.markHuman, Commands.markAi] };
        return new vscode.Hover(
          content,
          new vscode.Range(
            startLine,
            0,
            endLine,
            document.lineAt(Math.min(endLine, document.lineCount - 1)).text.length,
          ),
        );
      },
    },
  );
}

/** The block around `line` by the same writer, walking line by line (O(block · log n), not O(file)). */
function block(engine: AttributionEngine, file: string, line: number): [number, number] {
  const here = engine.lineLabel(file, line);
  if (!here) return [line, line];
  let start = line;
  let end = line;
  for (let l = engine.lineLabel(file, start - 1); l && sameWriter(l, here); l = engine.lineLabel(file, start - 1))
    start--;
  for (let l = engine.lineLabel(file, end + 1); l && sameWriter(l, here); l = engine.lineLabel(file, end + 1)) end++;
  return [start, end];
}
