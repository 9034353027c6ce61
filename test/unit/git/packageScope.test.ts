import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { installCliLauncher } from '../../../src/git/cliLauncher';
import { commitFile, setup } from '../helpers/gateServer';
import { tempDir } from '../helpers/tempDirs';
import { CLI, TempRepo } from '../helpers/tempRepo';

/**
 * attack26 05: Node decides whether a `.js` file is CommonJS or an ES module from the nearest package.json above
 * it, and the hooks' copy of the CLI lives in .git/countersign/bin, inside the work tree: the project's own
 * package.json decided. `"type": "module"` (most current JavaScript templates) or one that does not parse (merge
 * conflict markers, exactly when a merge commits) made every hook and agent checkpoint crash. Each copy of the
 * CLI (the hooks', a server's, the launcher's) now has a package.json of its own beside it.
 */
describe('the CLI copies run whatever package.json lies above them (attack26 05)', function () {
  this.timeout(240_000);

  for (const [label, text] of [
    ['"type": "module"', '{ "name": "web", "type": "module" }\n'],
    [
      'a package.json with merge-conflict markers',
      '{\n<<<<<<< HEAD\n  "name": "a"\n=======\n  "name": "b"\n>>>>>>> x\n}\n',
    ],
  ] as const)
    it(`with ${label} in the work tree: commits are attested and agent checkpoints exit 0`, () => {
      const repo = TempRepo.create();
      assert.strictEqual(repo.cli(['install']).status, 0);
      repo.write('package.json', text);
      repo.git('add', 'package.json');
      const c = spawnSync('git', ['commit', '-q', '-m', 'web app'], { cwd: repo.dir, env: repo.env, encoding: 'utf8' });
      assert.strictEqual(c.status, 0, c.stderr);
      assert.doesNotMatch(c.stderr, /ReferenceError|SyntaxError|ES module|unattested/, c.stderr);
      assert.ok(
        repo.trailers().some((t) => t.startsWith('AI-Provenance: v1 ')),
        `no trailer: ${repo.trailers().join(' | ')}`,
      );
      const cp = spawnSync(
        process.execPath,
        [path.join(repo.dir, '.git', 'countersign', 'bin', 'countersign.js'), 'checkpoint', '--from', 'claude'],
        {
          cwd: repo.dir,
          env: repo.env,
          encoding: 'utf8',
          input: JSON.stringify({
            session_id: 's1',
            cwd: repo.dir,
            tool_name: 'Write',
            tool_input: { file_path: 'a.js' },
          }),
        },
      );
      assert.strictEqual(cp.status, 0, cp.stderr);
      assert.doesNotMatch(cp.stderr, /ReferenceError|SyntaxError/);
    });

  it('doctor asks for install again where a copy lacks its package.json (installed before it was written)', () => {
    const repo = TempRepo.create();
    assert.strictEqual(repo.cli(['install']).status, 0);
    const check = () =>
      (
        JSON.parse(repo.cli(['doctor', '--json']).stdout) as { checks: Array<{ check: string; status: string }> }
      ).checks.find((c) => c.check === 'cli-copy')?.status;
    assert.strictEqual(check(), 'ok');
    fs.rmSync(path.join(repo.dir, '.git', 'countersign', 'bin', 'package.json'));
    assert.strictEqual(check(), 'fix');
    assert.strictEqual(repo.cli(['install']).status, 0);
    assert.strictEqual(check(), 'ok');
  });

  it('a server whose bare repository sits in a folder with "type": "module" still judges pushes', () => {
    const s = setup();
    fs.writeFileSync(path.join(path.dirname(s.server.dir), 'package.json'), '{ "type": "module" }\n');
    commitFile(s.ada, 'notes.txt', 'a human line\n', 'notes\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    const r = s.ada.gitResult(['push', 'origin', 'main']);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /ReferenceError|ES module/);
  });

  it('the command-line launcher runs under a home folder with "type": "module"', () => {
    const home = tempDir('cs-launcher-home-');
    fs.writeFileSync(path.join(home, 'package.json'), '{ "type": "module" }\n');
    const binDir = path.join(home, 'bin');
    installCliLauncher({ cliSource: CLI, binDir, dataDir: path.join(home, 'data'), env: { HOME: home, PATH: '' } });
    const r = spawnSync(path.join(binDir, 'countersign'), ['--version'], { encoding: 'utf8', env: process.env });
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /\d+\.\d+\.\d+/);
  });
});
