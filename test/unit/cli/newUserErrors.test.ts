import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cloneAs } from '../helpers/approvals';
import { setup } from '../helpers/gateServer';
import { CLI, isolatedEnv, SYNC_TIMEOUT_MS } from '../helpers/tempRepo';

type Json = Record<string, unknown>;

/** The one JSON document on stdout, or a failure that shows what was printed instead. */
function parse(args: string[], r: { stdout: string; stderr: string }): Json {
  try {
    return JSON.parse(r.stdout) as Json;
  } catch {
    return assert.fail(
      `${args.join(' ')} printed no JSON on stdout (stdout: ${JSON.stringify(r.stdout.slice(0, 200))}, stderr: ${r.stderr.slice(0, 300)})`,
    );
  }
}

/**
 * Issue 17, tried again as a new user: errors a script or a person meets first. With --json every exit-2 error is
 * one JSON object on stdout; outside a repository every command says so in one sentence; a mistyped agent, option
 * or subcommand names the one meant. One server, one clone, one reviewer's clone, one folder that is no repository.
 */
describe('CLI errors a new user meets: --json, outside a repository, did you mean', function () {
  this.timeout(180_000);

  it('--json / --format json: an exit-2 error is one JSON object on stdout ({"ok": false, "error", "errors", "exitCode": 2}; verify keeps its own fields)', () => {
    const { server, ada, bob } = setup();
    ada.git('remote', 'set-head', 'origin', 'main');
    for (const args of [
      ['verify', '--branch', 'typo', '--json'],
      ['verify', '--format', 'json', '--remote', 'nope', '--branch', 'main'],
    ]) {
      const r = ada.cli(args);
      assert.strictEqual(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      const doc = parse(args, r);
      for (const k of ['ok', 'branch', 'protected', 'commits', 'errors'])
        assert.ok(k in doc, `${args.join(' ')}: ${k} in ${r.stdout}`);
      assert.strictEqual(doc.ok, false);
      assert.strictEqual(doc.exitCode, 2);
      assert.deepStrictEqual(doc.commits, []);
      assert.strictEqual((doc.errors as string[]).length, 1);
      assert.ok(r.stderr.includes((doc.errors as string[])[0]), 'the sentence on stderr is the one in the JSON');
    }
    assert.match(
      (parse([], ada.cli(['verify', '--branch', 'typo', '--json'])).errors as string[])[0],
      /--branch 'typo' is not a branch on origin/,
    );
    const typo = (parse([], ada.cli(['verify', '--json', '--remote', 'orign'])).errors as string[])[0];
    assert.match(typo, /no remote named 'orign' here \(remotes: origin\)\. Did you mean 'origin'\?/);
    assert.doesNotMatch(typo, /git remote add orign/, 'a typo is not a remote to add');
    const bogus = parse([], ada.cli(['approve', '--bogus', '--json']));
    assert.match(
      bogus.error as string,
      /^countersign approve: unknown option '--bogus'\. Run `countersign approve --help` for usage\.$/,
    );
    assert.ok(!(bogus.error as string).includes('\n'), 'the JSON error is one line');

    // approve of one's own commit: the preflight refuses (exit 2), in JSON when asked.
    const bobs = cloneAs(server.dir, 'Bob Reviewer', 'bob@example.com', bob.privateKeyFile);
    bobs.git('checkout', '-q', '-b', 'own');
    bobs.write('own.txt', 'mine\n');
    bobs.git('add', 'own.txt');
    bobs.git('commit', '-q', '--no-verify', '--author', 'Bob Reviewer <bob@example.com>', '-m', "Bob's own change");
    const own = bobs.cli(['approve', 'HEAD', '--json']);
    assert.strictEqual(own.status, 2, own.stderr);
    const ownDoc = parse(['approve'], own);
    assert.deepStrictEqual(Object.keys(ownDoc).sort(), ['error', 'errors', 'exitCode', 'ok']);
    assert.strictEqual(ownDoc.ok, false);
    assert.match(ownDoc.error as string, /^countersign approve: .*two-person rule/);

    // Usage errors before any git work, and an unknown command, answer in JSON too; without --json, stdout stays empty.
    for (const args of [
      ['status', '--json', '--bogus'],
      ['report', '--format', 'json', '--by', 'agnet'],
      ['verfy', '--json'],
    ]) {
      const r = ada.cli(args);
      assert.strictEqual(r.status, 2, args.join(' '));
      assert.strictEqual(parse(args, r).exitCode, 2);
    }
    const plain = ada.cli(['verify', '--branch', 'typo']);
    assert.strictEqual(plain.status, 2);
    assert.strictEqual(plain.stdout, '');
  });

  it('outside a repository: every command says so in one sentence naming the folder and the fix (exit 2, no git stderr)', () => {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cs-norepo-')));
    const env = isolatedEnv({ GIT_CEILING_DIRECTORIES: path.dirname(dir) });
    const run = (args: string[]) => {
      const r = spawnSync(process.execPath, [CLI, ...args], {
        cwd: dir,
        env,
        encoding: 'utf8',
        input: '',
        timeout: SYNC_TIMEOUT_MS,
      });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const commands = [
      ['verify'],
      ['verify', '--branch', 'main'],
      ['approve'],
      ['approve', 'HEAD'],
      ['reject', '--comment', 'no'],
      ['explain', 'HEAD'],
      ['blame', 'a.txt'],
      ['report'],
      ['status'],
      ['doctor'],
      ['install'],
      ['install', '--server'],
      ['uninstall'],
      ['init', '--yes'],
      ['policy', 'init'],
      ['policy', 'check'],
      ['agents', 'connect', 'claude'],
      ['agents', 'disconnect'],
      ['export', '--format', 'agent-trace'],
      ['import'],
      ['checkpoint', '--phase', 'before', '--agent', 'claude-code', 'a.txt'],
    ];
    for (const args of commands) {
      const r = run(args);
      assert.strictEqual(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.strictEqual(
        r.stderr,
        `countersign ${args[0]}: ${dir} is not inside a git repository (run \`git init\` or cd into one)\n`,
        args.join(' '),
      );
    }
    const json = run(['verify', '--json']);
    assert.strictEqual(json.status, 2);
    assert.match((parse(['verify'], json).errors as string[])[0], /is not inside a git repository/);
  });

  it('did you mean: a mistyped agent (by its hook name or its canonical name), subcommand, format or hook', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-dym-'));
    const run = (args: string[]) =>
      spawnSync(process.execPath, [CLI, ...args], {
        cwd: dir,
        env: isolatedEnv(),
        encoding: 'utf8',
        input: '',
        timeout: SYNC_TIMEOUT_MS,
      });
    const cases: Array<[string[], RegExp]> = [
      [
        ['agents', 'connect', 'claud'],
        /unknown agent 'claud' \(expected claude, .*\)\. Did you mean 'claude' \(Claude Code, recorded as claude-code\)\?/,
      ],
      [['agents', 'connect', 'claude-code'], /Did you mean 'claude' \(Claude Code/],
      [['agents', 'disconnect', 'gemini-cl'], /Did you mean 'gemini' \(Gemini CLI, recorded as gemini-cli\)\?/],
      [['init', '--agents', 'codx'], /Did you mean 'codex'/],
      [['agents', 'conect'], /unknown subcommand 'conect'\. Did you mean 'connect'\?/],
      [['policy', 'chek'], /Did you mean 'check'\?/],
      [['report', '--by', 'agnet'], /Did you mean 'agent'\?/],
      [['verify', '--format', 'gihub'], /Did you mean 'github'\?/],
      [['completion', 'bsh'], /Did you mean 'bash'\?/],
      [['hook', 'pre-psuh'], /Did you mean 'pre-push'\?/],
    ];
    for (const [args, re] of cases) {
      const r = run(args);
      assert.strictEqual(r.status, 2, args.join(' '));
      assert.match(r.stderr, re, args.join(' '));
    }
    // In an agent's hook a bad --from never fails the agent (exit 0), but it still names the one meant.
    const from = run(['checkpoint', '--from', 'cluade']);
    assert.strictEqual(from.status, 0);
    assert.match(from.stderr, /Did you mean 'claude'/);
  });
});
