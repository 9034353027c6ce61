import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { planAgentConfig } from '../../../src/core/agents/hookConfig';
import { hookPinOf, recordConnected } from '../../../src/git/connectedAgents';
import { resolveRepo } from '../../../src/git/repository';
import { Commands } from '../../../src/extension/ids';
import { api, waitFor, workspaceRoot } from './inHost';

/**
 * Issue 15 in a real VS Code: an agent that removes Countersign's hooks from its own settings is reported by
 * the editor (a warning, and the status bar's tooltip); "Check Set-up (Doctor)" shows `countersign doctor`.
 */
describe("Set-up health: agents' hooks and the doctor", function () {
  this.timeout(60_000);
  const settingsFile = () => path.join(workspaceRoot(), '.claude', 'settings.json');

  after(async () => {
    fs.rmSync(path.join(workspaceRoot(), '.claude'), { recursive: true, force: true });
    const repo = await resolveRepo(workspaceRoot());
    fs.rmSync(path.join(repo.commonDir, 'countersign', 'agents.json'), { force: true });
  });

  it("warns when Claude Code's hooks that agents connect wrote are removed, and lists it in the status bar tooltip", async () => {
    const root = workspaceRoot();
    // What `countersign agents connect claude` writes, and its record that Claude Code was connected here.
    const repo = await resolveRepo(root);
    for (const plan of planAgentConfig('claude', () => undefined, hookPinOf(repo, root))) {
      fs.mkdirSync(path.dirname(path.join(root, plan.file)), { recursive: true });
      fs.writeFileSync(path.join(root, plan.file), plan.text ?? '');
    }
    recordConnected(repo, ['claude']);
    const { attribution } = await api();
    assert.deepStrictEqual(await attribution.agentHookWarnings(), []);

    // Claude Code edits its own settings and drops the hooks.
    fs.writeFileSync(settingsFile(), JSON.stringify({ permissions: { allow: ['Bash'] } }, null, 2));
    const warnings = await waitFor("a warning about Claude Code's hooks", async () => {
      const w = await attribution.agentHookWarnings();
      return w.length > 0 ? w : undefined;
    });
    assert.match(warnings[0], /^Claude Code's Countersign hooks were removed .*countersign agents connect claude/);
    assert.match(await attribution.aiShareTooltip(), /⚠ Claude Code's Countersign hooks were removed/);
  });

  it("Check Set-up (Doctor) shows countersign doctor's findings with their fixes", async () => {
    const doc = await vscode.commands.executeCommand<vscode.TextDocument>(Commands.checkSetup, workspaceRoot());
    assert.ok(doc, 'checkSetup returned no document');
    const text = doc.getText();
    assert.match(text, /^countersign doctor — /);
    assert.match(text, /hooks-installed/);
    assert.match(text, /agents\s+Claude Code's Countersign hooks were removed/);
    assert.match(text, /fix: run `countersign agents connect claude`/);
  });
});
