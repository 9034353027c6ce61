import * as assert from 'assert';
import { execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import * as vscode from 'vscode';
import { EXTENSION_ID } from '../../../src/extension/ids';
import { api, waitFor, workspaceRoot } from './inHost';

/**
 * VS Code's agent hooks in a real VS Code: `countersign agents connect vscode` writes the workspace's hooks
 * file, and the commands it configured run (through a shell, as VS Code runs them) with recorded
 * PreToolUse/PostToolUse payloads (pointed at this test's file); and
 * between them the "agent" changes the open document in memory with a WorkspaceEdit — the way VS Code's agent
 * edits open files, which need not reach the disk before PostToolUse. Meanwhile the user types a line. The
 * gutter, `countersign status --json` and the commit's note must name the agent, its model and session; the
 * typed line stays human. The same again for a tool that writes the file on disk between the two hooks (as
 * a file-editing tool does) while the document is open: VS Code reloads it, and the reload is the agent's.
 */
const run = promisify(execFile);

function extensionPath(): string {
  return vscode.extensions.getExtension(EXTENSION_ID)?.extensionPath ?? '';
}

function cli(): string {
  return path.join(extensionPath(), 'dist', 'cli.js');
}

const nodeEnv = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };

/**
 * Where the hook looks for VS Code's user data (Copilot keeps its transcripts there): a transcript is read only
 * below the folders agents keep them in (issue 16, class 7), so the recorded one goes under `Code/User`.
 */
const vscodeConfigHome = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-vscode-config-'));

/** The commands `countersign agents connect vscode` wrote into the workspace's `.github/hooks/countersign-vscode.json`. */
const hookCommands: Partial<Record<'PreToolUse' | 'PostToolUse', string>> = {};

/**
 * Runs the command `agents connect vscode` configured for `event` as VS Code runs a hook: through a shell in
 * the workspace, the payload on stdin (`node` on PATH: the one this extension host runs on).
 */
function hook(event: 'PreToolUse' | 'PostToolUse', input: string): Promise<{ code: number; stdout: string }> {
  const command = hookCommands[event];
  assert.ok(command, `agents connect vscode configured no ${event} hook`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, {
      shell: true,
      cwd: workspaceRoot(),
      env: {
        ...nodeEnv,
        PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
        XDG_CONFIG_HOME: vscodeConfigHome,
      },
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout }));
    child.stdin.end(input);
  });
}

/**
 * A recorded payload (the shape of test/unit/fixtures/agents/vscode-replace_string_in_file-*.json, which the
 * unit tests read; fixtures are not shipped into the extension folder the workbench runs) with this test's
 * repository, file and transcript in it.
 */
function payload(
  event: 'PreToolUse' | 'PostToolUse',
  file: string,
  transcript: string,
  toolUseId = 'call_q1W3e5R7t9__vscode-1764412200000',
): string {
  return JSON.stringify({
    timestamp: new Date().toISOString(),
    cwd: workspaceRoot(),
    sessionId: SESSION,
    hookEventName: event,
    transcript_path: transcript,
    tool_name: 'replace_string_in_file',
    tool_input: {
      filePath: file,
      oldString: "  return 'Hello, ' + name;",
      newString: '  return `Hello, ${name}!`;',
      explanation: 'Use a template literal',
    },
    ...(event === 'PostToolUse' ? { tool_response: `The following files were successfully edited:\n${file}` } : {}),
    tool_use_id: toolUseId,
  });
}

/** `3,6-8` -> [3, 6, 7, 8]. */
function expandRanges(ranges: string): number[] {
  return ranges.split(',').flatMap((r) => {
    const [a, b] = r.split('-').map(Number);
    return b === undefined ? [a] : Array.from({ length: b - a + 1 }, (_, k) => a + k);
  });
}

/** A recorded transcript under VS Code's user data naming the request's model (gpt-5.1). */
function writeTranscript(): string {
  const transcript = path.join(
    vscodeConfigHome,
    'Code',
    'User',
    'workspaceStorage',
    `ws-${Date.now()}`,
    'GitHub.copilot-chat',
    'transcripts',
    `${SESSION}.jsonl`,
  );
  fs.mkdirSync(path.dirname(transcript), { recursive: true });
  fs.writeFileSync(
    transcript,
    `${JSON.stringify({ type: 'session.start', data: { modelId: 'copilot/auto' } })}\n${JSON.stringify({ type: 'request', modelId: 'gpt-5.1' })}\n`,
  );
  return transcript;
}

/** Commits the staged `name` (hooks on) and checks the trailer and the note: `aiLines` (0-based) are Copilot's. */
async function assertCommitNote(root: string, name: string, aiLines: number[], humanLines: number): Promise<void> {
  await run('git', ['add', name], { cwd: root });
  await run('git', ['commit', '-q', '-m', `Agent edit of ${name}`], { cwd: root, env: nodeEnv });
  const { stdout: message } = await run('git', ['log', '-1', '--format=%B'], { cwd: root });
  assert.match(message, /Assisted-by: Copilot:gpt-5\.1 vscode/);
  const { stdout: note } = await run('git', ['notes', '--ref=ai', 'show', 'HEAD'], { cwd: root });
  const [attestation, json] = note.split('\n---\n');
  assert.ok(attestation.startsWith(`${name}\n`), attestation);
  if (humanLines > 0)
    assert.match(
      attestation,
      new RegExp(`^ {2}h_[0-9a-f]{14} ${humanLines}$`, 'm'),
      "the typed line is the committer's",
    );
  else assert.doesNotMatch(attestation, /^ {2}h_/m, attestation);
  const entry = /^ {2}(s_[0-9a-f]{14})::t_[0-9a-f]{14} (\S+)$/m.exec(attestation);
  assert.ok(entry, attestation);
  assert.deepStrictEqual(
    expandRanges(entry[2]),
    aiLines.map((i) => i + 1),
  );
  const meta = JSON.parse(json) as {
    sessions: Record<string, { agent_id: { tool: string; id: string; model: string } }>;
  };
  assert.deepStrictEqual(
    Object.values(meta.sessions).map((s) => s.agent_id),
    [{ tool: 'copilot', id: SESSION, model: 'gpt-5.1' }],
  );
}

const GREET = "export function greet(name: string): string {\n  return 'Hello, ' + name;\n}\n";
const SESSION = 'b7e2c1d4-5a6f-4e3b-9c8d-0a1b2c3d4e5f';

describe('VS Code agent hooks: edits made during a hooked tool call', function () {
  this.timeout(120_000);

  before(async () => {
    await vscode.workspace.getConfiguration('files').update('autoSave', 'off', vscode.ConfigurationTarget.Global);
    const installed = await run(process.execPath, [cli(), 'install'], { cwd: workspaceRoot(), env: nodeEnv });
    assert.ok(installed, 'hooks installed');
    const connected = await run(process.execPath, [cli(), 'agents', 'connect', 'vscode'], {
      cwd: workspaceRoot(),
      env: nodeEnv,
    });
    assert.match(connected.stdout, /\.github\/hooks\/countersign-vscode\.json/);
    const config = JSON.parse(
      fs.readFileSync(path.join(workspaceRoot(), '.github', 'hooks', 'countersign-vscode.json'), 'utf8'),
    ) as { hooks: Record<string, Array<{ command: string }>> };
    for (const event of ['PreToolUse', 'PostToolUse'] as const) {
      hookCommands[event] = config.hooks[event]?.find((h) => h.command.includes('checkpoint --from vscode'))?.command;
    }
  });
  after(async () => {
    await run(process.execPath, [cli(), 'agents', 'disconnect', 'vscode'], { cwd: workspaceRoot(), env: nodeEnv });
    await vscode.workspace.getConfiguration('files').update('autoSave', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it("in-memory edits between PreToolUse and PostToolUse are the agent's (gutter, status, note); typing meanwhile stays human", async () => {
    const root = workspaceRoot();
    const name = `agent-${Date.now()}.ts`;
    const file = path.join(root, name);
    fs.writeFileSync(file, GREET);
    await run('git', ['add', name], { cwd: root });
    await run('git', ['commit', '-q', '--no-verify', '-m', `Add ${name}`], {
      cwd: root,
      env: { ...process.env, COUNTERSIGN_SKIP: '1' },
    });
    const transcript = writeTranscript();

    const doc = await vscode.workspace.openTextDocument(file);
    const editor = await vscode.window.showTextDocument(doc);
    const a = await api();
    assert.deepStrictEqual(await a.attribution.labelsFor(doc.uri), ['untracked', 'untracked', 'untracked']);

    const pre = await hook('PreToolUse', payload('PreToolUse', file, transcript));
    assert.deepStrictEqual([pre.code, pre.stdout], [0, '']);

    // The agent's tool: a WorkspaceEdit on the open document (nothing written to disk).
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(1, 0, 1, doc.lineAt(1).text.length), '  return `Hello, ${name}!`;');
    edit.insert(
      doc.uri,
      new vscode.Position(3, 0),
      '\nexport function bye(name: string): string {\n  return `Bye, ${name}`;\n} // bye\n',
    );
    assert.ok(await vscode.workspace.applyEdit(edit));
    // The user types a comment at the top while the call is still open.
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    await vscode.commands.executeCommand('type', { text: 'const typed = 1;\n' });
    assert.strictEqual(fs.readFileSync(file, 'utf8'), GREET, "the agent's edit has not reached the disk");

    const post = await hook('PostToolUse', payload('PostToolUse', file, transcript));
    assert.deepStrictEqual([post.code, post.stdout], [0, '']);

    const labels = await a.attribution.labelsFor(doc.uri);
    assert.ok(labels);
    // 0 typed, 1 and 3 untouched, 2 the replaced line, 5-7 the new function (4 is the blank line the agent
    // inserted before it: a blank line's label is whoever wrote its line break, not asserted here).
    assert.deepStrictEqual(
      [0, 1, 2, 3, 5, 6, 7].map((i) => labels[i]),
      ['human', 'untracked', 'ai:copilot', 'untracked', 'ai:copilot', 'ai:copilot', 'ai:copilot'],
    );
    assert.strictEqual(labels.length, 8);
    const details = await a.attribution.labelDetailsFor(doc.uri);
    const ai = details?.[2];
    assert.ok(ai && ai.kind === 'ai');
    assert.deepStrictEqual([ai.agent, ai.model, ai.session], ['copilot', 'gpt-5.1', SESSION]);
    const aiLines = labels.flatMap((l, i) => (l === 'ai:copilot' ? [i] : []));
    const gutter = await a.attribution.gutterFor(doc.uri);
    assert.deepStrictEqual(
      (gutter?.copilot ?? []).flatMap(([s, e]) => Array.from({ length: e - s + 1 }, (_, k) => s + k)),
      aiLines,
      "the gutter marks exactly the agent's lines as Copilot's",
    );
    assert.deepStrictEqual(Object.keys(gutter ?? {}), ['copilot']);

    await doc.save();
    const rel = name;
    const status = await waitFor('the saved labels to reach the ledger', async () => {
      const { stdout } = await run(process.execPath, [cli(), 'status', '--json'], { cwd: root, env: nodeEnv });
      const s = (
        JSON.parse(stdout) as {
          files: Record<string, { ai: number; human: number; untracked: number; agents: string[] }>;
        }
      ).files[rel];
      return s && s.ai === aiLines.length ? s : undefined;
    });
    assert.deepStrictEqual([status.human, status.agents], [1, ['copilot']]);

    await assertCommitNote(root, name, aiLines, 1);
  });

  it("a file the agent writes on disk between PreToolUse and PostToolUse is the agent's once VS Code reloads it (gutter, status, note)", async () => {
    const root = workspaceRoot();
    const name = `agent-disk-${Date.now()}.ts`;
    const file = path.join(root, name);
    fs.writeFileSync(file, GREET);
    await run('git', ['add', name], { cwd: root });
    await run('git', ['commit', '-q', '--no-verify', '-m', `Add ${name}`], {
      cwd: root,
      env: { ...process.env, COUNTERSIGN_SKIP: '1' },
    });
    const transcript = writeTranscript();

    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    const a = await api();
    assert.deepStrictEqual(await a.attribution.labelsFor(doc.uri), ['untracked', 'untracked', 'untracked']);

    const toolUseId = 'call_d1S2k3W4r5__vscode-1764412300000';
    const pre = await hook('PreToolUse', payload('PreToolUse', file, transcript, toolUseId));
    assert.deepStrictEqual([pre.code, pre.stdout], [0, '']);
    // The agent's tool writes the file on disk; the open, unmodified document is reloaded by VS Code.
    const edited =
      'export function greet(name: string): string {\n  return `Hello, ${name}!`;\n}\n\nexport function bye(name: string): string {\n  return `Bye, ${name}`;\n} // bye\n';
    fs.writeFileSync(file, edited);
    await waitFor('VS Code to reload the document from disk', () => (doc.getText() === edited ? true : undefined));
    const post = await hook('PostToolUse', payload('PostToolUse', file, transcript, toolUseId));
    assert.deepStrictEqual([post.code, post.stdout], [0, '']);

    // 0 and 2 untouched, 1 the replaced line, 4-6 the new function (3 is the blank line the agent wrote
    // before it: a blank line's label is whoever wrote its line break, not asserted here).
    const labels = await waitFor("the reload to be labelled the agent's", async () => {
      const l = await a.attribution.labelsFor(doc.uri);
      return l && [1, 4, 5, 6].every((i) => l[i] === 'ai:copilot') ? l : undefined;
    });
    assert.deepStrictEqual(
      [0, 1, 2, 4, 5, 6].map((i) => labels[i]),
      ['untracked', 'ai:copilot', 'untracked', 'ai:copilot', 'ai:copilot', 'ai:copilot'],
    );
    assert.strictEqual(labels.length, 7);
    const aiLines = labels.flatMap((l, i) => (l === 'ai:copilot' ? [i] : []));
    const ai = (await a.attribution.labelDetailsFor(doc.uri))?.[1];
    assert.ok(ai && ai.kind === 'ai');
    assert.deepStrictEqual([ai.agent, ai.model, ai.session], ['copilot', 'gpt-5.1', SESSION]);
    const gutter = await a.attribution.gutterFor(doc.uri);
    assert.deepStrictEqual(
      (gutter?.copilot ?? []).flatMap(([s, e]) => Array.from({ length: e - s + 1 }, (_, k) => s + k)),
      aiLines,
      "the gutter marks exactly the agent's lines as Copilot's",
    );
    assert.deepStrictEqual(Object.keys(gutter ?? {}), ['copilot']);

    const status = await waitFor("the agent's lines to reach the ledger", async () => {
      const { stdout } = await run(process.execPath, [cli(), 'status', '--json'], { cwd: root, env: nodeEnv });
      const s = (JSON.parse(stdout) as { files: Record<string, { ai: number; human: number; agents: string[] }> })
        .files[name];
      return s && s.ai === aiLines.length ? s : undefined;
    });
    assert.deepStrictEqual([status.human, status.agents], [0, ['copilot']]);
    await assertCommitNote(root, name, aiLines, 0);
  });
});
