import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { isolatedEnv } from '../harness/codeServer';
import { buildLayout } from '../harness/paths';

/** A workspace repository a UI scenario types into, with Countersign's hooks installed and the built CLI. */
export interface TypingWorkspace {
  ws: string;
  env: NodeJS.ProcessEnv;
  cli: string;
}

/**
 * Ada's repository in `dir`/ws holding `file` (committed), with the editor's completions closed (the suggest
 * widget would take Tab and Enter for itself), auto-save off, and the hooks installed before the workbench
 * opens: commits carry the labels, and no install offer covers the editor.
 */
export function typingWorkspace(dir: string, file: string, content: string, message: string): TypingWorkspace {
  const env = isolatedEnv(path.join(dir, 'fixture-home'), {});
  const ws = path.join(dir, 'ws');
  fs.mkdirSync(path.join(ws, path.dirname(file)), { recursive: true });
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: ws, env, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Ada Author');
  git('config', 'user.email', 'ada@example.com');
  git('config', 'commit.gpgsign', 'false');
  fs.writeFileSync(path.join(ws, file), content);
  fs.mkdirSync(path.join(ws, '.vscode'));
  fs.writeFileSync(
    path.join(ws, '.vscode', 'settings.json'),
    JSON.stringify(
      {
        'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' },
        'editor.suggestOnTriggerCharacters': false,
        'files.autoSave': 'off',
      },
      null,
      2,
    ),
  );
  git('add', '.');
  git('commit', '-q', '-m', message);
  const cli = path.join(buildLayout(__filename).outDir, 'cli.js');
  execFileSync(process.execPath, [cli, 'install'], { cwd: ws, env, stdio: ['ignore', 'pipe', 'pipe'] });
  return { ws: fs.realpathSync(ws), env, cli };
}
