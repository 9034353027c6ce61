import * as assert from 'assert';
import { MAX_COMMIT_BYTES } from '../../../src/core/commitBound';
import { setup, type Setup } from '../helpers/gateServer';
import type { TempRepo } from '../helpers/tempRepo';

/**
 * attack26 07/08: one bound on every object git parses whole and a ref then keeps (core/commitBound.ts). A 200 MB
 * annotated tag at a landed commit landed as a protected tag nobody could delete, and every later push of
 * refs/notes/ai (which lists the protected tags) was 13–36 s slower; a 200 MB notes commit adding no note was
 * appended to refs/notes/countersign, which is never rewound, and every push to main was 19 s slower. Here the
 * objects just cross the bound (a few KB over 1 MiB). Real server.
 */
const OVER = MAX_COMMIT_BYTES + 4096;
const filler = (bytes: number) => 'release notes release notes release notes release notes\n'.repeat(bytes / 56 + 1);

function writeObject(repo: TempRepo, type: 'tag' | 'commit', text: string): string {
  return repo.gitResult(['hash-object', '-t', type, '-w', '--literally', '--stdin'], text).stdout.trim();
}

function tagObject(repo: TempRepo, target: string, type: string, name: string, bytes: number): string {
  const head = `object ${target}\ntype ${type}\ntag ${name}\ntagger Ada <ada@example.com> 1700000000 +0000\n\n`;
  return writeObject(repo, 'tag', head + (bytes > 0 ? filler(bytes) : 'release\n'));
}

describe('server: tag objects and notes commits over the object bound are refused (attack26 07/08, real server)', function () {
  this.timeout(240_000);

  let s: Setup;
  let tip: string;
  before(() => {
    s = setup();
    tip = s.ada.git('rev-parse', 'HEAD');
  });

  const onServer = (ref: string) => s.server.gitResult(['rev-parse', '-q', '--verify', ref]).stdout.trim();

  it('07: an annotated tag over the bound at a landed commit is refused, naming the tag, its size and the bound', () => {
    const { ada } = s;
    const big = tagObject(ada, tip, 'commit', 'v9.0', OVER);
    const size = Number(ada.git('cat-file', '-s', big));
    assert.ok(size > MAX_COMMIT_BYTES);
    const push = ada.gitResult(['push', '--no-verify', 'origin', `${big}:refs/tags/v9.0`]);
    assert.notStrictEqual(push.status, 0, `a ${size}-byte tag object landed as a protected tag`);
    assert.match(
      push.stderr,
      new RegExp(`tag object ${big.slice(0, 12)} is ${size} bytes, more than the ${MAX_COMMIT_BYTES} bytes`),
    );
    assert.strictEqual(onServer('refs/tags/v9.0'), '');

    // Wrapped in a small tag: the chain is bounded, not only the object the ref names.
    const wrapper = tagObject(ada, big, 'tag', 'v9.1', 0);
    const wrapped = ada.gitResult(['push', '--no-verify', 'origin', `${wrapper}:refs/tags/v9.1`]);
    assert.notStrictEqual(wrapped.status, 0, 'a small tag wrapping an oversized one landed');
    assert.match(wrapped.stderr, new RegExp(`tag object ${big.slice(0, 12)} is ${size} bytes.*wrapped by the tag`));

    // verify and pre-push say the same before the push.
    ada.git('update-ref', 'refs/tags/v9.0', big);
    const verify = ada.cli(['verify', '--remote', 'origin', '--tag', 'v9.0']);
    assert.notStrictEqual(verify.status, 0, verify.stdout);
    assert.match(verify.stdout + verify.stderr, /tag object .* bytes, more than the 1048576 bytes/);
    ada.git('update-ref', '-d', 'refs/tags/v9.0');

    // A tag with a real message (a signed tag's few KB) still lands.
    const honest = tagObject(ada, tip, 'commit', 'v9.2', 8000);
    assert.strictEqual(ada.gitResult(['push', '--no-verify', 'origin', `${honest}:refs/tags/v9.2`]).status, 0);
  });

  for (const ref of ['refs/notes/countersign', 'refs/notes/ai'])
    it(`08: a notes commit over the bound appended to ${ref} is refused (the tip, or below a small one)`, () => {
      const { ada } = s;
      const empty = ada.git('hash-object', '-t', 'tree', '-w', '/dev/null');
      const base = onServer(ref) || ada.git('commit-tree', empty, '-m', 'Notes added by countersign');
      if (!onServer(ref))
        assert.strictEqual(ada.gitResult(['push', '--no-verify', 'origin', `${base}:${ref}`]).status, 0);
      const tree = ada.git('rev-parse', `${base}^{tree}`);
      const big = writeObject(
        ada,
        'commit',
        `tree ${tree}\nparent ${base}\nauthor Ada <ada@example.com> 1700000000 +0000\ncommitter Ada <ada@example.com> 1700000000 +0000\n\n${filler(OVER)}`,
      );
      const size = Number(ada.git('cat-file', '-s', big));
      const push = ada.gitResult(['push', '--no-verify', 'origin', `${big}:${ref}`]);
      assert.notStrictEqual(push.status, 0, `a ${size}-byte notes commit was appended to ${ref}`);
      assert.match(
        push.stderr,
        new RegExp(`notes commit ${big.slice(0, 12)} is ${size} bytes, more than the ${MAX_COMMIT_BYTES} bytes`),
      );
      assert.strictEqual(onServer(ref), base);

      const small = ada.git('commit-tree', tree, '-p', big, '-m', 'Notes added by countersign');
      const below = ada.gitResult(['push', '--no-verify', 'origin', `${small}:${ref}`]);
      assert.notStrictEqual(below.status, 0, `a ${size}-byte notes commit below a small tip was appended to ${ref}`);
      assert.match(below.stderr, new RegExp(`notes commit ${big.slice(0, 12)} is ${size} bytes`));
      assert.strictEqual(onServer(ref), base);

      // An ordinary notes commit on top still lands.
      const fine = ada.git('commit-tree', tree, '-p', base, '-m', 'Notes added by countersign');
      assert.strictEqual(ada.gitResult(['push', '--no-verify', 'origin', `${fine}:${ref}`]).status, 0);
    });
});
