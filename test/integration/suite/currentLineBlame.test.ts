import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  formatAuthorshipNote,
  humanKey,
  sessionEntryKey,
  sessionKey,
  traceKey,
  type NoteFile,
} from '../../../src/core/authorshipNote';
import { Commands } from '../../../src/extension/ids';
import { api, waitFor, workspaceRoot } from './inHost';

/**
 * "AI blame" in a real VS Code: files committed in the workspace repository with a refs/notes/ai note in the
 * git-ai format, the cursor put on their lines, and the annotation read through the extension's API (the
 * text it drew). Commits go on a branch of their own, undone afterwards for the suites that follow.
 */
const ADA = 'Ada Author <ada@example.com>';

function git(cwd: string, args: string[], input?: string): string {
  // COUNTERSIGN_SKIP: hooks another suite installed must not write a note of their own on these commits.
  return execFileSync('git', args, {
    cwd,
    input,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, COUNTERSIGN_SKIP: '1' },
  }).trim();
}

const claude = sessionKey('claude', 'it-blame');

/** A git-ai authorship note: AI lines by a Claude Code session, human lines by Ada. */
function note(file: string, ai: Array<[number, number]>, human: Array<[number, number]>): string {
  const entries: NoteFile['entries'] = [];
  if (ai.length) entries.push({ key: sessionEntryKey(claude, traceKey('it')), ranges: ai });
  if (human.length) entries.push({ key: humanKey(ADA), ranges: human });
  return formatAuthorshipNote({
    files: [{ path: file, entries }],
    meta: {
      schema_version: 'authorship/3.0.0',
      base_commit_sha: '',
      prompts: {},
      sessions: { [claude]: { agent_id: { tool: 'claude', id: 'it-blame', model: 'claude-sonnet-4-5' } } },
      humans: { [humanKey(ADA)]: { author: ADA } },
    },
  });
}

let counter = 0;
/** Commits a new file (no hooks) and returns its name and the commit. */
function commitFile(content: string, message = 'Add a file'): { name: string; sha: string } {
  const ws = workspaceRoot();
  const name = `blame-${Date.now()}-${counter++}.ts`;
  fs.writeFileSync(path.join(ws, name), content);
  git(ws, ['add', '--', name]);
  git(ws, ['commit', '-q', '--no-verify', '-m', message]);
  return { name, sha: git(ws, ['rev-parse', 'HEAD']) };
}

function addNote(sha: string, text: string): void {
  git(workspaceRoot(), ['notes', '--ref=ai', 'add', '-f', '-F', '-', sha], text);
}

async function open(name: string, line: number): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(path.join(workspaceRoot(), name));
  const editor = await vscode.window.showTextDocument(doc);
  editor.selection = new vscode.Selection(line, 0, line, 0);
  return editor;
}

async function annotationAt(editor: vscode.TextEditor, line: number): Promise<string | undefined> {
  editor.selection = new vscode.Selection(line, 0, line, 0);
  return (await (await api()).blame.update())?.text;
}

const LOGIN = [
  'export function login(user: string): boolean {',
  '  return user.length > 0;',
  '}',
  '// reviewed by hand',
  '',
].join('\n');

describe('AI blame for the current line', function () {
  this.timeout(60_000);
  let startBranch = '';

  before(async () => {
    const ws = workspaceRoot();
    startBranch = git(ws, ['rev-parse', '--abbrev-ref', 'HEAD']);
    git(ws, ['checkout', '-q', '-b', 'it/current-line-blame']);
    await vscode.workspace.getConfiguration('files').update('autoSave', 'off', vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('files').update('autoSave', undefined, vscode.ConfigurationTarget.Global);
    const ws = workspaceRoot();
    try {
      git(ws, ['checkout', '-q', '-f', startBranch]);
      git(ws, ['branch', '-q', '-D', 'it/current-line-blame']);
      execFileSync('git', ['update-ref', '-d', 'refs/notes/ai'], { cwd: ws });
    } catch (e) {
      console.warn(`currentLineBlame.test cleanup: ${e instanceof Error ? e.message : String(e)}`);
    }
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('names the agent and model of an AI-attested line, the person of a human line, and says untracked otherwise', async () => {
    const { name, sha } = commitFile(LOGIN, 'Add login');
    addNote(sha, note(name, [[1, 2]], [[3, 3]]));
    const editor = await open(name, 0);
    const short = sha.slice(0, 7);
    assert.strictEqual(await annotationAt(editor, 0), `Claude Code · claude-sonnet-4-5 · ${short} · just now`);
    assert.strictEqual(await annotationAt(editor, 1), `Claude Code · claude-sonnet-4-5 · ${short} · just now`);
    assert.strictEqual(await annotationAt(editor, 2), `human · Ada Author · ${short} · just now`);
    assert.strictEqual(await annotationAt(editor, 3), `untracked · ${short}`);
    assert.strictEqual(await annotationAt(editor, 4), undefined, 'the empty last line is not a line of the file');
  });

  it('hovering the annotation gives commit, author, agent, model, session and an Explain Commit link for that commit', async () => {
    const { name, sha } = commitFile(LOGIN, 'Add login for the hover');
    addNote(sha, note(name, [[1, 2]], []));
    const editor = await open(name, 1);
    assert.match((await annotationAt(editor, 1)) ?? '', /^Claude Code/);
    const end = editor.document.lineAt(1).range.end;
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      editor.document.uri,
      end,
    );
    const text = hovers
      .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : '')))
      .join('\n');
    assert.match(text, /\*\*AI-written\*\* by Claude Code/);
    assert.match(text, /model `claude-sonnet-4-5` · session `s_[0-9a-f]{14}`/);
    assert.match(text, new RegExp(`Commit \`${sha.slice(0, 7)}\` Add login for the hover`));
    const link = /\(command:countersign\.explainCommit\?([^ )]+)/.exec(text);
    assert.ok(link, text);
    assert.deepStrictEqual(JSON.parse(decodeURIComponent(link[1])), [{ repo: workspaceRoot(), sha }]);
    // The link runs the panel engineer's Explain Commit with that argument: the explanation names the commit.
    const explained = await vscode.commands.executeCommand<vscode.TextDocument>(Commands.explainCommit, {
      repo: workspaceRoot(),
      sha,
    });
    assert.match(explained.getText(), new RegExp(sha.slice(0, 12)));
    // Only over the annotation (the end of the line), not over the code.
    const inCode = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      editor.document.uri,
      new vscode.Position(1, 3),
    );
    assert.doesNotMatch(
      inCode
        .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : '')))
        .join('\n'),
      /Explain commit/,
    );
  });

  it('follows edits without running git: moved lines keep it, edited lines lose it until their text is back', async () => {
    const { name, sha } = commitFile(LOGIN, 'Add login to edit');
    addNote(sha, note(name, [[1, 2]], [[3, 3]]));
    const editor = await open(name, 0);
    const short = sha.slice(0, 7);
    const a = await api();
    assert.strictEqual(await annotationAt(editor, 2), `human · Ada Author · ${short} · just now`);
    const computed = a.blame.stats().computations;

    await editor.edit((b) => b.insert(new vscode.Position(0, 0), '// a new first line\n\n'));
    assert.strictEqual(await annotationAt(editor, 0), undefined, 'a line typed since the commit has no annotation');
    assert.strictEqual(
      await annotationAt(editor, 4),
      `human · Ada Author · ${short} · just now`,
      'the human line moved down two lines',
    );
    assert.strictEqual(await annotationAt(editor, 2), `Claude Code · claude-sonnet-4-5 · ${short} · just now`);

    await editor.edit((b) => b.insert(editor.document.lineAt(2).range.end, ' // changed'));
    assert.strictEqual(await annotationAt(editor, 2), undefined, 'an edited AI line is no longer the committed line');
    await vscode.commands.executeCommand('undo');
    assert.strictEqual(editor.document.lineAt(2).text, 'export function login(user: string): boolean {');
    assert.strictEqual(
      await annotationAt(editor, 2),
      `Claude Code · claude-sonnet-4-5 · ${short} · just now`,
      'undo brings it back',
    );
    assert.strictEqual(
      a.blame.stats().computations,
      computed,
      `no blame ran while editing (one did: ${a.blame.stats().lastReason})`,
    );

    // A whole line deleted and typed again cannot be followed by line positions; saving lets git look again.
    await editor.edit((b) => b.delete(new vscode.Range(4, 0, 5, 0)));
    await editor.edit((b) => b.insert(new vscode.Position(4, 0), '}\n'));
    assert.strictEqual(await annotationAt(editor, 4), undefined);
    await editor.document.save();
    assert.strictEqual(await annotationAt(editor, 4), `human · Ada Author · ${short} · just now`);
    assert.strictEqual(a.blame.stats().computations, computed + 1, 'the save invalidated the blame once');
  });

  it('follows a new note and a new commit without the cursor moving (HEAD and notes watched)', async () => {
    const { name, sha } = commitFile(LOGIN, 'Add login before its note');
    const editor = await open(name, 1);
    const a = await api();
    assert.strictEqual(await annotationAt(editor, 1), `untracked · ${sha.slice(0, 7)}`);
    addNote(sha, note(name, [[1, 2]], []));
    // No update() call: the refs watcher schedules it. Well within the 10 s re-read that backs the watcher up.
    const text = await waitFor(
      'the annotation to follow the note',
      () => (a.blame.shown()?.text.startsWith('Claude Code') ? a.blame.shown()?.text : undefined),
      8_000,
    );
    assert.strictEqual(text, `Claude Code · claude-sonnet-4-5 · ${sha.slice(0, 7)} · just now`);

    // The line is edited and committed (by Bo, say): it becomes his commit's line, untracked in its note.
    await editor.edit((b) => b.replace(editor.document.lineAt(1).range, '  return user.trim().length > 0;'));
    await editor.document.save();
    assert.strictEqual(await annotationAt(editor, 1), undefined);
    git(workspaceRoot(), [
      '-c',
      'user.name=Bo Reviewer',
      '-c',
      'user.email=bo@example.com',
      'commit',
      '-q',
      '--no-verify',
      '-am',
      'Trim the user name',
    ]);
    const bo = git(workspaceRoot(), ['rev-parse', 'HEAD']);
    const after = await waitFor(
      'the annotation to follow the commit',
      () => (a.blame.shown()?.commit === bo ? a.blame.shown()?.text : undefined),
      8_000,
    );
    assert.strictEqual(after, `untracked · ${bo.slice(0, 7)}`);
  });

  it('nothing for a file git does not know yet; the toggle command turns it off and on', async () => {
    const ws = workspaceRoot();
    const fresh = `blame-new-${Date.now()}.ts`;
    fs.writeFileSync(path.join(ws, fresh), 'const notCommitted = 1;\n');
    const editor = await open(fresh, 0);
    assert.strictEqual(await annotationAt(editor, 0), undefined);

    const { name } = commitFile(LOGIN, 'Add login for the toggle');
    const committed = await open(name, 3);
    assert.match((await annotationAt(committed, 3)) ?? '', /^untracked/);
    await vscode.commands.executeCommand(Commands.toggleBlame);
    try {
      assert.strictEqual(vscode.workspace.getConfiguration('countersign').get('blame.enabled'), false);
      assert.strictEqual(await annotationAt(committed, 3), undefined);
    } finally {
      await vscode.commands.executeCommand(Commands.toggleBlame);
    }
    assert.match((await annotationAt(committed, 3)) ?? '', /^untracked/);
  });

  it('blames a 5,000-line file in the background once, then costs no git per cursor move (timings printed)', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `export const value${i} = ${i}; // line ${i + 1}`);
    const { name, sha } = commitFile(lines.join('\n') + '\n', 'Add 5,000 lines');
    addNote(sha, note(name, [[1, 2500]], [[2501, 5000]]));
    // A second commit rewrites every tenth line, so blame has two commits to trace lines to.
    const ws = workspaceRoot();
    fs.writeFileSync(
      path.join(ws, name),
      lines.map((l, i) => (i % 10 === 0 ? `${l} // revised` : l)).join('\n') + '\n',
    );
    git(ws, ['commit', '-q', '--no-verify', '-am', 'Revise every tenth line']);
    const editor = await open(name, 2499);
    const a = await api();
    const before = a.blame.stats().computations;
    const t0 = Date.now();
    const text = await annotationAt(editor, 2498);
    const first = Date.now() - t0;
    assert.match(text ?? '', /^Claude Code · claude-sonnet-4-5 · [0-9a-f]{7} · just now$/);
    const stats = a.blame.stats();
    assert.strictEqual(stats.computations, before + 1);
    assert.strictEqual(stats.lastLines, 5000);
    const t1 = Date.now();
    for (const l of [10, 1200, 2600, 4999, 3]) await annotationAt(editor, l);
    const moves = (Date.now() - t1) / 5;
    assert.strictEqual(
      a.blame.stats().computations,
      before + 1,
      `moving the cursor ran no new blame (one did: ${a.blame.stats().lastReason})`,
    );
    console.log(
      `      blame of a 5,000-line file: ${stats.lastMs?.toFixed(0)} ms in the background (git blame --contents, notes, trailers); first annotation after ${first} ms; later cursor moves ${moves.toFixed(1)} ms each`,
    );
  });
});
