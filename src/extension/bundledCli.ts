import * as path from 'path';
import type * as vscode from 'vscode';

/**
 * The CLI bundle this extension ships (dist/cli.js). Hooks, agents' hooks and the `countersign` launcher run
 * copies of it; `doctor` compares the hooks' copy with it. Never this module's own file: inside the
 * extension bundle that is extension.js.
 */
export function bundledCliPath(context: vscode.ExtensionContext): string {
  return path.join(context.extensionPath, 'dist', 'cli.js');
}
