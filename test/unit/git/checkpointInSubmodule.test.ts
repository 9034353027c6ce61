import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { setup, type Setup } from '../helpers/gateServer';
import { TempRepo } from '../helpers/tempRepo';

const GUARDED = 'function handler(req) {\n  checkAccess(req);\n  return serve(req);\n}\n';
const UNGUARDED = GUARDED.replace(
  '  checkAccess(req);\n',
  [...Array(12).keys()].map((i) => `  audit${i}(req);\n`).join(''),
);

/**
 * attack29 F5, third shape: the protected repository is checked out as submodule `lib` of an app; Claude runs in
 * the app (its hooks are the app's) and edits lib/auth.js. The checkpoint recorded the edit in the app's ledger;
 * the submodule's own ledger (.git/modules/lib/countersign) never heard of it, so the commit made in `lib` was
 * `untracked=12` and its push to the protected server was accepted unreviewed. Real bare server, real hooks.
 */
describe("checkpoint: an agent's edit inside a submodule is recorded in the submodule's ledger (attack29 F5)", function () {
  this.timeout(240_000);
  let s: Setup;
  let app: TempRepo;
  let lib: string;
  let sub: TempRepo;

  beforeEach(() => {
    s = setup();
    assert.strictEqual(s.ada.cli(['install', '-q']).status, 0);
    s.ada.write('auth.js', GUARDED);
    s.ada.git('add', 'auth.js');
    s.ada.git('commit', '-qm', 'auth');
    const pushed = s.ada.gitResult(['push', '--no-verify', '-q', 'origin', 'main', 'refs/notes/ai']);
    assert.strictEqual(pushed.status, 0, pushed.stderr);
    app = TempRepo.create();
    app.write('README', 'app\n');
    app.git('add', 'README');
    app.git('commit', '-qm', 'app');
    app.git('-c', 'protocol.file.allow=always', 'submodule', '-q', 'add', s.server.dir, 'lib');
    app.git('commit', '-qm', 'add lib');
    lib = path.join(app.dir, 'lib');
    sub = TempRepo.at(lib);
    for (const r of [app, sub]) {
      const installed = r.cli(['install', '-q']);
      assert.strictEqual(installed.status, 0, installed.stdout + installed.stderr);
    }
  });

  const run = (repo: TempRepo, args: string[], input = '') => {
    const r = repo.cli(args, { input });
    assert.strictEqual(r.status, 0, r.stderr);
    return r;
  };

  /** Claude's tool call started in the app (its hooks are the app's), through the real hook payloads. */
  const agentCall = (tool: { name: string; input: object; id: string }, write: () => void) => {
    const payload = (event: string) =>
      JSON.stringify({
        hook_event_name: event,
        session_id: 'sub',
        tool_use_id: tool.id,
        cwd: app.dir,
        tool_name: tool.name,
        tool_input: tool.input,
      });
    run(app, ['checkpoint', '--from', 'claude'], payload('PreToolUse'));
    write();
    run(app, ['checkpoint', '--from', 'claude'], payload('PostToolUse'));
  };
  /** Claude's Edit of `file`. */
  const agentEdit = (file: string, write: () => void, id = 'toolu_sub') =>
    agentCall({ name: 'Edit', input: { file_path: file }, id }, write);
  /** Claude's Bash call (a shell tool names no files: `sed -i` on lib/auth.js, run in the app). */
  const agentShell = (write: () => void, id = 'toolu_sh') =>
    agentCall({ name: 'Bash', input: { command: "sed -i 's/checkAccess/audit/' lib/auth.js" }, id }, write);

  it('the commit in the submodule is the agent’s, and the protected server refuses it unreviewed', () => {
    agentEdit(path.join(lib, 'auth.js'), () => fs.writeFileSync(path.join(lib, 'auth.js'), UNGUARDED));
    const status = run(sub, ['status', '--json']).stdout;
    const counts = (JSON.parse(status) as { files: Record<string, { ai: number; untracked: number }> }).files;
    assert.deepStrictEqual(
      { ai: counts['auth.js'].ai, untracked: counts['auth.js'].untracked },
      { ai: 12, untracked: 3 }, // status counts the file's 3 committed lines too
    );
    sub.git('checkout', '-q', '-B', 'main');
    sub.git('commit', '-qam', 'refactor handler');
    const message = sub.git('log', '-1', '--format=%B');
    assert.match(message, /AI-Provenance: v1 ai=12 human=0 untracked=0/);
    assert.match(message, /Assisted-by: Claude/);
    const push = sub.gitResult(['push', '--no-verify', 'origin', 'main', 'refs/notes/ai']);
    assert.notStrictEqual(push.status, 0, 'the agent removed the access check in the submodule; main accepted it');
    assert.match(push.stderr, /AI-attributed: 12 of 12/);
  });

  const pushRefused = () => {
    sub.git('checkout', '-q', '-B', 'main');
    sub.git('commit', '-qam', 'refactor handler');
    assert.match(sub.git('log', '-1', '--format=%B'), /Assisted-by: Claude/);
    const push = sub.gitResult(['push', '--no-verify', 'origin', 'main', 'refs/notes/ai']);
    assert.notStrictEqual(push.status, 0, 'the agent removed the access check in the submodule; main accepted it');
    assert.match(push.stderr, /AI-attributed: 12 of 1[24]/);
  };

  it('a shell tool run in the app that edits a file of a clean submodule: the submodule commit is the agent’s', () => {
    agentShell(() => fs.writeFileSync(path.join(lib, 'auth.js'), UNGUARDED));
    pushRefused();
  });

  it('the same when the submodule already had a person’s change before the call, which stays theirs', () => {
    fs.writeFileSync(path.join(lib, 'notes.txt'), 'a person wrote this\nand this\n');
    sub.git('add', 'notes.txt');
    agentShell(() => fs.writeFileSync(path.join(lib, 'auth.js'), UNGUARDED));
    const counts = (JSON.parse(run(sub, ['status', '--json']).stdout) as { files: Record<string, { ai: number }> })
      .files;
    assert.strictEqual(counts['notes.txt']?.ai ?? 0, 0, 'the agent was credited with what was there before its call');
    pushRefused();
  });

  it("the app's own files stay the app's: one call naming both is split between the two ledgers", () => {
    // One call naming files of both repositories (Codex's apply_patch does; by hand here).
    run(app, ['checkpoint', '--phase', 'before', '--agent', 'codex', 'README', 'lib/auth.js']);
    fs.writeFileSync(path.join(app.dir, 'README'), 'app\nmore\n');
    fs.writeFileSync(path.join(lib, 'auth.js'), UNGUARDED);
    run(app, ['checkpoint', '--phase', 'after', '--agent', 'codex', 'README', 'lib/auth.js']);
    const appStatus = JSON.parse(run(app, ['status', '--json']).stdout) as {
      files: Record<string, { ai: number }>;
    };
    assert.strictEqual(appStatus.files['README'].ai, 1);
    assert.ok(!('lib/auth.js' in appStatus.files), 'the app does not keep the submodule file');
    const libStatus = JSON.parse(run(sub, ['status', '--json']).stdout) as { files: Record<string, { ai: number }> };
    assert.strictEqual(libStatus.files['auth.js'].ai, 12);
  });

  it('a folder claiming to be a repository whose git dir lies outside the app gets nothing written there', () => {
    const outside = TempRepo.create();
    outside.git('commit', '-q', '--allow-empty', '-m', 'o');
    fs.mkdirSync(path.join(app.dir, 'evil'));
    fs.writeFileSync(path.join(app.dir, 'evil/.git'), `gitdir: ${path.join(outside.dir, '.git')}\n`);
    agentEdit(path.join(app.dir, 'evil/x.js'), () => fs.writeFileSync(path.join(app.dir, 'evil/x.js'), 'x\n'));
    assert.ok(!fs.existsSync(path.join(outside.dir, '.git/countersign')), 'wrote into a repository outside the app');
  });

  it('a submodule folder replaced by a link out of the app: nothing is recorded for it anywhere', () => {
    const elsewhere = TempRepo.create();
    elsewhere.write('auth.js', GUARDED);
    elsewhere.git('add', 'auth.js');
    elsewhere.git('commit', '-qm', 'e');
    fs.rmSync(lib, { recursive: true, force: true });
    fs.symlinkSync(elsewhere.dir, lib);
    agentEdit(path.join(lib, 'auth.js'), () => fs.writeFileSync(path.join(lib, 'auth.js'), UNGUARDED));
    assert.ok(!fs.existsSync(path.join(elsewhere.dir, '.git/countersign')), 'wrote into the linked repository');
  });

  it('a payload naming 10,000 files across the app and its submodule stays bounded', () => {
    const files = [...Array(10_000).keys()].map((i) => (i % 2 ? `lib/gen/f${i}.js` : `gen/f${i}.js`));
    const started = Date.now();
    run(app, ['checkpoint', '--phase', 'before', '--agent', 'codex', ...files]);
    run(app, ['checkpoint', '--phase', 'after', '--agent', 'codex', ...files]);
    const took = Date.now() - started;
    assert.ok(took < 20_000, `took ${took} ms`);
  });
});
