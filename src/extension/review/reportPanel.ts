import * as vscode from 'vscode';

/**
 * "Countersign: Open Provenance Report": the self-contained HTML page `countersign report --format html`
 * writes (AI share by week, review coverage, unattested commits), in an editor tab. The page carries its own
 * CSP (no scripts, inline styles, data: images only); the webview runs no script and loads no resource.
 */
let current: vscode.WebviewPanel | undefined;

export function showReport(repoName: string, html: string): vscode.WebviewPanel {
  if (!current) {
    current = vscode.window.createWebviewPanel(
      'countersign.report',
      `Countersign report — ${repoName}`,
      vscode.ViewColumn.Active,
      {
        enableScripts: false,
        localResourceRoots: [],
      },
    );
    current.onDidDispose(() => {
      current = undefined;
    });
  }
  current.title = `Countersign report — ${repoName}`;
  current.webview.html = html;
  current.reveal();
  return current;
}
