import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { CountersignApi } from '../../../src/extension/extension';
import { Commands, EXTENSION_ID, LOG_CHANNEL_NAME } from '../../../src/extension/ids';

interface ContributedCommand {
  command: string;
}

async function activated(): Promise<{ ext: vscode.Extension<CountersignApi>; api: CountersignApi }> {
  const ext = vscode.extensions.getExtension<CountersignApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded in this VS Code: check extensionDevelopmentPath`);
  const api = await ext.activate();
  await api.ready; // the services bundle loads just after activate() returns
  return { ext, api };
}

/** Polls until check() returns something, or undefined after timeoutMs. */
async function waitFor<T>(check: () => T | undefined, timeoutMs = 5_000): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = check();
    if (found !== undefined || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function contributedCommands(ext: vscode.Extension<unknown>): string[] {
  const commands =
    (ext.packageJSON as { contributes?: { commands?: ContributedCommand[] } }).contributes?.commands ?? [];
  return commands.map((c) => c.command).sort();
}

describe('Countersign in a real VS Code', () => {
  it('activates and returns its API', async () => {
    const { ext, api } = await activated();
    assert.strictEqual(ext.isActive, true);
    assert.ok(Array.isArray(api.registeredCommands), 'activate() returns { registeredCommands }');
    assert.ok(api.registeredCommands.length > 0, 'activation registered no commands');
  });

  it('reports its activation time (scripts/bench-activation.ts collects it)', async () => {
    const { api } = await activated();
    assert.ok(Number.isFinite(api.activationMs) && api.activationMs > 0, `activationMs is ${api.activationMs}`);
    const out = process.env.COUNTERSIGN_BENCH_ACTIVATION_FILE;
    assert.ok(Number.isFinite(api.servicesMs) && (api.servicesMs ?? 0) > 0, `servicesMs is ${api.servicesMs}`);
    if (out)
      fs.writeFileSync(out, JSON.stringify({ activationMs: api.activationMs, servicesMs: api.servicesMs }) + '\n');
  });

  it('opened the fixture repository as its workspace', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.strictEqual(
      folders.length,
      1,
      `expected one workspace folder, got ${folders.map((f) => f.uri.toString()).join(', ')}`,
    );
    assert.strictEqual(folders[0].uri.scheme, 'file');
  });

  it('registers every command that package.json contributes', async () => {
    const { ext } = await activated();
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributedCommands(ext).filter((id) => !registered.has(id));
    assert.deepStrictEqual(missing, [], 'contributed in package.json but never registered by activate()');
  });

  it('contributes every countersign.* command it registers', async () => {
    const { ext } = await activated();
    const contributed = new Set(contributedCommands(ext));
    const ours = (await vscode.commands.getCommands(true)).filter((id) => id.startsWith('countersign.'));
    const undeclared = ours.filter((id) => !contributed.has(id));
    assert.deepStrictEqual(undeclared, [], 'registered but missing from package.json contributes.commands');
  });

  it('reports the same commands through its API as package.json contributes', async () => {
    const { ext, api } = await activated();
    assert.deepStrictEqual([...api.registeredCommands].sort(), contributedCommands(ext));
  });

  it('has its log channel, and "Countersign: Show Log" opens it with the activation entry', async () => {
    const { api } = await activated();
    assert.strictEqual(api.logChannelName, LOG_CHANNEL_NAME);
    // Commands report their own errors instead of throwing (commandRegistry), so look at the effect: the
    // shown channel becomes an `output:` document holding what activate() logged.
    await vscode.commands.executeCommand(Commands.showLog);
    const log = await waitFor(() =>
      vscode.workspace.textDocuments.find(
        (d) =>
          d.uri.scheme === 'output' &&
          d.uri.path.endsWith(LOG_CHANNEL_NAME) &&
          d.getText().includes('[extension] activating Countersign'),
      ),
    );
    assert.ok(
      log,
      `no output document for the "${LOG_CHANNEL_NAME}" channel after ${Commands.showLog}; documents: ${vscode.workspace.textDocuments
        .map((d) => d.uri.toString())
        .join(', ')}`,
    );
  });
});
