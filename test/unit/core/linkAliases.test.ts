import * as assert from 'assert';
import { MAX_LINK_HOPS, pathAliases, resolveLink, type TreeLinks } from '../../../src/core/linkAliases';
import {
  chargedNames,
  describeHit,
  firstPathHit,
  MAX_COMMIT_NAMES,
  policyMatchers,
} from '../../../src/core/policyPaths';
import { parsePolicy } from '../../../src/core/policy';

/** attack17 Q5: the names a changed path has through the symlinks of its tree, bounded. */
describe('linkAliases: the other names a path has through symlinks', () => {
  const links = (entries: Record<string, string>) => new Map(Object.entries(entries));
  const to = (l: TreeLinks, at: string) => {
    const r = resolveLink(l, at);
    return 'to' in r ? r.to : 'cut' in r ? 'cut' : 'outside';
  };
  const names = (path: string, l: TreeLinks, limit?: number) => pathAliases(path, l, limit).aliases.map((a) => a.path);

  it('resolves a link as the file system does: relative to its folder, through links met on the way', () => {
    const l = links({ Dockerfile: 'build/image.txt', 'a/b/c': '../x', lnk: 'deep/dir', via: 'lnk/../f' });
    assert.strictEqual(to(l, 'Dockerfile'), 'build/image.txt');
    assert.strictEqual(to(l, 'a/b/c'), 'a/x');
    // `lnk/..` climbs from where lnk leads (deep/dir/..), not lexically to the root.
    assert.strictEqual(to(l, 'via'), 'deep/f');
    assert.deepStrictEqual(resolveLink(l, 'via').through, ['via', 'lnk']);
  });

  it('gives a file the names of the links to it and to its folders, through chains', () => {
    const l = links({ Dockerfile: 'img/current', 'img/current': 'real.txt', k8s: 'ops/cluster' });
    assert.deepStrictEqual(pathAliases('img/real.txt', l).aliases, [
      { path: 'Dockerfile', via: 'Dockerfile' },
      { path: 'img/current', via: 'img/current' },
    ]);
    assert.deepStrictEqual(names('ops/cluster/app.yaml', l), ['k8s/app.yaml']);
    assert.deepStrictEqual(names('ops/clusterx/app.yaml', l), [], 'a folder, not a prefix of a name');
  });

  it('a link to the root or to its own folder uses each link once per name', () => {
    const l = links({ self: '.', also: '.' });
    assert.deepStrictEqual(names('f', l), ['self/f', 'also/f', 'also/self/f', 'self/also/f']);
    assert.strictEqual(pathAliases('f', l).cut, undefined);
  });

  it('attack24 08: a changed link charges every link whose lookup passes it, wherever that now leads', () => {
    const l = links({ Dockerfile: 'build/image.txt', build: 'img' });
    assert.deepStrictEqual(pathAliases('build', l).aliases, [{ path: 'Dockerfile', via: 'Dockerfile' }]);
    assert.deepStrictEqual(names('img/image.txt', l).sort(), ['Dockerfile', 'build/image.txt']);
  });

  it('attack24 08: follows 40 links as Linux does; a longer chain or a loop is cut, not harmless', () => {
    const chain = (n: number) => {
      const m = new Map<string, string>([['build', `h${n}`]]);
      for (let i = n; i >= 2; i--) m.set(`h${i}`, `h${i - 1}`);
      m.set('h1', 'img');
      return m;
    };
    assert.strictEqual(to(chain(MAX_LINK_HOPS - 1), 'build'), 'img', '40 links in all');
    assert.match(pathAliases('build', chain(MAX_LINK_HOPS)).cut ?? '', /more than 40 links/);
    assert.match(pathAliases('a', links({ a: 'b', b: 'a' })).cut ?? '', /cannot follow .*a loop/);
  });

  it('attack24 12: a target is cut at its first NUL, as checkout writes it', () => {
    const l = links({ build: 'img\0x', Dockerfile: 'build/image.txt', empty: '\0img', long: 'x'.repeat(4096) });
    assert.strictEqual(to(l, 'build'), 'img');
    assert.deepStrictEqual(names('img/image.txt', l).sort(), ['Dockerfile', 'build/image.txt']);
    assert.strictEqual(to(l, 'empty'), 'outside', 'symlink(2) makes no link with an empty target');
    assert.match(pathAliases('long', l).cut ?? '', /longer than PATH_MAX/);
  });

  it('attack24 12: absolute and climbing targets are cut, but for the system folders no checkout lives in', () => {
    for (const t of ['/proc/self/cwd/img', '/proc/1/cwd', '/dev/fd/3/x', '/home/runner/work/r/r', '/usr/src/app'])
      assert.match(pathAliases('l', links({ l: t })).cut ?? '', /leaves the repository/, t);
    for (const t of ['/etc/../proc/self/cwd', '//proc/self/cwd', '/usr/share/./x', '/dev/null/..'])
      assert.strictEqual(to(links({ l: t }), 'l'), 'cut', t);
    for (const t of ['/dev/null', '/etc/passwd', '/usr/share/zoneinfo/UTC', '/bin/sh'])
      assert.strictEqual(to(links({ l: t }), 'l'), 'outside', t);
    // A system link met on the way: what follows it is judged with it (/etc + ../proc/self/cwd).
    assert.strictEqual(to(links({ e: '/etc', l: 'e/../proc/self/cwd' }), 'l'), 'cut');
    assert.match(pathAliases('up', links({ up: '../repo/img' })).cut ?? '', /climbs above/);
    assert.strictEqual(pathAliases('other', links({ up: '../repo/img' })).cut, undefined, 'an unchanged link');
  });

  it('attack24 07: decoys do not hide a name; past the bound the path is cut, whatever the order', () => {
    const l = new Map<string, string>();
    for (let i = 1; i <= 70; i++) l.set(`A${String(i).padStart(3, '0')}`, 'build/image.txt');
    l.set('Dockerfile', 'build/image.txt');
    assert.ok(names('build/image.txt', l).includes('Dockerfile'));
    const capped = pathAliases('build/image.txt', l, 64);
    assert.strictEqual(capped.aliases.length, 64);
    assert.match(capped.cut ?? '', /more than 64 names/);
  });

  it('a cut path meets every pattern of a list with patterns, and none of an empty list', () => {
    const policy = parsePolicy(
      JSON.stringify({
        protectedBranches: ['main'],
        review: { paths: [] },
        tiers: [{ name: 'infra', paths: ['Dockerfile'], approvals: 2 }],
      }),
      'p.json',
    );
    const m = policyMatchers(policy);
    const charged = chargedNames(['build'], links({ Dockerfile: 'build/image.txt', build: '/proc/self/cwd/img' }));
    // Dockerfile passes the changed link `build`: it is charged by name first, the cut after.
    const hit = firstPathHit(charged, m.tiers[0]);
    assert.strictEqual(hit && describeHit(hit), 'build (through the symlink Dockerfile)');
    const cutOnly = chargedNames(['build'], links({ build: '/proc/self/cwd/img' }));
    const cut = firstPathHit(cutOnly, m.tiers[0]);
    assert.match(cut ? describeHit(cut) : '', /^build \(a symbolic link the gate cannot follow .*\/proc\/self\/cwd/);
    assert.strictEqual(firstPathHit(cutOnly, m.reviewPaths), undefined, 'no path to protect: nothing to bypass');
  });

  it('a changed link meets the patterns that could match under its names, not those of its target folder', () => {
    const policy = parsePolicy(
      JSON.stringify({
        protectedBranches: ['main'],
        review: { paths: ['secrets/**'] },
        tiers: [{ name: 'infra', paths: ['*.tf', '**/values.yaml', 'k8s/**', 'a/k8s/**'], approvals: 2 }],
      }),
      'p.json',
    );
    const m = policyMatchers(policy);
    const hit = (paths: string[], l: TreeLinks, list = m.tiers[0]) => {
      const h = firstPathHit(chargedNames(paths, l), list);
      return h && describeHit(h);
    };
    assert.strictEqual(hit(['k8s'], links({ k8s: 'misc' })), 'k8s (a symbolic link: files under it meet k8s/**)');
    assert.strictEqual(
      hit(['secrets'], links({ secrets: 'misc' }), m.reviewPaths),
      'secrets (a symbolic link: files under it meet secrets/**)',
    );
    // Its other names: through a folder link above it, and a link whose lookup passes it (k8s -> m2 -> misc).
    assert.strictEqual(
      hit(['infra/k8s'], links({ a: 'infra', 'infra/k8s': '../misc' })),
      'infra/k8s (a symbolic link: files under a/k8s, through the symlink a, meet a/k8s/**)',
    );
    assert.strictEqual(
      hit(['m2'], links({ k8s: 'm2', m2: 'misc' })),
      'm2 (a symbolic link: files under k8s, through the symlink k8s, meet k8s/**)',
    );
    // Unchanged, a link to a folder gives names to the changed files under it (attack17 Q5), as before.
    assert.strictEqual(hit(['misc/app.yaml'], links({ k8s: 'misc' })), 'misc/app.yaml (through the symlink k8s)');
    assert.strictEqual(hit(['notes.txt'], links({ k8s: 'misc' })), undefined, 'a link nobody changed adds nothing');
    // Honest links: to a tier folder (its files keep their tier names), elsewhere, to a file, to the root.
    for (const [at, target] of [
      ['deploy', 'k8s'],
      ['docs/latest', 'v2'],
      ['README.md', 'docs/v2/index.md'],
      ['all', '.'],
      ['ops/current', 'v2'],
    ])
      assert.strictEqual(hit([at], links({ [at]: target })), undefined, `${at} -> ${target}`);
    // Links the gate ignores (system folders) stay ignored; links it cannot follow are cut, as before.
    assert.strictEqual(hit(['k8s'], links({ k8s: '/usr/share/k8s' })), undefined);
    assert.match(hit(['k8s'], links({ k8s: '../up' })) ?? '', /^k8s \(a symbolic link the gate cannot follow/);
  });

  it('a link the commit removes, or makes a file, meets the patterns its names did for the files under it', () => {
    const policy = parsePolicy(
      JSON.stringify({
        protectedBranches: ['main'],
        tiers: [{ name: 'infra', paths: ['*.tf', 'k8s/**', 'a/k8s/**'], approvals: 2 }],
      }),
      'p.json',
    );
    const m = policyMatchers(policy);
    const hit = (paths: string[], now: TreeLinks | undefined, before: TreeLinks) => {
      const h = firstPathHit(chargedNames(paths, now, before), m.tiers[0]);
      return h && describeHit(h);
    };
    const was = links({ k8s: 'misc', a: 'infra', 'infra/k8s': '../misc', 'docs/latest': 'v2' });
    assert.strictEqual(hit(['k8s'], undefined, was), 'k8s (a symbolic link it removes: files under it met k8s/**)');
    assert.strictEqual(
      hit(['infra/k8s'], links({ a: 'infra' }), was),
      'infra/k8s (a symbolic link it removes: files under a/k8s, through the symlink a, met a/k8s/**)',
    );
    assert.strictEqual(hit(['docs/latest'], undefined, was), undefined, 'no tier names what was under it');
    assert.strictEqual(hit(['misc/app.yaml'], undefined, was), undefined, 'a file, not a link, changed');
    // Still a link (retargeted): judged by what it is now.
    assert.strictEqual(hit(['k8s'], links({ k8s: 'other' }), was), 'k8s (a symbolic link: files under it meet k8s/**)');
  });

  it('a commit whose paths have too many names in all is cut past the bound', () => {
    const l = new Map<string, string>();
    for (let i = 0; i < 20; i++) l.set(`l${i}`, 'src');
    // 3,276 paths of 20 names each fill all but 16 of the bound: the next is cut, and the two after it.
    const paths = Array.from({ length: Math.ceil(MAX_COMMIT_NAMES / 20) + 2 }, (_, i) => `src/f${i}`);
    const cut = chargedNames(paths, l).filter((n) => n.cut !== undefined);
    assert.deepStrictEqual(
      cut.map((n) => n.path),
      paths.slice(-3),
    );
    assert.match(cut[0].cut ?? '', /commit's paths have more than 65536 names/);
  });

  it('a tree built to be slow to follow costs a bounded walk, then every path is cut', () => {
    // 2,047 components per target: joined per component, 200 such links took 30 s; 3,000 pass the bound.
    const deep = Array(2047).fill('a').join('/');
    const l = new Map<string, string>();
    for (let i = 0; i < 3000; i++) l.set(`d${i}/l`, deep);
    const started = Date.now();
    const found = pathAliases('anything', l);
    assert.match(found.cut ?? '', /take more than 4194304 steps to follow/);
    assert.ok(Date.now() - started < 10_000, `${Date.now() - started} ms`);
    assert.strictEqual(to(links({ l: deep }), 'l'), deep);
  });
});
