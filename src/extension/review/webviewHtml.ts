import { randomBytes } from 'crypto';
import * as vscode from 'vscode';

/**
 * The review panel's page: plain HTML, a strict CSP (`default-src 'none'`, the one script
 * allowed by a fresh nonce from crypto.randomBytes, styles only from the extension), resources only from
 * media/ and dist/ (the webview's localResourceRoots).
 */
export function webviewRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist')];
}

export function nonce(): string {
  return randomBytes(18)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '');
}

export function reviewPanelHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const n = nonce();
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'reviewPanel.css'));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${n}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>Countersign review</title>
</head>
<body>
<main id="root" aria-live="polite"><p class="muted">Loading the review state…</p></main>
<script nonce="${n}" src="${script.toString()}"></script>
</body>
</html>`;
}
