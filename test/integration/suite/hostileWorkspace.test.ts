import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { api, workspaceRoot } from './inHost';

/**
 * Issue 16 in a real VS Code: the workspace repository turns hostile — a note claiming lines 1-999999999, a
 * note under the cap claiming 1-5000 of a 3-line file whose tool and model carry markdown, command links and
 * an image, a policy whose pattern has many stars against a long path, and a committed `.claude` symlink to a
 * folder outside — and the extension host must stay up and show sane things: the panel refreshes, the
 * AI-blame annotation and hover answer, and the hover renders no link but Countersign's own.
 */
function git(cwd: string, args: string[], input?: string): string {
  return execFileSync('git', args, {
    cwd,
    input,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, COUNTERSIGN_SKIP: '1' },
  }).trim();
}

const SESSION = 's_c9883b05a2487d';
const INJECTED = 'claude\n\n[run](command:workbench.action.terminal.new) ![x](https://evil.example/x.png)\n\n`';
function note(file: string, ranges: string, tool: string, model: string): string {
  return (
    `${file}\n  ${SESSION}::t_aaaaaaaaaaaaaa ${ranges}\n---\n` +
    JSON.stringify({
      schema_version: 'authorship/3.0.0',
      base_commit_sha: '',
      prompts: {},
      sessions: { [SESSION]: { agent_id: { tool, id: 'conv', model } } },
    })
  );
}

const hoverText = (hovers: vscode.Hover[]) =>
  hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');

describe('a hostile workspace (issue 16)', function () {
  this.timeout(90_000);
  let startBranch = '';
  let outside = '';

  before(() => {
    const ws = workspaceRoot();
    startBranch = git(ws, ['rev-parse', '--abbrev-ref', 'HEAD']);
    git(ws, ['checkout', '-q', '-b', 'it/hostile']);
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-outside-'));
    fs.symlinkSync(outside, path.join(ws, '.claude'));
    const star = '*'.repeat(24);
    fs.writeFileSync(
      path.join(ws, '.countersign.json'),
      JSON.stringify({ protectedBranches: ['main'], reviewers: [], review: { paths: [`${star}b`] } }, null, 2),
    );
    fs.mkdirSync(path.join(ws, 'deep'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'deep', 'a'.repeat(200)), 'x\n');
    fs.writeFileSync(path.join(ws, 'huge.ts'), 'a\nb\nc\n');
    fs.writeFileSync(path.join(ws, 'inject.ts'), 'one\ntwo\nthree\n');
    git(ws, ['add', '-A']);
    git(ws, ['commit', '-q', '--no-verify', '-m', 'A hostile commit']);
    const sha = git(ws, ['rev-parse', 'HEAD']);
    // Two notes cannot sit on one commit: the huge one goes on a commit of its own.
    git(ws, ['notes', '--ref=ai', 'add', '-f', '-F', '-', sha], note('inject.ts', '1-5000', INJECTED, INJECTED));
    fs.appendFileSync(path.join(ws, 'huge.ts'), 'd\n');
    git(ws, ['commit', '-q', '--no-verify', '-am', 'Another hostile commit']);
    git(ws, ['notes', '--ref=ai', 'add', '-f', '-F', '-', 'HEAD'], note('huge.ts', '1-999999999', 'claude', 'm'));
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const ws = workspaceRoot();
    try {
      git(ws, ['checkout', '-q', '-f', startBranch]);
      git(ws, ['branch', '-q', '-D', 'it/hostile']);
      execFileSync('git', ['update-ref', '-d', 'refs/notes/ai'], { cwd: ws });
      fs.rmSync(path.join(ws, '.claude'), { force: true });
      fs.rmSync(outside, { recursive: true, force: true });
    } catch (e) {
      console.warn(`hostileWorkspace.test cleanup: ${e instanceof Error ? e.message : String(e)}`);
    }
  });

  it('the panel refreshes, blame answers and the hover renders no injected link or image; the host stays up', async () => {
    const a = await api();
    const model = await a.review.refresh();
    assert.ok(model, 'the panel computed a model');

    for (const [file, line] of [
      ['huge.ts', 0],
      ['inject.ts', 1],
    ] as const) {
      const doc = await vscode.workspace.openTextDocument(path.join(workspaceRoot(), file));
      const editor = await vscode.window.showTextDocument(doc);
      editor.selection = new vscode.Selection(line, 0, line, 0);
      const shown = await a.blame.update();
      assert.ok(shown?.text, `an annotation for ${file}`);
      assert.doesNotMatch(shown.text, /evil|command:|\n/, shown.text);
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        doc.uri,
        editor.document.lineAt(line).range.end,
      );
      const md = hoverText(hovers);
      // Countersign's Explain link is the only command link; nothing from the note renders as markup.
      assert.deepStrictEqual(
        md
          .replace(/\\[\s\S]/g, '')
          .replace(/`[^`\n]*`/g, '')
          .match(/\]\(command:[^?)]*/g) ?? [],
        ['](command:countersign.explainCommit'],
      );
      assert.doesNotMatch(md, /!\[|evil\.example/, md);
    }
    // Nothing was written through the committed symlink, and the extension still answers.
    assert.deepStrictEqual(fs.readdirSync(outside), []);
    assert.ok((await api()).registeredCommands.length > 0);
    assert.ok(await a.review.refresh());
  });
});
