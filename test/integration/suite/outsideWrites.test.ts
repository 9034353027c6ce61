import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { api, waitFor, workspaceRoot } from './inHost';

/**
 * Files written from outside the editor (git, a terminal agent) in a real VS Code: the file watcher, shell
 * integration's command lines and the editor's open all reach Countersign, in whichever order VS Code delivers
 * them, and the labels must not depend on that order.
 */
const SNIPPET = 'function add(a: number, b: number) {\n  return a + b;\n}\n';

async function labels(uri: vscode.Uri): Promise<string[] | undefined> {
  return (await api()).attribution.labelsFor(uri);
}

async function labelsOfLength(what: string, uri: vscode.Uri, n: number): Promise<string[]> {
  return waitFor(what, async () => {
    const l = await labels(uri);
    return l && l.length === n ? l : undefined;
  });
}

/**
 * A stand-in for the Claude Code CLI in a shell-integrated terminal: it runs until `stop()`, or until `close()`
 * closes its terminal while it runs.
 */
async function claudeInTerminal(): Promise<{ stop(): Promise<void>; close(): Promise<void>; dispose(): void }> {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-agent-bin-'));
  const marker = path.join(bin, 'started');
  fs.writeFileSync(
    path.join(bin, 'claude'),
    `#!/bin/sh\ntouch '${marker}'\nwhile [ ! -f '${marker}.done' ]; do sleep 0.1; done\n`,
    { mode: 0o755 },
  );
  const terminal = vscode.window.createTerminal({ name: 'agent', shellPath: '/bin/bash', cwd: workspaceRoot() });
  const dispose = () => {
    fs.writeFileSync(`${marker}.done`, '');
    terminal.dispose();
    fs.rmSync(bin, { recursive: true, force: true });
  };
  try {
    terminal.show();
    const shell = await waitFor('shell integration in the terminal', () => terminal.shellIntegration, 20_000);
    const started = new Promise<string>((resolve) => {
      const d = vscode.window.onDidStartTerminalShellExecution((e) => {
        if (e.terminal === terminal) {
          d.dispose();
          resolve(e.execution.commandLine.value);
        }
      });
    });
    // By path, so the shell's start-up files cannot put another `claude` first on PATH.
    shell.executeCommand(`${path.join(bin, 'claude')} -p "write the helper"`);
    assert.match(await started, /claude -p/);
    await waitFor('the agent to start', () => (fs.existsSync(marker) ? true : undefined));
  } catch (err) {
    dispose();
    throw err;
  }
  const stop = async () => {
    const ended = new Promise<void>((resolve) => {
      const d = vscode.window.onDidEndTerminalShellExecution((e) => {
        if (e.terminal === terminal) {
          d.dispose();
          resolve();
        }
      });
    });
    fs.writeFileSync(`${marker}.done`, '');
    await ended;
  };
  const close = async () => {
    const gone = new Promise<void>((resolve) => {
      const d = vscode.window.onDidCloseTerminal((t) => {
        if (t === terminal) {
          d.dispose();
          resolve();
        }
      });
    });
    terminal.dispose();
    await gone;
  };
  return { stop, close, dispose };
}

describe('Capture: files written from outside', function () {
  this.timeout(60_000);

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a file written on disk with no agent running is untracked', async () => {
    const file = path.join(workspaceRoot(), `outside-${Date.now()}.txt`);
    fs.writeFileSync(file, 'checked out\nby git\n');
    const got = await labelsOfLength('the write to be observed', vscode.Uri.file(file), 2);
    assert.deepStrictEqual(got, ['untracked', 'untracked']);
  });

  it("a file written while `claude` runs in a terminal is claude-code's", async () => {
    const agent = await claudeInTerminal();
    try {
      const file = path.join(workspaceRoot(), `agent-${Date.now()}.ts`);
      fs.writeFileSync(file, SNIPPET);
      const uri = vscode.Uri.file(file);
      const got = await labelsOfLength("the agent's write to be observed", uri, 3);
      assert.deepStrictEqual(got, ['ai:claude-code', 'ai:claude-code', 'ai:claude-code']);
      await agent.stop();
      // After the agent ended, a write is nobody's.
      fs.appendFileSync(file, 'export const later = 1;\n');
      const after = await labelsOfLength('the later write', uri, 4);
      assert.deepStrictEqual(after, ['ai:claude-code', 'ai:claude-code', 'ai:claude-code', 'untracked']);
    } finally {
      agent.dispose();
    }
  });

  it("a file the editor opens before its write was read is still claude-code's", async () => {
    const agent = await claudeInTerminal();
    try {
      // The agent writes a file and the editor opens it at once (as an agent's "open the file" or a user's click
      // does), before the file watcher's event has been read — or even delivered.
      const file = path.join(workspaceRoot(), `agent-open-${Date.now()}.ts`);
      fs.writeFileSync(file, SNIPPET);
      const doc = await vscode.workspace.openTextDocument(file);
      await vscode.window.showTextDocument(doc);
      // The watcher's event may come after the open: poll a while rather than take the first answer.
      const want = ['ai:claude-code', 'ai:claude-code', 'ai:claude-code'];
      let got: string[] | undefined;
      await waitFor(
        "the agent's labels",
        async () => {
          got = await labels(doc.uri);
          return JSON.stringify(got) === JSON.stringify(want) ? got : undefined;
        },
        5000,
      ).catch(() => undefined);
      assert.deepStrictEqual(got, want);
    } finally {
      agent.dispose();
    }
  });

  it('closing the terminal while `claude` runs ends the agent: a later write is untracked', async () => {
    const agent = await claudeInTerminal();
    try {
      // VS Code reports no end for a command whose terminal is closed under it.
      await agent.close();
      const file = path.join(workspaceRoot(), `after-close-${Date.now()}.txt`);
      fs.writeFileSync(file, 'written\nlater\n');
      const got = await labelsOfLength('the write to be observed', vscode.Uri.file(file), 2);
      assert.deepStrictEqual(got, ['untracked', 'untracked']);
    } finally {
      agent.dispose();
    }
  });
});
