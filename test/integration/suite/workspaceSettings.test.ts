import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { waitFor, workspaceRoot } from './inHost';

/**
 * attack9 I5 in a real VS Code: a clone that commits `.vscode/settings.json` with capture turned off (or its file
 * size limit at the minimum) must not switch capture off for whoever opens it. A window-scoped setting in the same
 * file shows VS Code has read the file before the capture settings are checked.
 */
describe('workspace settings cannot weaken capture (attack9 I5)', function () {
  this.timeout(60_000);
  let dir = '';
  let file = '';
  let hadDir = false;

  before(() => {
    dir = path.join(workspaceRoot(), '.vscode');
    file = path.join(dir, 'settings.json');
    hadDir = fs.existsSync(dir);
    assert.ok(!fs.existsSync(file), 'the test workspace already has .vscode/settings.json');
  });

  after(async () => {
    fs.rmSync(file, { force: true });
    if (!hadDir) fs.rmSync(dir, { recursive: true, force: true });
    await waitFor('the workspace settings to be gone', () =>
      vscode.workspace.getConfiguration('countersign').get('blame.enabled') === true ? true : undefined,
    );
  });

  it('a committed settings file turns neither capture off nor its file size limit down', async () => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      file,
      JSON.stringify({
        'countersign.blame.enabled': false,
        'countersign.capture.enabled': false,
        'countersign.capture.maxFileSize': 1024,
      }),
    );
    const config = () => vscode.workspace.getConfiguration('countersign');
    await waitFor('VS Code to read the workspace settings file', () =>
      config().get('blame.enabled') === false ? true : undefined,
    );
    assert.strictEqual(config().get('capture.enabled'), true);
    assert.strictEqual(config().get('capture.maxFileSize'), 1024 * 1024);
  });
});
