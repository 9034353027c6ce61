import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { physicalPath } from '../../../src/git/physicalPath';
import { setup, type Setup } from '../helpers/gateServer';
import { tempDir } from '../helpers/tempDirs';

const GUARDED = 'function handler(req) {\n  checkAccess(req);\n  return serve(req);\n}\n';
const UNGUARDED = GUARDED.replace(
  '  checkAccess(req);\n',
  [...Array(12).keys()].map((i) => `  audit${i}(req);\n`).join(''),
);

/**
 * attack29 F5: an agent's file tool names the path it was given — through a link in the clone (`lib ->
 * packages/core/lib`, `auth2.js -> packages/core/lib/auth.js`) or through a link to the checkout itself (a
 * workspace opened as ~/code/app where ~/code -> /data/code) — while git knows the file by its physical name. The
 * checkpoint related the named path to the toplevel by name, dropped it, and the agent's 12 lines were committed
 * `untracked`, under review.untracked's threshold: main accepted them unreviewed. Real bare server, real hooks.
 */
describe("checkpoint: an agent's edit through a symbolic link is the agent's (attack29 F5)", function () {
  this.timeout(240_000);
  let s: Setup;

  beforeEach(() => {
    s = setup();
    const { ada } = s;
    assert.strictEqual(ada.cli(['install', '-q']).status, 0);
    ada.write('packages/core/lib/auth.js', GUARDED);
    fs.symlinkSync('packages/core/lib', path.join(ada.dir, 'lib'));
    fs.symlinkSync('packages/core/lib/auth.js', path.join(ada.dir, 'auth2.js'));
    ada.git('add', '-A');
    ada.git('commit', '-qm', 'layout');
  });

  /** Claude's Edit of `file` (as the agent names it, from `cwd`), through the real hook payloads. */
  const agentEdit = (cwd: string, file: string, write: () => void) => {
    const payload = (event: string) =>
      JSON.stringify({
        hook_event_name: event,
        session_id: 'links',
        tool_use_id: 'toolu_links',
        cwd,
        tool_name: 'Edit',
        tool_input: { file_path: file, old_string: '', new_string: '' },
      });
    assert.strictEqual(s.ada.cli(['checkpoint', '--from', 'claude'], { input: payload('PreToolUse') }).status, 0);
    write();
    assert.strictEqual(s.ada.cli(['checkpoint', '--from', 'claude'], { input: payload('PostToolUse') }).status, 0);
    s.ada.git('commit', '-qam', 'refactor handler');
  };

  const refusedAsAgentWork = () => {
    assert.ok(s.ada.trailers().includes('AI-Provenance: v1 ai=12 human=0 untracked=0'), s.ada.trailers().join('\n'));
    assert.ok(s.ada.trailers().some((t) => t.startsWith('Assisted-by: Claude')));
    const push = s.ada.gitResult(['push', '--no-verify', 'origin', 'main', 'refs/notes/ai']);
    assert.notStrictEqual(push.status, 0, 'the agent removed the access check and main accepted it unreviewed');
    assert.match(push.stderr, /AI-attributed: 12 of 12/);
  };

  const real = () => path.join(s.ada.dir, 'packages/core/lib/auth.js');

  it('through a folder link in the clone', () => {
    agentEdit(s.ada.dir, path.join(s.ada.dir, 'lib/auth.js'), () => fs.writeFileSync(real(), UNGUARDED));
    refusedAsAgentWork();
  });

  it('through a file link in the clone, named relative to cwd', () => {
    agentEdit(s.ada.dir, 'auth2.js', () => fs.writeFileSync(real(), UNGUARDED));
    refusedAsAgentWork();
  });

  it('in a checkout reached through a link (the workspace opened by its linked path)', () => {
    const linked = path.join(tempDir('linked-checkout'), 'code');
    fs.symlinkSync(path.dirname(s.ada.dir), linked);
    const logical = path.join(linked, path.basename(s.ada.dir));
    agentEdit(logical, path.join(logical, 'packages/core/lib/auth.js'), () => fs.writeFileSync(real(), UNGUARDED));
    refusedAsAgentWork();
  });

  it('never reads a file a link leads to outside the clone', () => {
    const outside = tempDir('outside');
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'TOP-SECRET-OUTSIDE\n');
    fs.symlinkSync(outside, path.join(s.ada.dir, 'vendor'));
    const named = path.join(s.ada.dir, 'vendor/secret.txt');
    const payload = JSON.stringify({
      hook_event_name: 'PreToolUse',
      session_id: 'links',
      tool_use_id: 'toolu_out',
      cwd: s.ada.dir,
      tool_name: 'Edit',
      tool_input: { file_path: named },
    });
    assert.strictEqual(s.ada.cli(['checkpoint', '--from', 'claude'], { input: payload }).status, 0);
    const ledger = path.join(s.ada.dir, '.git/countersign/ledger');
    const texts = fs.readdirSync(ledger, { recursive: true, encoding: 'utf8' }).map((f) => {
      const p = path.join(ledger, f);
      return fs.statSync(p).isFile() ? fs.readFileSync(p, 'utf8') : '';
    });
    assert.ok(!texts.some((t) => t.includes('TOP-SECRET-OUTSIDE')));
  });
});

describe('physicalPath', () => {
  it('resolves links like realpath -m: missing tails kept, loops refused', () => {
    const d = fs.realpathSync(tempDir('physical'));
    fs.mkdirSync(path.join(d, 'real/sub'), { recursive: true });
    fs.symlinkSync('real', path.join(d, 'dirlink'));
    fs.symlinkSync(path.join(d, 'real/sub/new.txt'), path.join(d, 'dangling'));
    fs.symlinkSync('loop2', path.join(d, 'loop1'));
    fs.symlinkSync('loop1', path.join(d, 'loop2'));
    assert.strictEqual(physicalPath(path.join(d, 'dirlink/sub/file.txt')), path.join(d, 'real/sub/file.txt'));
    assert.strictEqual(physicalPath(path.join(d, 'dirlink/../dirlink/sub')), path.join(d, 'real/sub'));
    assert.strictEqual(physicalPath(path.join(d, 'dangling')), path.join(d, 'real/sub/new.txt'));
    assert.strictEqual(physicalPath(path.join(d, 'nope/a/b')), path.join(d, 'nope/a/b'));
    assert.strictEqual(physicalPath(path.join(d, 'loop1/x')), undefined);
  });
});
