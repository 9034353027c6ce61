import * as assert from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import * as vscode from 'vscode';
import { Commands, EXTENSION_ID } from '../../../src/extension/ids';
import { api, waitFor, workspaceRoot } from './inHost';

/**
 * Capture in a real VS Code: each test does what a user does (types, pastes, accepts a suggestion, saves with a
 * formatter, runs an agent CLI in the terminal) and reads the labels through the extension's API. Where a
 * rule could pass by accident, a control shows the same text labelled differently without the user's act.
 */
const run = promisify(execFile);

let counter = 0;
/** A new file in the workspace repository, opened in an editor with the cursor at the end. */
async function freshEditor(content = '', ext = 'ts'): Promise<vscode.TextEditor> {
  const file = path.join(workspaceRoot(), `capture-${Date.now()}-${counter++}.${ext}`);
  fs.writeFileSync(file, content);
  const doc = await vscode.workspace.openTextDocument(file);
  const editor = await vscode.window.showTextDocument(doc);
  const end = doc.positionAt(doc.getText().length);
  editor.selection = new vscode.Selection(end, end);
  return editor;
}

async function labels(uri: vscode.Uri): Promise<string[]> {
  const a = await api();
  const l = await a.attribution.labelsFor(uri);
  assert.ok(l, `Countersign does not attribute ${uri.fsPath}`);
  return l;
}

const SNIPPET = 'function add(a: number, b: number) {\n  return a + b;\n}\n';

/** A formatter that changes non-whitespace characters: a semicolon at the end of every line. */
function semicolonFormatter(): vscode.Disposable {
  return vscode.languages.registerDocumentFormattingEditProvider(
    { pattern: '**/capture-*' },
    {
      provideDocumentFormattingEdits: (doc) => {
        const edits: vscode.TextEdit[] = [];
        for (let i = 0; i < doc.lineCount; i++) {
          const line = doc.lineAt(i);
          if (line.text.length > 0 && !line.text.endsWith(';')) edits.push(vscode.TextEdit.insert(line.range.end, ';'));
        }
        return edits;
      },
    },
  );
}

describe('Capture: what the user does in the editor', function () {
  this.timeout(60_000);

  // VS Code in a browser auto-saves after a delay by default; these tests save when they mean to.
  before(async () => {
    await vscode.workspace.getConfiguration('files').update('autoSave', 'off', vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    await vscode.workspace.getConfiguration('files').update('autoSave', undefined, vscode.ConfigurationTarget.Global);
  });

  afterEach(async () => {
    // An insertion equal to the clipboard is a paste: leave nothing there for the next test to match.
    await vscode.env.clipboard.writeText('');
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('typing is human', async () => {
    const editor = await freshEditor();
    await vscode.commands.executeCommand('type', { text: 'const a = 1;\nconst b = 2;\n' });
    assert.strictEqual(editor.document.getText(), 'const a = 1;\nconst b = 2;\n');
    assert.deepStrictEqual(await labels(editor.document.uri), ['human', 'human']);
  });

  it('an unexplained multi-line insertion (the control for paste and accept) is ai:unknown', async () => {
    const editor = await freshEditor();
    await editor.edit((b) => b.insert(editor.selection.active, SNIPPET));
    assert.deepStrictEqual(await labels(editor.document.uri), ['ai:unknown', 'ai:unknown', 'ai:unknown']);
  });

  it('a paste is human', async () => {
    const editor = await freshEditor('// header\n');
    await vscode.env.clipboard.writeText(SNIPPET);
    await vscode.commands.executeCommand('editor.action.clipboardPasteAction');
    await waitFor('the paste to land', () => (editor.document.getText().includes('return a + b') ? true : undefined));
    assert.strictEqual(editor.document.getText(), `// header\n${SNIPPET}`);
    assert.deepStrictEqual(await labels(editor.document.uri), ['untracked', 'human', 'human', 'human']);
  });

  it("accepting an inline suggestion with Countersign's Tab command marks the lines inline-completion", async () => {
    const editor = await freshEditor('// add numbers\n');
    const provider = vscode.languages.registerInlineCompletionItemProvider(
      { pattern: '**/capture-*' },
      {
        provideInlineCompletionItems: (_doc, position) => [
          new vscode.InlineCompletionItem(SNIPPET, new vscode.Range(position, position)),
        ],
      },
    );
    try {
      await waitFor(
        'the suggestion to be accepted',
        async () => {
          await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
          await new Promise((r) => setTimeout(r, 300));
          await vscode.commands.executeCommand(Commands.acceptInlineSuggestion);
          return editor.document.getText().includes('return a + b') ? true : undefined;
        },
        15_000,
      );
    } finally {
      provider.dispose();
    }
    assert.strictEqual(editor.document.getText(), `// add numbers\n${SNIPPET}`);
    assert.deepStrictEqual(await labels(editor.document.uri), [
      'untracked',
      'ai:inline-completion',
      'ai:inline-completion',
      'ai:inline-completion',
    ]);
    const details = await (await api()).attribution.labelDetailsFor(editor.document.uri);
    assert.ok(
      details?.[1].kind === 'ai' && typeof details[1].at === 'number',
      'AI labels carry the time they were written',
    );
  });

  it('the Tab binding is contributed for visible inline suggestions only', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    const bindings = (
      ext?.packageJSON as { contributes: { keybindings: Array<{ command: string; key: string; when: string }> } }
    ).contributes.keybindings;
    const tab = bindings.find((b) => b.command === Commands.acceptInlineSuggestion);
    assert.ok(tab, 'no keybinding for the accept command');
    assert.strictEqual(tab.key, 'tab');
    assert.match(tab.when, /inlineSuggestionVisible/);
    assert.match(tab.when, /!editorReadonly/);
  });

  it('a Tab with no suggestion visible does not make the next typing AI', async () => {
    const editor = await freshEditor();
    await vscode.commands.executeCommand(Commands.acceptInlineSuggestion);
    await vscode.commands.executeCommand('type', { text: 'let typed = true;\nlet more = 1;\n' });
    assert.deepStrictEqual(await labels(editor.document.uri), ['human', 'human']);
  });

  it("saving with a formatter keeps every line's label", async () => {
    // Plain text: no built-in formatter competes with the test's.
    const editor = await freshEditor('let human = 1\n', 'txt');
    const uri = editor.document.uri;
    await editor.edit((b) => b.insert(new vscode.Position(1, 0), 'let fromAi = 2\nlet alsoAi = 3\n'));
    await (await api()).attribution.idle();
    await vscode.commands.executeCommand(Commands.markAi, {
      uri: uri.toString(),
      startLine: 1,
      endLine: 2,
      agent: 'claude-code',
    });
    assert.deepStrictEqual(await labels(uri), ['untracked', 'ai:claude-code', 'ai:claude-code']);
    // A formatter that changes non-whitespace characters: a semicolon at the end of every line.
    const formatter = semicolonFormatter();
    const config = vscode.workspace.getConfiguration('editor', { languageId: 'plaintext' });
    await config.update('formatOnSave', true, vscode.ConfigurationTarget.Global, true);
    try {
      await editor.document.save();
    } finally {
      formatter.dispose();
      await config.update('formatOnSave', undefined, vscode.ConfigurationTarget.Global, true);
    }
    assert.strictEqual(
      editor.document.getText(),
      'let human = 1;\nlet fromAi = 2;\nlet alsoAi = 3;\n',
      'the formatter did not run on save',
    );
    assert.deepStrictEqual(await labels(uri), ['untracked', 'ai:claude-code', 'ai:claude-code']);
  });

  // Issue 13 item 6: save participants are told apart by VS Code's save window, document versions and the
  // settings that decide which participants run, never by how soon a save follows an edit.
  it("another extension's multi-line insertion saved at once is ai:unknown; the formatter on that save keeps labels", async () => {
    const editor = await freshEditor('let human = 1\n', 'txt');
    const uri = editor.document.uri;
    // What an AI extension does: a command applying a WorkspaceEdit, then a save right away.
    const insert = vscode.commands.registerCommand('countersign.test.extensionInsert', async () => {
      const edit = new vscode.WorkspaceEdit();
      edit.insert(uri, new vscode.Position(1, 0), 'let fromExtension = 2\nlet alsoExtension = 3\n');
      return vscode.workspace.applyEdit(edit);
    });
    const formatter = semicolonFormatter();
    const config = vscode.workspace.getConfiguration('editor', { languageId: 'plaintext' });
    await config.update('formatOnSave', true, vscode.ConfigurationTarget.Global, true);
    try {
      assert.ok(await vscode.commands.executeCommand('countersign.test.extensionInsert'));
      await editor.document.save();
    } finally {
      insert.dispose();
      formatter.dispose();
      await config.update('formatOnSave', undefined, vscode.ConfigurationTarget.Global, true);
    }
    assert.strictEqual(
      editor.document.getText(),
      'let human = 1;\nlet fromExtension = 2;\nlet alsoExtension = 3;\n',
      'the formatter did not run on save',
    );
    assert.deepStrictEqual(await labels(uri), ['untracked', 'ai:unknown', 'ai:unknown']);
  });

  it("without a participant that edits (VS Code's defaults), an insertion saved at once is ai:unknown, and an extension's willSave edits keep labels", async () => {
    const editor = await freshEditor('let human = 1\n', 'txt');
    const uri = editor.document.uri;
    await editor.edit((b) => b.insert(new vscode.Position(1, 0), 'let fromExtension = 2\nlet alsoExtension = 3\n'));
    // Another extension's onWillSaveTextDocument participant: a trailing comment on every line.
    const participant = vscode.workspace.onWillSaveTextDocument((e) => {
      if (e.document.uri.toString() !== uri.toString()) return;
      e.waitUntil(
        Promise.resolve(
          Array.from({ length: e.document.lineCount - 1 }, (_, i) =>
            vscode.TextEdit.insert(e.document.lineAt(i).range.end, ' // saved'),
          ),
        ),
      );
    });
    try {
      await editor.document.save();
    } finally {
      participant.dispose();
    }
    assert.strictEqual(
      editor.document.getText(),
      'let human = 1 // saved\nlet fromExtension = 2 // saved\nlet alsoExtension = 3 // saved\n',
      'the willSave participant did not run',
    );
    assert.deepStrictEqual(await labels(uri), ['untracked', 'ai:unknown', 'ai:unknown']);
    // The control: the same edit outside a save is an ordinary single-line edit, which relabels its lines.
    await editor.edit((b) => b.insert(editor.document.lineAt(0).range.end, '!'));
    assert.deepStrictEqual((await labels(uri))[0], 'human');
  });

  it('undo and redo restore labels', async () => {
    const editor = await freshEditor();
    await editor.edit((b) => b.insert(editor.selection.active, SNIPPET));
    await vscode.commands.executeCommand('type', { text: '// typed' });
    const typed = editor.document.getText();
    const before = await labels(editor.document.uri);
    assert.deepStrictEqual(before, ['ai:unknown', 'ai:unknown', 'ai:unknown', 'human']);
    // VS Code may split the typing into several undo stops: undo until the text is the snippet again.
    for (let i = 0; i < 10 && editor.document.getText() !== SNIPPET; i++) await vscode.commands.executeCommand('undo');
    assert.strictEqual(editor.document.getText(), SNIPPET);
    assert.deepStrictEqual(await labels(editor.document.uri), ['ai:unknown', 'ai:unknown', 'ai:unknown']);
    for (let i = 0; i < 10 && editor.document.getText() !== typed; i++) await vscode.commands.executeCommand('redo');
    assert.strictEqual(editor.document.getText(), typed);
    assert.deepStrictEqual(await labels(editor.document.uri), before);
  });

  it('a multi-cursor edit is applied at every cursor', async () => {
    const editor = await freshEditor('one\ntwo\nthree\n');
    editor.selections = [0, 1, 2].map((l) => new vscode.Selection(l, 0, l, 0));
    await vscode.commands.executeCommand('type', { text: '// ' });
    assert.strictEqual(editor.document.getText(), '// one\n// two\n// three\n');
    const a = await api();
    const loc = await a.attribution.labelsFor(editor.document.uri);
    assert.deepStrictEqual(loc, ['human', 'human', 'human']);
  });

  it('records a trace that `countersign replay` turns into the same labels', async () => {
    // A file written on disk reaches Countersign twice: the watcher's create event (read after a short
    // coalescing delay) and the editor's open. Either order is right and labels the same, but the trace says
    // it differently: seen first on disk, the file starts as HEAD's text ('' for a new file) with a
    // `diskWrite`; opened first, it starts as the opened text. The write is let in first, so the trace is known.
    const file = path.join(workspaceRoot(), `capture-${Date.now()}-${counter++}.ts`);
    fs.writeFileSync(file, '// start\n');
    await waitFor('the write to be observed', async () => (await api()).attribution.labelsFor(vscode.Uri.file(file)));
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
    editor.selection = new vscode.Selection(1, 0, 1, 0);
    await vscode.commands.executeCommand('type', { text: 'typed();\n' });
    await editor.edit((b) => b.insert(new vscode.Position(2, 0), SNIPPET));
    const expected = await labels(editor.document.uri);
    const traceFile = path.join(os.tmpdir(), `cs-trace-${Date.now()}.json`);
    const written = await vscode.commands.executeCommand<string>(Commands.recordTrace, traceFile);
    assert.strictEqual(written, traceFile);
    const trace = JSON.parse(fs.readFileSync(traceFile, 'utf8')) as {
      version: number;
      files: Record<string, string>;
      events: Array<{ type: string }>;
    };
    assert.strictEqual(trace.version, 1);
    const rel = path.relative(workspaceRoot(), editor.document.uri.fsPath);
    assert.strictEqual(trace.files[rel], '', 'a new file starts empty in the trace');
    assert.deepStrictEqual(
      trace.events.find((e) => e.type === 'diskWrite' && 'file' in e && e.file === rel),
      { type: 'diskWrite', file: rel, content: '// start\n' },
    );
    const cli = path.join(vscode.extensions.getExtension(EXTENSION_ID)?.extensionPath ?? '', 'dist', 'cli.js');
    const { stdout } = await run(process.execPath, [cli, 'replay', traceFile, '--json'], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    const replayed = JSON.parse(stdout) as { files: Record<string, string[]> };
    assert.deepStrictEqual(replayed.files[rel], expected);
  });

  it('shows the AI share of uncommitted lines in the status bar', async () => {
    const editor = await freshEditor();
    await vscode.commands.executeCommand('type', { text: 'const mine = 1;\n' });
    await editor.edit((b) => b.insert(new vscode.Position(1, 0), SNIPPET));
    await (await api()).attribution.idle();
    assert.strictEqual(await (await api()).attribution.aiShareText(), '$(sparkle) AI 75%');
  });

  it('an open document reloaded after a write on disk: changed lines untracked, the rest keep their labels', async () => {
    const editor = await freshEditor();
    await vscode.commands.executeCommand('type', { text: 'const a = 1;\nconst b = 2;\n' });
    await (await api()).attribution.idle();
    await editor.document.save();
    assert.deepStrictEqual(await labels(editor.document.uri), ['human', 'human']);
    fs.writeFileSync(editor.document.uri.fsPath, 'const a = 1;\nconst b = 3;\n');
    await waitFor('VS Code to reload the document', () =>
      editor.document.getText().includes('b = 3') ? true : undefined,
    );
    assert.deepStrictEqual(await labels(editor.document.uri), ['human', 'untracked']);
  });

  it('an open document reloaded after a formatter rewrote it on disk (a git pre-commit hook) keeps its labels (newuser13 R33)', async () => {
    const editor = await freshEditor();
    await editor.edit((b) => b.insert(editor.selection.active, "const s = 'x'\nf(s,\n  1)\n"));
    await (await api()).attribution.idle();
    await editor.document.save();
    assert.deepStrictEqual(await labels(editor.document.uri), ['ai:unknown', 'ai:unknown', 'ai:unknown']);
    // Quote style, semicolons and a join, written outside the editor with nobody known writing.
    fs.writeFileSync(editor.document.uri.fsPath, 'const s = "x";\nf(s, 1);\n');
    await waitFor('VS Code to reload the document', () =>
      editor.document.getText().includes('f(s, 1);') ? true : undefined,
    );
    assert.deepStrictEqual(await labels(editor.document.uri), ['ai:unknown', 'ai:unknown']);
  });

  it('the hover over an AI line names the writer and offers "Mark as human-written"; the toggle turns marking off', async () => {
    const editor = await freshEditor();
    await editor.edit((b) => b.insert(editor.selection.active, SNIPPET));
    const a = await api();
    await a.attribution.idle();
    const hoverText = async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        editor.document.uri,
        new vscode.Position(1, 4),
      );
      return hovers
        .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : '')))
        .join('\n');
    };
    const text = await hoverText();
    assert.match(text, /AI-written\*\* by an unidentified AI/);
    assert.match(text, /Low confidence/);
    assert.match(text, /\[Mark as human-written\]\(command:countersign\.markHuman\?/);
    assert.match(text, /lines 1–3/);
    await a.attribution.redraw(); // draws without error on a real editor
    await vscode.commands.executeCommand(Commands.toggleDecorations);
    try {
      assert.strictEqual(vscode.workspace.getConfiguration('countersign').get('decorations.enabled'), false);
      assert.doesNotMatch(await hoverText(), /AI-written/);
    } finally {
      await vscode.commands.executeCommand(Commands.toggleDecorations);
    }
    assert.strictEqual(vscode.workspace.getConfiguration('countersign').get('decorations.enabled'), true);
  });

  it('"Mark as human-written" relabels the lines and the saved labels reach `countersign status`', async () => {
    const editor = await freshEditor();
    await editor.edit((b) => b.insert(editor.selection.active, SNIPPET));
    // Let the edit be observed before saving. Whether an edit is a save participant's is decided by VS Code's
    // save events, not by time: only edits between the save's willSave and save (or, where the file's settings
    // let VS Code's own participants edit, those whose versions lead up to willSave) count as participants.
    await (await api()).attribution.idle();
    await editor.document.save();
    const uri = editor.document.uri;
    assert.deepStrictEqual(await labels(uri), ['ai:unknown', 'ai:unknown', 'ai:unknown']);
    await vscode.commands.executeCommand(Commands.markHuman, { uri: uri.toString(), startLine: 0, endLine: 1 });
    assert.deepStrictEqual(await labels(uri), ['human', 'human', 'ai:unknown']);
    const rel = path.relative(workspaceRoot(), uri.fsPath);
    const cli = path.join(vscode.extensions.getExtension(EXTENSION_ID)?.extensionPath ?? '', 'dist', 'cli.js');
    const status = await waitFor('the ledger to hold the corrected labels', async () => {
      const { stdout } = await run(process.execPath, [cli, 'status', '--json'], {
        cwd: workspaceRoot(),
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      });
      const s = (JSON.parse(stdout) as { files: Record<string, { ai: number; human: number }> }).files[rel];
      return s && s.human === 2 ? s : undefined;
    });
    assert.strictEqual(status.ai, 1);
  });
});
