import * as vscode from 'vscode';
import { explainCommit, formatExplanation } from '../lazyServices';
import { ReviewScheme } from '../ids';
import { shortSha } from '../../core/shortSha';

/**
 * "Countersign: Explain Commit": the text `countersign explain REV` prints (provenance, approvals under the
 * protected branch's policy, the gate's verdict), computed by the same code in-process and shown as a
 * read-only document (a `countersign-explain:` URI; content providers' documents cannot be edited).
 */
export function explainUri(root: string, sha: string): vscode.Uri {
  return vscode.Uri.from({
    scheme: ReviewScheme.explain,
    path: `/${shortSha(sha)}.txt`,
    query: JSON.stringify({ root, sha }),
  });
}

export class ExplainContentProvider implements vscode.TextDocumentContentProvider {
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const q = JSON.parse(uri.query) as { root?: unknown; sha?: unknown };
    if (typeof q.root !== 'string' || typeof q.sha !== 'string') return 'Not a Countersign explanation.\n';
    try {
      return formatExplanation(await explainCommit(q.root, q.sha));
    } catch (e) {
      return `countersign explain ${q.sha}: ${e instanceof Error ? e.message : String(e)}\n`;
    }
  }
}

export async function showExplanation(root: string, sha: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(explainUri(root, sha));
  await vscode.window.showTextDocument(doc, { preview: true });
  return doc;
}
