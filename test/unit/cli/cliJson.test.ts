import * as assert from 'assert';
import { commitFile, setup } from '../helpers/gateServer';
import { cloneAs } from '../helpers/approvals';
import { TempRepo } from '../helpers/tempRepo';

type Json = Record<string, unknown>;

/** Runs a command that prints JSON, checks its exit code, parses stdout (the whole of it) and returns it. */
function json(repo: TempRepo, args: string[], status: number | 'any' = 0): Json {
  const r = repo.cli(args);
  if (status !== 'any') assert.strictEqual(r.status, status, `${args.join(' ')}: ${r.stderr}`);
  try {
    return JSON.parse(r.stdout) as Json;
  } catch (e) {
    assert.fail(`${args.join(' ')} printed no JSON (${(e as Error).message}): ${r.stdout.slice(0, 300)}`);
  }
}

function keys(v: unknown): string[] {
  return Object.keys(v as Json).sort();
}

/**
 * Issue 17 item 7, the --json audit: every command a script reads prints one JSON document with --json (verify
 * also with --format json, export one record per line), with the fields docs/design.md names. One server, one
 * clone and one reviewer for all of it.
 */
describe('CLI: --json on every command a script reads', function () {
  this.timeout(240_000);

  it("status, verify, report, blame, explain, replay, doctor, policy, approve, agents, import/export, install/uninstall/init: parseable, with the contract's fields", () => {
    const { server, ada, bob } = setup();
    ada.git('remote', 'set-head', 'origin', 'main');
    assert.strictEqual(ada.cli(['install', '-q']).status, 0);
    ada.git('checkout', '-q', '-b', 'feature');
    const sha = commitFile(
      ada,
      'src/rate.ts',
      'export const rate = 2;\nexport const cap = 9;\n',
      'Add rate\n\nAssisted-by: Claude:claude-sonnet-4-5 claude-code\nAI-Provenance: v1 ai=2 human=0 untracked=0',
    );
    ada.git('push', '-q', '-u', 'origin', 'feature');
    ada.write('src/rate.ts', 'export const rate = 3;\nexport const cap = 9;\n');

    const status = json(ada, ['status', '--json']);
    assert.deepStrictEqual(keys(status), ['files']);
    assert.deepStrictEqual(keys((status.files as Json)['src/rate.ts']), ['agents', 'ai', 'human', 'untracked']);

    // Judged as it would land on main (without --branch, verify judges the upstream, origin/feature: unprotected).
    assert.strictEqual(json(ada, ['verify', '--json']).protected, false, 'the default is the upstream');
    const verify = json(ada, ['verify', '--branch', 'main', '--json'], 1);
    assert.deepStrictEqual(
      json(ada, ['verify', '--branch', 'main', '--format', 'json'], 1),
      verify,
      '--json is --format json',
    );
    for (const k of ['ok', 'branch', 'protected', 'commits', 'errors']) assert.ok(k in verify, `verify: ${k}`);
    const commit = (verify.commits as Json[]).find((c) => c.sha === sha) as Json;
    for (const k of ['sha', 'needsReview', 'reasons', 'approvals', 'ok'])
      assert.ok(k in commit, `verify commits[]: ${k}`);
    assert.strictEqual(verify.ok, false);

    const report = json(ada, ['report', '--json']);
    for (const k of ['commits', 'aiAssistedCommits', 'unattestedCommits', 'reviewedCommits', 'aiLines', 'byAgent'])
      assert.ok(k in report, `report: ${k}`);
    assert.deepStrictEqual(
      keys((report.byAgent as Json)['claude-code']).filter((k) => k === 'commits' || k === 'lines'),
      ['commits', 'lines'],
    );

    for (const k of ['file', 'lines', 'commits', 'summary'])
      assert.ok(k in json(ada, ['blame', 'src/rate.ts', '--json']), `blame: ${k}`);
    for (const k of ['commit', 'provenance', 'approvals', 'gate'])
      assert.ok(k in json(ada, ['explain', sha, '--json']), `explain: ${k}`);
    const doctor = json(ada, ['doctor', '--json'], 'any');
    assert.ok(typeof doctor.ok === 'boolean' && Array.isArray(doctor.checks));
    assert.deepStrictEqual(keys(json(ada, ['policy', 'check', '--json'])), [
      'file',
      'notes',
      'ok',
      'problems',
      'warnings',
    ]);
    ada.write(
      'trace.json',
      JSON.stringify({
        version: 1,
        files: { 'a.txt': 'x\n' },
        events: [{ type: 'edit', file: 'a.txt', changes: [{ offset: 2, length: 0, text: 'typed\n' }] }],
      }),
    );
    assert.deepStrictEqual(json(ada, ['replay', 'trace.json', '--json']), {
      files: { 'a.txt': ['untracked', 'human'] },
    });

    // The reviewer's side: approve --json, in Bob's clone.
    const bobs = cloneAs(server.dir, 'Bob Reviewer', 'bob@example.com', bob.privateKeyFile);
    bobs.git('fetch', '-q', 'origin', 'feature');
    const approved = json(bobs, ['approve', 'origin/feature', '--json']);
    assert.strictEqual((approved.statement as Json).tip, sha);
    assert.deepStrictEqual(
      (approved.covers as Json[]).map((c) => c.sha),
      [sha],
    );
    assert.strictEqual(
      json(ada, ['verify', '--branch', 'main', '--json']).ok,
      true,
      'the approval reached the server and verify reads it',
    );

    // Agents, Agent Trace, and the set-up commands.
    const connect = json(ada, ['agents', 'connect', 'claude', '--local', '--json']);
    assert.ok(Array.isArray(connect.files));
    const disconnect = json(ada, ['agents', 'disconnect', 'claude', '--json']);
    assert.deepStrictEqual(keys(disconnect), ['agents', 'files']);
    const exported = ada.cli(['export', '--format', 'agent-trace', 'HEAD']);
    assert.strictEqual(exported.status, 0, exported.stderr);
    for (const line of exported.stdout.split('\n').filter(Boolean))
      assert.ok((JSON.parse(line) as { vcs: { revision: string } }).vcs.revision);
    ada.write('.agent-trace/traces.jsonl', '');
    assert.deepStrictEqual(json(ada, ['import', '--json']), { records: 0, imported: 0, skipped: 0, files: [] });
    assert.ok('wasInstalled' in json(ada, ['uninstall', '--json']));
    assert.ok('hooksDir' in json(ada, ['install', '--json']));
    const fresh = TempRepo.create();
    const init = json(fresh, ['init', '--json', '--agents', 'none', '--ci', 'none']);
    assert.ok(Array.isArray(init.nextSteps));
    assert.ok('file' in json(fresh, ['policy', 'init', '--force', '--json']));
  });
});
