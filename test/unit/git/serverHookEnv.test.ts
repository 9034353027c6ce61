import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../helpers/tempDirs';
import { TempRepo } from '../helpers/tempRepo';

/**
 * The server's pre-receive starts Node once per push: without NODE_EXTRA_CA_CERTS, which Node 20 reads whole at
 * start-up (the system CA bundle, where a distribution sets it) for TLS the gate never does (session 14).
 */
describe('server pre-receive: Node starts without NODE_EXTRA_CA_CERTS', function () {
  this.timeout(120_000);

  it('a push to an unprotected server runs the gate without reading the CA file', () => {
    const server = TempRepo.create({ bare: true });
    assert.strictEqual(server.cli(['install', '--server']).status, 0);
    const clone = TempRepo.create();
    clone.write('a.txt', 'one\n');
    clone.git('add', 'a.txt');
    clone.commit('base');
    // A file Node cannot read: a Node that reads it at start-up warns on stderr, which the push relays.
    const certs = path.join(tempDir('cs-certs-'), 'missing-ca.pem');
    const r = spawnSync('git', ['push', '-q', server.dir, 'HEAD:refs/heads/main'], {
      cwd: clone.dir,
      env: { ...clone.env, NODE_EXTRA_CA_CERTS: certs },
      encoding: 'utf8',
    });
    assert.strictEqual(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /extra certs|missing-ca/i, r.stderr);
    assert.ok(fs.existsSync(path.join(server.dir, 'refs', 'heads', 'main')) || server.git('rev-parse', 'main'));
  });
});
