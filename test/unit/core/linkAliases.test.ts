import * as assert from 'assert';
import { MAX_LINK_HOPS, pathAliases, resolveLink } from '../../../src/core/linkAliases';

/** attack17 Q5: the names a changed path has through the symlinks of its tree, bounded. */
describe('linkAliases: the other names a path has through symlinks', () => {
  const links = (entries: Record<string, string>) => new Map(Object.entries(entries));

  it('resolves a link as the file system does: relative to its folder, through links met on the way', () => {
    const l = links({ Dockerfile: 'build/image.txt', 'a/b/c': '../x', lnk: 'deep/dir', via: 'lnk/../f' });
    assert.strictEqual(resolveLink(l, 'Dockerfile'), 'build/image.txt');
    assert.strictEqual(resolveLink(l, 'a/b/c'), 'a/x');
    // `lnk/..` climbs from where lnk leads (deep/dir/..), not lexically to the root.
    assert.strictEqual(resolveLink(l, 'via'), 'deep/f');
  });

  it('ignores links that leave the repository, and ends loops', () => {
    const l = links({ up: '../../etc/passwd', abs: '/etc/passwd', a: 'b', b: 'a' });
    assert.strictEqual(resolveLink(l, 'up'), undefined);
    assert.strictEqual(resolveLink(l, 'abs'), undefined);
    assert.strictEqual(resolveLink(l, 'a'), undefined);
    assert.deepStrictEqual(pathAliases('etc/passwd', l), []);
  });

  it('gives a file the names of the links to it and to its folders, through chains', () => {
    const l = links({ Dockerfile: 'img/current', 'img/current': 'real.txt', k8s: 'ops/cluster' });
    assert.deepStrictEqual(pathAliases('img/real.txt', l), [
      { path: 'Dockerfile', via: 'Dockerfile' },
      { path: 'img/current', via: 'img/current' },
    ]);
    assert.deepStrictEqual(pathAliases('ops/cluster/app.yaml', l), [{ path: 'k8s/app.yaml', via: 'k8s' }]);
    assert.deepStrictEqual(pathAliases('ops/clusterx/app.yaml', l), [], 'a folder, not a prefix of a name');
  });

  it('a link to the root or to its own folder is walked a bounded number of hops', () => {
    const l = links({ self: '.' });
    const names = pathAliases('f', l).map((a) => a.path);
    assert.strictEqual(names[0], 'self/f');
    assert.ok(names.length <= MAX_LINK_HOPS, names.join(' '));
  });
});
