import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { uninstallSummary } from '../../../src/app/uninstallSummary';
import { uninstallHooks } from '../../../src/app/uninstallHooks';
import { TempRepo } from '../helpers/tempRepo';

/**
 * The editor's "Uninstall Hooks" message (issue 17, tried as a new user): uninstall also takes out the agents'
 * hooks `agents connect --local` wrote, so the message says so, file by file. A real repository, the real
 * install, connect and uninstall.
 */
describe("uninstall's summary: what the editor says it removed", function () {
  this.timeout(120_000);

  it("names the agents' files it deleted or changed and the committed ones it left; says when nothing was installed", async () => {
    const repo = TempRepo.create();
    repo.write('.gemini/settings.json', '{"theme": "dark"}\n');
    repo.git('add', '.');
    repo.commit('team settings');
    assert.strictEqual(repo.cli(['install', '-q']).status, 0);
    repo.write('.claude/settings.local.json', '{"permissions": {"allow": ["Bash"]}}\n');
    assert.strictEqual(repo.cli(['agents', 'connect', 'claude', 'codex', '--local', '-q']).status, 0);
    // A teammate committed Gemini's hooks: uninstall leaves the committed file to `agents disconnect`.
    assert.strictEqual(repo.cli(['agents', 'connect', 'gemini', '-q']).status, 0);
    repo.git('commit', '-qam', 'gemini hooks', '--no-verify');

    const r = await uninstallHooks(repo.dir);
    const text = uninstallSummary(r);
    assert.match(text, /^Countersign hooks removed; the previous hooks are active again\. Agents' hooks: /);
    assert.match(text, /took Countersign's hooks out of \.claude\/settings\.local\.json \(your own entries kept\)/);
    assert.match(text, /deleted \.codex\/hooks\.json/);
    assert.match(text, /\.git\/info\/exclude line/);
    assert.match(text, /Left \.gemini\/settings\.json \(committed: `countersign agents disconnect`/);

    assert.strictEqual(
      uninstallSummary(await uninstallHooks(repo.dir)),
      "Countersign hooks were not installed in this repository. Left .gemini/settings.json (committed: `countersign agents disconnect` takes Countersign's entries out, then commit it).",
    );
  });

  it('newuser19 F12: in a clone where nothing else was recorded, uninstall leaves no empty .git/countersign', async () => {
    const repo = TempRepo.create();
    repo.commit('first', '--allow-empty');
    assert.strictEqual(repo.cli(['install', '-q']).status, 0);
    const dir = path.join(repo.dir, '.git', 'countersign');
    assert.ok(fs.existsSync(dir));
    const r = await uninstallHooks(repo.dir);
    assert.deepStrictEqual(r.kept, []);
    assert.ok(!fs.existsSync(dir), `left: ${fs.existsSync(dir) ? fs.readdirSync(dir).join(', ') : ''}`);
  });
});
