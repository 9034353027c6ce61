import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TempRepo } from '../helpers/tempRepo';
import { commitFile, pushMain, setup } from '../helpers/gateServer';
import { attach, sign, statementFor } from '../helpers/approvals';

/**
 * The server-side gate end to end: a real bare repository with `countersign install --server`, real pushes
 * from a clone, approvals signed with real ssh-keygen keys.
 */
describe('server-side gate (pre-receive in a real bare repository)', function () {
  this.timeout(60_000);

  it('blocks an unattested commit, then accepts it once a listed reviewer approves with a real SSH signature', () => {
    const { ada, bob, server } = setup();
    const base = ada.git('rev-parse', 'origin/main');
    const sha = commitFile(ada, 'src/app.ts', 'export const x = 1;\n', 'Add app');
    const blocked = pushMain(ada);
    assert.notStrictEqual(blocked.status, 0, 'push must be rejected');
    assert.match(blocked.stderr, /countersign \(pre-receive\): BLOCKED/);
    assert.match(blocked.stderr, new RegExp(sha.slice(0, 12)));
    assert.match(blocked.stderr, /unattested/);
    assert.match(blocked.stderr, /Bob Reviewer <bob@example\.com>/);
    assert.match(blocked.stderr, new RegExp(`countersign approve ${sha} --base ${base}`));
    assert.strictEqual(server.git('rev-parse', 'main'), base, 'the server branch did not move');

    attach(
      ada.dir,
      sign(bob, statementFor(ada.dir, { email: 'bob@example.com', name: 'Bob Reviewer', tip: sha, base })),
      sha,
      ada.env,
    );
    // The approval travels in the same push as the branch: the hook reads it from the quarantined objects.
    const ok = ada.gitResult(['push', '--atomic', 'origin', 'main', 'refs/notes/countersign']);
    assert.strictEqual(ok.status, 0, ok.stderr);
    assert.strictEqual(server.git('rev-parse', 'main'), sha);
  });

  it('accepts an approval pushed ahead of the branch', () => {
    const { ada, bob } = setup();
    const base = ada.git('rev-parse', 'origin/main');
    const sha = commitFile(ada, 'a.txt', 'a\n', 'A');
    attach(ada.dir, sign(bob, statementFor(ada.dir, { email: 'bob@example.com', tip: sha, base })), sha, ada.env);
    assert.strictEqual(ada.gitResult(['push', 'origin', 'refs/notes/countersign']).status, 0);
    const r = pushMain(ada);
    assert.strictEqual(r.status, 0, r.stderr);
  });

  it('lets attested human-only commits and unprotected branches through', () => {
    const { ada } = setup();
    commitFile(ada, 'b.txt', 'b\n', 'Human change\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    assert.strictEqual(pushMain(ada).status, 0);
    ada.git('checkout', '-q', '-b', 'feature');
    commitFile(ada, 'c.txt', 'c\n', 'unattested on a feature branch');
    const r = ada.gitResult(['push', 'origin', 'feature']);
    assert.strictEqual(r.status, 0, r.stderr);
  });

  it('chains a pre-receive hook that was there before', () => {
    const server = TempRepo.create({ bare: true });
    const marker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cs-chain-')), 'ran');
    fs.writeFileSync(path.join(server.dir, 'hooks', 'pre-receive'), `#!/bin/sh\ncat > ${JSON.stringify(marker)}\n`, {
      mode: 0o755,
    });
    assert.strictEqual(server.cli(['install', '--server']).status, 0);
    const ada = TempRepo.create();
    ada.git('remote', 'add', 'origin', server.dir);
    commitFile(ada, 'x', 'x\n', 'x');
    assert.strictEqual(pushMain(ada).status, 0);
    assert.match(fs.readFileSync(marker, 'utf8'), /refs\/heads\/main/);
  });

  // hookprocs19: the gate reads the ref updates from the hook's own stdin unless a chained hook reads them first;
  // then from the copy it made. An empty stdin would leave the gate nothing to judge, and every push would pass.
  it('judges the ref updates a chained pre-receive hook read first, and without one', () => {
    const { ada, server } = setup();
    const base = ada.git('rev-parse', 'origin/main');
    const sha = commitFile(ada, 'src/app.ts', 'export const x = 1;\n', 'Add app');
    const alone = pushMain(ada);
    assert.match(alone.stderr, new RegExp(`BLOCKED[^]*${sha.slice(0, 12)}`));
    const marker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cs-chain-')), 'ran');
    fs.writeFileSync(
      path.join(server.dir, 'hooks', 'pre-receive.countersign-chained'),
      `#!/bin/sh\ncat > ${JSON.stringify(marker)}\n`,
      { mode: 0o755 },
    );
    const chained = pushMain(ada);
    assert.match(fs.readFileSync(marker, 'utf8'), new RegExp(`${base} ${sha} refs/heads/main`));
    assert.notStrictEqual(chained.status, 0, 'the push must be rejected');
    assert.match(chained.stderr, new RegExp(`BLOCKED[^]*${sha.slice(0, 12)}`));
    assert.strictEqual(server.git('rev-parse', 'main'), base, 'the server branch did not move');
  });

  it('refuses install --server in a working repository', () => {
    const r = TempRepo.create().cli(['install', '--server']);
    assert.strictEqual(r.status, 2);
    assert.match(r.stderr, /bare repository/);
  });
});
