import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CLI } from '../helpers/tempRepo';

/** `countersign replay` through the built CLI, with traces written to a temporary folder. */
describe('countersign replay', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-replay-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function replay(trace: unknown, ...args: string[]) {
    const file = path.join(dir, 'trace.json');
    fs.writeFileSync(file, typeof trace === 'string' ? trace : JSON.stringify(trace));
    const r = spawnSync(process.execPath, [CLI, 'replay', 'trace.json', ...args], { cwd: dir, encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  const trace = {
    version: 1,
    files: { 'src/a.ts': 'const a = 1;\n', 'b.ts': 'x\r\ny\r\n' },
    events: [
      { type: 'inlineAccept', file: 'src/a.ts' },
      { type: 'edit', file: 'src/a.ts', changes: [{ offset: 13, length: 0, text: 'const b = 2;\n' }] },
      { type: 'edit', file: 'src/a.ts', changes: [{ offset: 26, length: 0, text: 'c' }] },
      { type: 'terminal', command: 'claude -p "add z"', state: 'start' },
      { type: 'diskWrite', file: 'b.ts', content: 'x\r\ny\r\nz\r\n' },
      { type: 'terminal', command: 'claude -p "add z"', state: 'end' },
    ],
  };

  it("--json prints one label per line of each file's final content", () => {
    const r = replay(trace, '--json');
    assert.strictEqual(r.status, 0, r.stderr);
    assert.deepStrictEqual(JSON.parse(r.stdout), {
      files: {
        'b.ts': ['untracked', 'untracked', 'ai:claude-code'],
        'src/a.ts': ['untracked', 'ai:inline-completion', 'human'],
      },
    });
  });

  it('without --json prints a readable listing per file', () => {
    const r = replay(trace);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /^b\.ts: 3 lines — 1 AI \(claude-code\), 0 human, 2 untracked$/m);
    assert.match(r.stdout, /^ {2}3 {2}ai:claude-code {2}z$/m);
    assert.match(r.stdout, /^ {2}2 {2}ai:inline-completion {2}const b = 2;$/m);
  });

  it('exits 2 naming the file and the JSON path of an invalid event', () => {
    const r = replay(
      { version: 1, files: {}, events: [{ type: 'edit', file: 'a', changes: [{ offset: 'x', length: 0, text: '' }] }] },
      '--json',
    );
    assert.strictEqual(r.status, 2);
    assert.match(r.stderr, /trace\.json: events\[0\]\.changes\[0\]\.offset: /);
    // With --json an exit-2 error is one JSON object on stdout (the CLI's error contract, src/cli/command.ts).
    const json = JSON.parse(r.stdout) as { ok: boolean; exitCode: number; error: string };
    assert.deepStrictEqual([json.ok, json.exitCode], [false, 2]);
    assert.match(json.error, /trace\.json: events\[0\]\.changes\[0\]\.offset: /);
  });

  it('exits 2 for an unknown observation type, a wrong version, and text that is not JSON', () => {
    let r = replay({ version: 1, files: {}, events: [{ type: 'teleport' }] });
    assert.strictEqual(r.status, 2);
    assert.match(r.stderr, /trace\.json: events\[0\]\.type: /);
    r = replay({ version: 2, files: {}, events: [] });
    assert.strictEqual(r.status, 2);
    assert.match(r.stderr, /trace\.json: version: /);
    r = replay('{"version": 1,');
    assert.strictEqual(r.status, 2);
    assert.match(r.stderr, /trace\.json: not valid JSON/);
  });

  it('exits 2 naming the event when an edit does not fit the text', () => {
    const r = replay({
      version: 1,
      files: { 'a.ts': 'abc' },
      events: [
        { type: 'clipboard', text: '' },
        { type: 'edit', file: 'a.ts', changes: [{ offset: 2, length: 5, text: '' }] },
      ],
    });
    assert.strictEqual(r.status, 2);
    assert.match(r.stderr, /trace\.json: events\[1\]: edit of a\.ts, change 0: .*past the end/);
  });

  it('exits 2 for a missing trace file or a missing argument', () => {
    let r = spawnSync(process.execPath, [CLI, 'replay', 'nope.json'], { cwd: dir, encoding: 'utf8' });
    assert.strictEqual(r.status, 2);
    assert.match(r.stderr, /cannot read nope\.json/);
    r = spawnSync(process.execPath, [CLI, 'replay'], { cwd: dir, encoding: 'utf8' });
    assert.strictEqual(r.status, 2);
    assert.match(r.stderr, /expected exactly one TRACE\.json/);
  });
});
