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

  it('uninstall --server names everything it removed, in text and --json (newuser17 F8)', () => {
    const server = TempRepo.create({ bare: true });
    server.git('symbolic-ref', 'HEAD', 'refs/heads/main');
    const chained = path.join(server.dir, 'hooks', 'pre-receive');
    fs.writeFileSync(chained, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    assert.strictEqual(server.cli(['install', '--server', '--policy-branch', 'main']).status, 0);
    fs.writeFileSync(path.join(server.dir, 'countersign', 'last-policy.json'), '{}');
    const r = server.cli(['uninstall', '--server']);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /hooks\/pre-receive \(the hook it chained is back in its place\)/);
    assert.match(r.stdout, /hooks\/reference-transaction\n/);
    assert.match(r.stdout, /countersign\/bin \(the CLI copy/);
    assert.match(r.stdout, /countersign\/last-policy\.json/);
    assert.match(r.stdout, /config countersign\.policyBranch \(was main\)/);
    assert.strictEqual(fs.readFileSync(chained, 'utf8'), '#!/bin/sh\nexit 0\n');

    assert.strictEqual(server.cli(['install', '--server', '--policy-branch', 'main']).status, 0);
    const json = server.cli(['uninstall', '--server', '--json']);
    const doc = JSON.parse(json.stdout) as { removed: boolean; removedItems: string[] };
    assert.strictEqual(doc.removed, true);
    assert.ok(
      doc.removedItems.some((i) => i.startsWith('hooks/reference-transaction')),
      json.stdout,
    );
    const again = JSON.parse(server.cli(['uninstall', '--server', '--json']).stdout) as typeof doc;
    assert.deepStrictEqual([again.removed, again.removedItems], [false, []]);
  });
});
