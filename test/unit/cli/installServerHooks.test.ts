import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { TempRepo } from '../helpers/tempRepo';

/**
 * newuser15 #12: `install --server` also writes hooks/reference-transaction (the concurrent-push check), but its
 * output named only pre-receive — an administrator with a reference-transaction hook of their own, or auditing
 * hooks, was not told. Real bare repository, the built CLI.
 */
describe('install --server names both hooks it writes, and a chained reference-transaction hook', function () {
  this.timeout(60_000);

  it('says it wrote reference-transaction and why; with an earlier one, that it runs first; --json too', () => {
    const server = TempRepo.create({ bare: true });
    const plain = server.cli(['install', '--server']);
    assert.strictEqual(plain.status, 0, plain.stderr);
    const hook = path.join(server.dir, 'hooks', 'reference-transaction');
    assert.ok(plain.stdout.includes(`reference-transaction hook: ${hook} — `), plain.stdout);
    assert.match(plain.stdout, /another push moved refs after the gate judged it/);
    assert.doesNotMatch(plain.stdout, /previous reference-transaction hook/);

    const other = TempRepo.create({ bare: true });
    const theirs = path.join(other.dir, 'hooks', 'reference-transaction');
    fs.writeFileSync(theirs, '#!/bin/sh\n# theirs\ncat >/dev/null\n', { mode: 0o755 });
    const chained = other.cli(['install', '--server']);
    assert.strictEqual(chained.status, 0, chained.stderr);
    assert.ok(
      chained.stdout.includes(`the previous reference-transaction hook runs first: ${theirs}.countersign-chained`),
      chained.stdout,
    );
    const json = JSON.parse(other.cli(['install', '--server', '--json']).stdout) as Record<string, unknown>;
    assert.strictEqual(json.referenceTransactionHook, theirs);
    assert.strictEqual(json.referenceTransactionChained, `${theirs}.countersign-chained`);
  });
});
