import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { CountersignApi } from '../../../src/extension/extension';
import { Commands, EXTENSION_ID } from '../../../src/extension/ids';
import { VSIX_EXTENSIONS_DIR_ENV } from '../harness/results';

function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .map((f) => f.split(path.sep).join('/'))
    .sort();
}

function installed(): vscode.Extension<CountersignApi> {
  const ext = vscode.extensions.getExtension<CountersignApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed: the .vsix did not register with VS Code`);
  return ext;
}

describe('Countersign installed from its .vsix', () => {
  it('is loaded from the extensions folder, not from the sources', () => {
    const dir = process.env[VSIX_EXTENSIONS_DIR_ENV];
    assert.ok(dir, `${VSIX_EXTENSIONS_DIR_ENV} is not set: run this payload through runIntegration`);
    const ext = installed();
    const rel = path.relative(fs.realpathSync(dir), fs.realpathSync(ext.extensionPath));
    assert.ok(!rel.startsWith('..') && !path.isAbsolute(rel), `loaded from ${ext.extensionPath}, outside ${dir}`);
    assert.strictEqual(ext.extensionKind, vscode.ExtensionKind.Workspace);
  });

  it('activates and registers its commands', async () => {
    const ext = installed();
    const api = await ext.activate();
    await api.ready;
    assert.strictEqual(ext.isActive, true);
    assert.deepStrictEqual([...api.registeredCommands].sort(), Object.values(Commands).sort());
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const id of Object.values(Commands)) assert.ok(registered.has(id), `${id} is not registered`);
    await vscode.commands.executeCommand(Commands.showLog);
  });

  it('ships the bundles, the manifest and the icon, and no sources, tests or maps', () => {
    const files = filesUnder(installed().extensionPath);
    for (const required of [
      'package.json',
      'dist/extension.js',
      'dist/extension-services.js',
      'dist/extension-lazy.js',
      'dist/cli.js',
      'dist/cli-lazy.js',
      'dist/cli-ledger.js',
      'dist/cli-gate.js',
      'dist/hook.js',
      'media/icon.png',
      'dist/webview.js',
      'media/reviewPanel.css',
      'media/countersign-activity.svg',
      'media/walkthrough/review.md',
      'media/countersign.schema.json',
    ]) {
      assert.ok(files.includes(required), `${required} is missing from the package; files: ${files.join(', ')}`);
    }
    assert.ok(
      files.some((f) => /^LICENSE(\.txt|\.md)?$/.test(f)),
      `no LICENSE in the package; files: ${files.join(', ')}`,
    );
    const unwanted = files.filter(
      (f) =>
        /\.(ts|map)$/.test(f) ||
        /^(src|test|node_modules|\.out|scripts|docs)\//.test(f) ||
        /^dist\/(test|scripts)\//.test(f),
    );
    assert.deepStrictEqual(unwanted, [], 'the .vsix carries files a user never runs (.vscodeignore)');
  });

  it('ships a production build (minified, no source map reference)', () => {
    for (const bundle of [
      'extension.js',
      'extension-services.js',
      'extension-lazy.js',
      'cli.js',
      'cli-lazy.js',
      'cli-ledger.js',
      'cli-gate.js',
      'hook.js',
    ]) {
      const text = fs.readFileSync(path.join(installed().extensionPath, 'dist', bundle), 'utf8');
      assert.doesNotMatch(text, /sourceMappingURL/, `dist/${bundle} in the package points at a source map`);
      // esbuild marks each module of an unminified bundle with a "// src/..." comment.
      assert.doesNotMatch(
        text,
        /^\s*\/\/ src\//m,
        `dist/${bundle} is not minified: was it packaged without --production?`,
      );
    }
  });
});
