import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { CLI, TempRepo } from '../helpers/tempRepo';

/**
 * A hostile clone chooses the files `init` and `import` read (outside tester H1, session 8): a committed
 * CI file or trace file linked to /dev/zero spun both commands until killed, and a trace record naming a
 * committed symlink read a file outside the repository into the working ledger.
 */
describe('init and import on a hostile clone (outside tester H1)', function () {
  this.timeout(120_000);

  function cli(repo: TempRepo, args: string[]) {
    // A read of /dev/zero never ends: bound the run so the test fails instead of hanging.
    return spawnSync(process.execPath, [CLI, ...args], {
      cwd: repo.dir,
      env: repo.env,
      encoding: 'utf8',
      timeout: 30_000,
    });
  }

  function record(file: string): string {
    return JSON.stringify({
      version: '0.1',
      id: '0b6f3c1e-2d4a-4c5b-8e9f-0a1b2c3d4e5f',
      timestamp: '2026-11-29T10:00:00Z',
      tool: { name: 'cursor', version: '2.1' },
      files: [
        {
          path: file,
          conversations: [{ contributor: { type: 'ai' }, ranges: [{ start_line: 1, end_line: 1 }] }],
        },
      ],
    });
  }

  it('init leaves a CI file that is a symlink alone and finishes', () => {
    const repo = TempRepo.create();
    fs.mkdirSync(path.join(repo.dir, '.github', 'workflows'), { recursive: true });
    fs.symlinkSync('/dev/zero', path.join(repo.dir, '.github', 'workflows', 'countersign.yml'));
    repo.git('add', '.');
    repo.commit('a clone whose CI file never ends');
    const r = cli(repo, ['init', '--ci', 'github', '--json']);
    assert.strictEqual(r.signal, null, `init hung (${r.signal}): ${r.stderr}`);
    assert.strictEqual(r.status, 0, `${r.stdout}${r.stderr}`);
    const ci = (JSON.parse(r.stdout) as { ci: { status: string; reason?: string } }).ci;
    assert.strictEqual(ci.status, 'kept');
    assert.match(ci.reason ?? '', /not a regular file/);
    assert.ok(fs.lstatSync(path.join(repo.dir, '.github', 'workflows', 'countersign.yml')).isSymbolicLink());
  });

  it('import refuses a trace file that is a symlink (exit 2, naming it) instead of reading /dev/zero', () => {
    const repo = TempRepo.create();
    repo.write('a.txt', 'one\n');
    fs.mkdirSync(path.join(repo.dir, '.agent-trace'));
    fs.symlinkSync('/dev/zero', path.join(repo.dir, '.agent-trace', 'traces.jsonl'));
    repo.git('add', '.');
    repo.commit('a clone whose trace file never ends');
    const r = cli(repo, ['import']);
    assert.strictEqual(r.signal, null, `import hung (${r.signal})`);
    assert.strictEqual(r.status, 2, `${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /traces\.jsonl.*not a regular file/);
  });

  it('import reads no file through a symlink a record names, inside or outside the repository', () => {
    const repo = TempRepo.create();
    repo.write('a.txt', 'one\n');
    const secret = path.join(repo.env.HOME as string, 'secret.txt');
    fs.writeFileSync(secret, 'SECRET-TOKEN\n');
    fs.symlinkSync(secret, path.join(repo.dir, 'notes.txt'));
    fs.symlinkSync('/dev/zero', path.join(repo.dir, 'zero.txt'));
    fs.mkdirSync(path.join(repo.dir, 'real'));
    fs.symlinkSync(path.dirname(secret), path.join(repo.dir, 'linked'));
    repo.git('add', '.');
    repo.commit('links');
    const traces = ['notes.txt', 'zero.txt', 'linked/secret.txt', 'a.txt'].map(record).join('\n');
    fs.writeFileSync(path.join(repo.dir, 'traces.jsonl'), `${traces}\n`);
    const r = cli(repo, ['import', 'traces.jsonl', '--json']);
    assert.strictEqual(r.signal, null, `import hung (${r.signal})`);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.deepStrictEqual((JSON.parse(r.stdout) as { files: string[] }).files, ['a.txt']);
    const ledger = path.join(repo.dir, '.git', 'countersign');
    const written = fs
      .readdirSync(ledger, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => fs.readFileSync(path.join(d.parentPath, d.name), 'utf8'))
      .join('');
    assert.doesNotMatch(written, /SECRET-TOKEN/);
  });
});
