import * as assert from 'assert';
import fc from 'fast-check';
import { INFRASTRUCTURE_PATHS } from '../../../src/core/defaultTiers';
import { matchPath } from '../../../src/core/glob';
import { firstPatternUnder, matchesUnder } from '../../../src/core/globUnder';

/** Could a pattern match a path under a folder (a link's name), beyond what it matches under the link's target? */
describe('globUnder: patterns that could match a path under a folder', () => {
  it('answers from the pattern alone: `**`, `*`, `?`, classes, alternatives, escapes', () => {
    const cases: Array<[string, string, boolean]> = [
      ['k8s/**', 'k8s', true],
      ['k8s/**', 'k8s/deep/er', true],
      ['k8s/**', 'misc', false],
      ['k8s/**', 'k8sx', false],
      ['k8s/**', 'x/k8s', false],
      ['k8s/*.yaml', 'k8s', true],
      ['k8s/*.yaml', 'k8s/sub', false],
      ['k8s/app.yaml', 'k8s', true],
      ['k8s/app.yaml', 'k8s/other', false],
      // A pattern that names a path names what is under it too, should it be a folder (matchPath).
      ['k8s/app.yaml', 'k8s/app.yaml', true],
      ['a/**/b', 'a', true],
      ['a/**/b', 'a/x/y', true],
      ['?8s/**', 'k8s', true],
      ['?8s/**', 'kk8s', false],
      ['[kx]8s/**', 'x8s', true],
      ['[!k]8s/**', 'k8s', false],
      ['[!k]8s/**', 'j8s', true],
      ['{k8s,helm}/**', 'helm', true],
      ['{k8s,helm}/**', 'chart', false],
      ['k\\*s/**', 'k*s', true],
      ['k\\*s/**', 'kxs', false],
      // A directory pattern names its folder and what is under it.
      ['k8s/', 'k8s', true],
      ['/k8s/', 'deploy', false],
      ['**/values.yaml', 'anything', true],
      ['*.tf', 'docs/latest', true],
    ];
    for (const [pattern, folder, expected] of cases)
      assert.strictEqual(matchesUnder(pattern, folder), expected, `${pattern} under ${folder}`);
  });

  it('a pattern that matches the same paths under the folder a link leads to adds nothing', () => {
    const cases: Array<[string, string, string, boolean]> = [
      ['k8s/**', 'k8s', 'misc', true],
      ['k8s/**', 'deploy', 'k8s', false],
      ['k8s/**', 'k8s', 'k8s', false],
      // A name and its file kind do not change through a folder link: they were judged when the file landed.
      ['*.tf', 'docs/latest', 'docs/v2', false],
      ['**/values.yaml', 'k8s', 'misc', false],
      ['k8s/', 'docs/latest', 'docs/v2', false],
      ['k8s/', 'all', '', false],
      // ...unless a folder of the name is what the pattern names.
      ['k8s/', 'deploy/k8s', 'misc', true],
      ['**/k8s/*.yaml', 'deploy/k8s', 'misc', true],
      // Depth counts: `*/foo` under `k8s` is `k8s/foo`, and a/b/foo is no `*/foo`.
      ['*/foo', 'k8s', 'b', false],
      ['*/foo', 'k8s', 'a/b', true],
      // The root: `all -> .` gives every file a name under all/.
      ['k8s/**', 'all', '', false],
      ['all/**', 'all', '', true],
    ];
    for (const [pattern, folder, except, expected] of cases)
      assert.strictEqual(
        matchesUnder(pattern, folder, { except }),
        expected,
        `${pattern} under ${folder} beyond ${except || '(root)'}`,
      );
  });

  it('matches in any letter case where the list does', () => {
    assert.strictEqual(matchesUnder('K8S/**', 'k8s'), false);
    assert.strictEqual(matchesUnder('K8S/**', 'k8s', { ignoreCase: true }), true);
    assert.strictEqual(matchesUnder('k8s/**', 'K8s', { ignoreCase: true, except: 'misc' }), true);
    assert.strictEqual(matchesUnder('k8s/**', 'deploy', { ignoreCase: true, except: 'K8S' }), false);
  });

  it("names the list's first pattern that could match, and none of the default infrastructure tier for an ordinary link", () => {
    assert.strictEqual(firstPatternUnder(['*.tf', 'helm/**', 'k8s/**'], 'k8s', { except: 'misc' }), 'k8s/**');
    assert.strictEqual(firstPatternUnder(['*.tf', 'helm/**', 'k8s/**'], 'docs', { except: 'misc' }), undefined);
    assert.strictEqual(firstPatternUnder([], 'k8s'), undefined);
    const infra = (folder: string, except: string) =>
      firstPatternUnder(INFRASTRUCTURE_PATHS, folder, { ignoreCase: true, except });
    for (const [folder, except] of [
      ['docs/latest', 'docs/v2'],
      ['vendor/lib', 'third_party/lib'],
      ['all', ''],
      ['src/current', 'src/v3'],
    ])
      assert.strictEqual(infra(folder, except), undefined, `${folder} -> ${except}`);
    // The folders it names by name, anywhere: a link named helm/ or .github/workflows reads as one.
    assert.ok(infra('deploy/helm', 'misc'));
    assert.ok(infra('.github/workflows', 'misc'));
  });

  it('never misses a path that matches under the folder and not under the target (sampled)', () => {
    const token = fc.constantFrom('a', 'b', '/', '*', '**', '?', '[ab]', '[!a]', '{a,b/a}', 'a/');
    const segment = fc.stringMatching(/^[ab]{1,2}$/);
    const folder = fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => s.join('/'));
    const target = fc.array(segment, { minLength: 0, maxLength: 3 }).map((s) => s.join('/'));
    const rest = fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => s.join('/'));
    fc.assert(
      fc.property(fc.array(token, { minLength: 1, maxLength: 6 }), folder, target, rest, (parts, n, t, s) => {
        const pattern = parts.join('');
        const under = (f: string) => (f === '' ? s : `${f}/${s}`);
        if (matchPath(pattern, under(n))) assert.ok(matchesUnder(pattern, n), `${pattern}: ${under(n)}`);
        if (matchPath(pattern, under(n)) && !matchPath(pattern, under(t)))
          assert.ok(matchesUnder(pattern, n, { except: t }), `${pattern}: ${under(n)}, not ${under(t)}`);
      }),
      { numRuns: 5000 },
    );
  });
});
