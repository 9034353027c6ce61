import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { readSnapshot } from '../../../src/git/workingFiles';
import { tempDir } from '../helpers/tempDirs';
import { TempRepo } from '../helpers/tempRepo';

/**
 * attack28 06: a clone chooses its folders, and a committed `vendor -> /somewhere/outside` made checkpoint read
 * vendor/secret.txt — a file outside the clone — and keep its text in .git/countersign (only the last component was
 * opened without following links). A file reached through a symlinked folder is not the repository's (git tracks
 * the link, not what is behind it): it is skipped, as readWorkTreeText skips such settings files.
 */
describe('attack28 06: snapshots never read through a symlinked folder', () => {
  let repo: TempRepo;
  let secret: string;

  beforeEach(() => {
    const outside = tempDir('cs-outside-');
    secret = `TOP-SECRET-${process.pid}`;
    fs.writeFileSync(path.join(outside, 'secret.txt'), `${secret}\n`);
    repo = TempRepo.create();
    fs.symlinkSync(outside, path.join(repo.dir, 'vendor'));
    repo.write('README', 'seed\n');
    repo.git('add', '-A');
    repo.commit('crafted: vendor is a link');
  });

  it('readSnapshot skips a file behind a symlinked folder and reads the files beside it', async () => {
    const snap = await readSnapshot(repo.dir, ['vendor/secret.txt', 'README']);
    assert.deepStrictEqual(Object.keys(snap.files), ['README']);
    assert.deepStrictEqual(snap.skipped, ['vendor/secret.txt']);
  });

  it("checkpoint of an agent's tool call naming it keeps nothing of the outside file", () => {
    assert.strictEqual(repo.cli(['install']).status, 0);
    const payload = JSON.stringify({
      session_id: 's1',
      hook_event_name: 'PreToolUse',
      tool_name: 'Edit',
      tool_use_id: 't1',
      tool_input: { file_path: path.join(repo.dir, 'vendor', 'secret.txt') },
      cwd: repo.dir,
    });
    const r = repo.cli(['checkpoint', '--from', 'claude'], { input: payload });
    assert.strictEqual(r.status, 0, r.stderr);
    const kept = path.join(repo.dir, '.git', 'countersign');
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.isFile() && fs.readFileSync(p, 'latin1').includes(secret)) found.push(p);
      }
    };
    if (fs.existsSync(kept)) walk(kept);
    assert.deepStrictEqual(found, [], 'the outside file was copied into the clone');
  });
});
