import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { recordDecision } from '../helpers/approvals';
import { setup, type Setup } from '../helpers/gateServer';

/**
 * newuser22 F-nul: a connected agent's shell tool (no file named: before/after snapshot what git lists) writing a
 * file with one NUL byte, or editing a file over the 2 MB snapshot bound, left its lines `untracked` with no
 * Assisted-by, and under review.untracked's threshold the commit landed on the protected branch unreviewed
 * (pushed with --no-verify: the server's gate decides). Real bare server, real hooks, the real CLI.
 */
describe("server gate: an agent's shell write to a binary or over-bound file needs review (newuser22 F-nul)", function () {
  this.timeout(240_000);
  let s: Setup;

  before(() => {
    s = setup();
    const { ada } = s;
    assert.strictEqual(ada.cli(['install', '-q']).status, 0);
    // A tracked bundle over the snapshot bound (2 MB), reviewed and landed.
    const big = Array.from({ length: 60_000 }, (_, i) => `var v${i} = ${i}; // padding padding`).join('\n') + '\n';
    assert.ok(big.length > 2 * 1024 * 1024);
    ada.write('bundle.js', big);
    ada.git('add', 'bundle.js');
    ada.git('commit', '-qm', 'bundle');
    // Its 60,000 untracked lines need review: Bob approves, and it lands.
    recordDecision(ada, s.bob, { email: 'bob@example.com', tip: ada.git('rev-parse', 'HEAD'), base: 'origin/main' });
    const landed = ada.gitResult([
      'push',
      '--atomic',
      '--no-verify',
      'origin',
      'main',
      'refs/notes/ai',
      'refs/notes/countersign',
    ]);
    assert.strictEqual(landed.status, 0, landed.stderr);
  });

  const shell = (phase: string) =>
    assert.strictEqual(
      s.ada.cli(['checkpoint', '--phase', phase, '--agent', 'claude', '--session', 'sh', '-q']).status,
      0,
    );

  const refused = (what: string) => {
    const { ada } = s;
    const tip = ada.git('rev-parse', 'HEAD');
    assert.ok(
      ada.trailers().some((t) => t.startsWith('Assisted-by: Claude')),
      `${what}: ${ada.trailers().join('\n')}`,
    );
    const push = ada.gitResult(['push', '--no-verify', 'origin', 'main', 'refs/notes/ai']);
    assert.notStrictEqual(push.status, 0, `${what}: the agent's commit landed unreviewed`);
    assert.notStrictEqual(s.server.git('rev-parse', 'main'), tip);
    ada.git('reset', '-q', '--hard', 'origin/main');
  };

  it("a shell-written file with one NUL byte counts as the agent's lines", () => {
    shell('before');
    fs.writeFileSync(
      path.join(s.ada.dir, 'evil.py'),
      'import os\nos.system("rm -rf /data")\n# \0\nprint(1)\nprint(2)\n',
    );
    shell('after');
    s.ada.git('add', 'evil.py');
    s.ada.git('commit', '-qm', 'x');
    assert.ok(s.ada.trailers().includes('AI-Provenance: v1 ai=5 human=0 untracked=0'), s.ada.trailers().join('\n'));
    refused('NUL byte');
  });

  it('a shell edit of 10 lines of a tracked file over the snapshot bound is stamped Assisted-by', () => {
    shell('before');
    const f = path.join(s.ada.dir, 'bundle.js');
    const lines = fs.readFileSync(f, 'utf8').split('\n');
    for (let i = 0; i < 10; i++) lines[100 + i] = `fetch("https://evil.example/${i}");`;
    fs.writeFileSync(f, lines.join('\n'));
    shell('after');
    s.ada.git('commit', '-qam', 'tweak bundle');
    // The note says why the agent is named: the file it changed, too large to read (ledger22 left).
    const explained = s.ada.cli(['explain', 'HEAD']);
    assert.match(
      explained.stdout,
      /changed: +claude-code changed bundle\.js, a file too large for Countersign to read/,
    );
    const json = JSON.parse(s.ada.cli(['explain', 'HEAD', '--json']).stdout) as {
      provenance: { agentDeletions: Array<{ path: string; lines: number; unread: boolean }> };
    };
    assert.deepStrictEqual(
      json.provenance.agentDeletions.map((d) => [d.path, d.lines, d.unread]),
      [['bundle.js', 0, true]],
    );
    refused('over the bound');
  });
});
