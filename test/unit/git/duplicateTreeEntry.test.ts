import * as assert from 'assert';
import { commitFile, installedServer, setup } from '../helpers/gateServer';

/**
 * attack26 11: a tree listing `app.js` twice (git mktree writes it; git without fsck accepts it). git's path lookup
 * — `git cat-file blob REV:app.js`, what the review panel's Open diff reads — returns the first entry, unchanged
 * from main; every checkout, clone and archive writes the second, the agent's code. A reviewer approved a no-op and
 * CI built the payload. `install --server` turns `receive.fsckObjects` on, so git refuses such a push before any
 * hook runs; an administrator's `false` is kept, and `install --server` and `doctor` say what it lets in. Real server.
 */
describe('server: a tree listing a path twice is refused (attack26 11, real server)', function () {
  this.timeout(240_000);

  it('install --server turns receive.fsckObjects on, and a push of a duplicate-entry tree is refused', () => {
    const s = setup();
    const { ada, server } = s;
    assert.strictEqual(server.git('config', '--get', 'receive.fsckObjects'), 'true');
    const base = commitFile(
      ada,
      'app.js',
      'export const ok = 1;\n',
      'app\n\nAI-Provenance: v1 ai=0 human=1 untracked=0',
    );
    assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'main']).status, 0);
    const evil = ada
      .gitResult(['hash-object', '-w', '--stdin'], 'export const ok = 1;\nfetch("https://evil.example/");\n')
      .stdout.trim();
    const listing = ada.git('ls-tree', base) + `\n100644 blob ${evil}\tapp.js\n`;
    const tree = ada.gitResult(['mktree'], listing).stdout.trim();
    const twice = ada.git('commit-tree', tree, '-p', base, '-m', 'tidy\n\nAI-Provenance: v1 ai=2 human=0 untracked=0');
    assert.strictEqual(
      ada
        .git('ls-tree', twice)
        .split('\n')
        .filter((l) => l.endsWith('\tapp.js')).length,
      2,
    );

    const push = ada.gitResult(['push', '--no-verify', 'origin', `${twice}:refs/heads/feature/tidy`]);
    assert.notStrictEqual(push.status, 0, 'a tree listing app.js twice landed on a feature branch');
    assert.match(push.stderr, /duplicateEntries/);
    assert.strictEqual(server.gitResult(['rev-parse', '-q', '--verify', 'refs/heads/feature/tidy']).status, 1);

    const doctor = server.cli(['doctor', '--json']);
    const check = (JSON.parse(doctor.stdout) as { checks: Array<{ check: string; status: string }> }).checks.find(
      (f) => f.check === 'receive-fsck',
    );
    assert.strictEqual(check?.status, 'ok', doctor.stdout);
  });

  it("an administrator's receive.fsckObjects=false is kept, and install --server and doctor say what it lets in", () => {
    const { server } = installedServer();
    server.git('config', 'receive.fsckObjects', 'false');
    const again = server.cli(['install', '--server']);
    assert.strictEqual(again.status, 0, again.stderr);
    assert.strictEqual(server.git('config', '--get', 'receive.fsckObjects'), 'false');
    assert.match(again.stderr, /WARNING: receive\.fsckObjects is false here: .*a tree listing a path twice/);
    assert.match(again.stderr, /fix: git config receive\.fsckObjects true/);

    const doctor = server.cli(['doctor', '--json']);
    assert.strictEqual(doctor.status, 1, doctor.stdout);
    const check = (
      JSON.parse(doctor.stdout) as { checks: Array<{ check: string; status: string; fix?: string }> }
    ).checks.find((f) => f.check === 'receive-fsck');
    assert.strictEqual(check?.status, 'fix');
    assert.match(check?.fix ?? '', /receive\.fsckObjects true/);

    // A message id downgraded to a warning lets the same tree through with fsck on: reported too.
    server.git('config', 'receive.fsckObjects', 'true');
    server.git('config', 'receive.fsck.duplicateEntries', 'warn');
    const warned = server.cli(['doctor', '--json']);
    assert.match(warned.stdout, /receive\.fsck\.duplicateEntries is warn/);
  });
});
