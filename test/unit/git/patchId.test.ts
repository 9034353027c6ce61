import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { EMPTY_PATCH_ID } from '../../../src/core/approvalStatement';
import { stablePatchId } from '../../../src/git/patchId';
import { patchIdOf } from '../helpers/approvals';
import { TempRepo } from '../helpers/tempRepo';

/** The patch-id binds an approval to a change; these pin what must and must not keep it. */
describe('patchId: stable patch-id of base..tip', function () {
  this.timeout(30_000);
  let repo: TempRepo;
  let base: string;

  beforeEach(() => {
    repo = TempRepo.create();
    repo.write('app.py', 'def f():\n    return 1\n\n\ndef g():\n    return 2\n');
    repo.write('other.txt', 'one\n');
    repo.git('add', '.');
    base = repo.commit('base');
  });

  function pid(b: string, t: string): Promise<string> {
    const prev = process.env;
    // stablePatchId runs git with process.env: point it at the test's isolated HOME.
    process.env = { ...prev, ...repo.env };
    return stablePatchId(repo.dir, b, t).finally(() => {
      process.env = prev;
    });
  }

  it('a rebase onto a moved base keeps the patch-id (line numbers are not hashed)', async () => {
    repo.git('checkout', '-q', '-b', 'feature');
    repo.write('app.py', 'def f():\n    return 1\n\n\ndef g():\n    return 3\n');
    const tip = repo.commit('change g', '-a');
    const before = await pid(base, tip);
    repo.git('checkout', '-q', 'main');
    repo.write('app.py', '# header\n# more\ndef f():\n    return 1\n\n\ndef g():\n    return 2\n');
    repo.write('other.txt', 'two\n');
    const newBase = repo.commit('upstream moves', '-a');
    repo.git('checkout', '-q', 'feature');
    repo.git('rebase', '-q', 'main');
    const rebased = repo.git('rev-parse', 'HEAD');
    assert.notStrictEqual(rebased, tip);
    assert.strictEqual(await pid(newBase, rebased), before);
    assert.match(before, /^[0-9a-f]{40}$/);
  });

  it('an indentation-only difference is a different change (whitespace is meaning in Python)', async () => {
    repo.write('app.py', 'def f():\n    return 1\n\n\ndef g():\n    if x:\n        return 3\n');
    const a = repo.commit('a', '-a');
    repo.git('checkout', '-q', '-b', 'other', base);
    repo.write('app.py', 'def f():\n    return 1\n\n\ndef g():\n    if x:\n      return 3\n');
    const b = repo.commit('b', '-a');
    assert.notStrictEqual(await pid(base, a), await pid(base, b));
  });

  it("does not depend on the user's diff configuration", async () => {
    repo.write('app.py', 'def f():\n    return 10\n\n\ndef g():\n    return 2\nnew\n');
    fs.renameSync(path.join(repo.dir, 'other.txt'), path.join(repo.dir, 'renamed.txt'));
    repo.git('add', '-A');
    const tip = repo.commit('edit and rename');
    const plain = await pid(base, tip);
    for (const [k, v] of [
      ['diff.noprefix', 'true'],
      ['diff.algorithm', 'patience'],
      ['diff.renames', 'copies'],
      ['diff.context', '7'],
      ['diff.mnemonicPrefix', 'true'],
      ['color.diff', 'always'],
      ['diff.external', 'false'],
      ['core.quotePath', 'false'],
    ]) {
      repo.git('config', k, v);
    }
    assert.strictEqual(await pid(base, tip), plain);
  });

  it('two different binary edits of one file have different patch-ids', async () => {
    fs.writeFileSync(path.join(repo.dir, 'logo.bin'), Buffer.from([0, 1, 2, 3]));
    repo.git('add', 'logo.bin');
    const b0 = repo.commit('binary');
    fs.writeFileSync(path.join(repo.dir, 'logo.bin'), Buffer.from([0, 1, 2, 4]));
    const one = repo.commit('one', '-a');
    repo.git('checkout', '-q', '-b', 'x', b0);
    fs.writeFileSync(path.join(repo.dir, 'logo.bin'), Buffer.from([0, 1, 2, 5]));
    const two = repo.commit('two', '-a');
    assert.notStrictEqual(await pid(b0, one), await pid(b0, two));
  });

  it('regression: bytes that are not UTF-8 are hashed as bytes, not as replacement characters', async () => {
    fs.writeFileSync(path.join(repo.dir, 'latin1.txt'), Buffer.from('caf\xe9\n', 'latin1'));
    repo.git('add', 'latin1.txt');
    const one = repo.commit('é');
    repo.git('checkout', '-q', '-b', 'y', base);
    fs.writeFileSync(path.join(repo.dir, 'latin1.txt'), Buffer.from('caf\xe8\n', 'latin1'));
    repo.git('add', 'latin1.txt');
    const two = repo.commit('è');
    assert.notStrictEqual(await pid(base, one), await pid(base, two));
  });

  it('a mode change alone is a change', async () => {
    fs.chmodSync(path.join(repo.dir, 'app.py'), 0o755);
    const tip = repo.commit('chmod', '-a');
    assert.notStrictEqual(await pid(base, tip), EMPTY_PATCH_ID);
  });

  it('an empty change is EMPTY_PATCH_ID; the empty tree works as the base of a root commit', async () => {
    const empty = repo.commit('nothing', '--allow-empty');
    assert.strictEqual(await pid(base, empty), EMPTY_PATCH_ID);
    const emptyTree = repo.git('hash-object', '-t', 'tree', '/dev/null');
    assert.match(await pid(emptyTree, base), /^[0-9a-f]{40}$/);
  });

  it("the tests' patchIdOf is stablePatchId's: a checked-out -diff attribute and bytes not UTF-8 decide neither", async () => {
    repo.write('.gitattributes', 'app.py -diff\n');
    repo.git('add', '.gitattributes');
    const attrs = repo.commit('attributes');
    repo.write('app.py', 'def f():\n    return 1\n\n\ndef g():\n    return 3\n');
    fs.writeFileSync(path.join(repo.dir, 'raw.txt'), Buffer.from([0x61, 0xff, 0x0a]));
    repo.git('add', '.');
    const tip = repo.commit('change g, raw bytes');
    const prev = process.env;
    process.env = { ...prev, ...repo.env };
    try {
      assert.strictEqual(patchIdOf(repo.dir, attrs, tip), await stablePatchId(repo.dir, attrs, tip));
      assert.strictEqual(patchIdOf(repo.dir, tip, tip), EMPTY_PATCH_ID);
    } finally {
      process.env = prev;
    }
  });

  it('an unknown revision is an error, not an empty patch', async () => {
    await assert.rejects(pid(base, 'no-such-rev'), /no-such-rev is not a commit or tree/);
  });
});
