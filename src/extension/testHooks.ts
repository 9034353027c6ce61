import * as vscode from 'vscode';

/**
 * Test-only hooks, active only when the extension host's environment has COUNTERSIGN_TEST_HOOKS=1 (the
 * browser end-to-end tests set it for code-server; nothing else does). A test that drives the workbench
 * through the keyboard has no code inside the extension host to register an inline completion provider, so
 * this registers one: it offers COUNTERSIGN_TEST_INLINE_COMPLETION (or a small function) as ghost text when
 * what is typed on the line is the start of its first line — the shape of a real completion, accepted with
 * the real Tab key.
 */
export const TEST_HOOKS_ENV = 'COUNTERSIGN_TEST_HOOKS';
export const TEST_INLINE_COMPLETION_ENV = 'COUNTERSIGN_TEST_INLINE_COMPLETION';

const DEFAULT_COMPLETION = 'export function add(a: number, b: number): number {\n  return a + b;\n}';

export function registerTestHooks(
  log: vscode.LogOutputChannel,
  env: NodeJS.ProcessEnv = process.env,
): vscode.Disposable[] {
  if (env[TEST_HOOKS_ENV] !== '1') return [];
  const completion = env[TEST_INLINE_COMPLETION_ENV] || DEFAULT_COMPLETION;
  const firstLine = completion.split('\n')[0];
  log.warn(`[test-hooks] ${TEST_HOOKS_ENV}=1: a test inline completion provider offers "${firstLine}…"`);
  return [
    vscode.languages.registerInlineCompletionItemProvider(
      { scheme: 'file' },
      {
        provideInlineCompletionItems(document, position) {
          const typed = document.lineAt(position.line).text.slice(0, position.character);
          if (typed.trim().length < 3 || !firstLine.startsWith(typed) || typed === firstLine) return [];
          return [
            new vscode.InlineCompletionItem(
              completion,
              new vscode.Range(position.line, 0, position.line, position.character),
            ),
          ];
        },
      },
    ),
  ];
}
