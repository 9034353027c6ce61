import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { CLI } from '../helpers/tempRepo';
import { version } from '../../../package.json';

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('countersign CLI', () => {
  it('prints help listing the commands, exit 0', () => {
    const r = run('--help');
    assert.strictEqual(r.status, 0);
    assert.match(r.stdout, /Usage: countersign <command>/);
    assert.match(r.stdout, /install/);
    // docs/design.md's command table names `hook NAME [ARGS]` for hook managers: it is listed (it was hidden as internal).
    assert.match(r.stdout, /^\s+hook\s/m);
  });

  it('prints its version', () => {
    const r = run('--version');
    assert.strictEqual(r.status, 0);
    assert.strictEqual(r.stdout.trim(), version);
  });

  it('exits 2 for an unknown command and says what to do', () => {
    const r = run('frobnicate');
    assert.strictEqual(r.status, 2);
    assert.match(r.stderr, /unknown command 'frobnicate'.*--help/);
  });

  it('exits 2 for an unknown option and names the command', () => {
    const r = run('install', '--bogus');
    assert.strictEqual(r.status, 2);
    assert.match(r.stderr, /install: unknown option '--bogus'/);
  });

  it('shows per-command help', () => {
    const r = run('install', '--help');
    assert.strictEqual(r.status, 0);
    assert.match(r.stdout, /Usage: countersign install/);
  });

  it('exits 2 with no command', () => {
    assert.strictEqual(run().status, 2);
  });
});
