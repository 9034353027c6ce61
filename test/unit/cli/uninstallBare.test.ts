import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { TempRepo } from '../helpers/tempRepo';

/**
 * newuser13 R11: `countersign uninstall` without --server in the server's bare repository said "hooks were not
 * installed here", called the gate's CLI copy and its policy memory "the working ledger" and suggested
 * `rm -r server.git/countersign` — after which the server refused every push. Like `install`, it now refuses
 * there (exit 2) and names `uninstall --server`; nothing is touched. Real bare repository with the real gate.
 */
describe('uninstall in a bare repository (newuser13 R11)', function () {
  this.timeout(120_000);

  it('refuses with exit 2, names uninstall --server, suggests no rm, and leaves the gate as it was', () => {
    const server = TempRepo.create({ bare: true });
    const inst = server.cli(['install', '--server']);
    assert.strictEqual(inst.status, 0, inst.stderr);
    const before = fs.readdirSync(path.join(server.dir, 'countersign')).sort();

    const r = server.cli(['uninstall']);
    assert.strictEqual(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /is a bare repository: use `countersign uninstall --server` there/);
    assert.doesNotMatch(r.stdout + r.stderr, /rm -r|working ledger/);
    assert.ok(fs.existsSync(path.join(server.dir, 'hooks', 'pre-receive')));
    assert.deepStrictEqual(fs.readdirSync(path.join(server.dir, 'countersign')).sort(), before);

    const json = server.cli(['uninstall', '--json']);
    assert.strictEqual(json.status, 2, json.stdout + json.stderr);
  });
});
