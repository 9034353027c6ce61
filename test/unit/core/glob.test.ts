import * as assert from 'assert';
import { globProblem, matchGlob, matchPath } from '../../../src/core/glob';

describe('glob matcher', () => {
  const cases: Array<[string, string, boolean]> = [
    ['main', 'main', true],
    ['main', 'mainline', false],
    ['release/*', 'release/1.2', true],
    ['release/*', 'release/1.2/hotfix', false],
    ['release/*', 'release/', true],
    ['release/**', 'release/1.2/hotfix', true],
    ['**', 'a/b/c', true],
    ['a/**/b', 'a/b', true],
    ['a/**/b', 'a/x/y/b', true],
    ['a/**/b', 'a/xb', false],
    ['**/*.tf', 'main.tf', true],
    ['**/*.tf', 'infra/prod/main.tf', true],
    ['*.tf', 'infra/main.tf', false],
    ['v?.x', 'v1.x', true],
    ['v?.x', 'v/.x', false],
    ['{main,master}', 'master', true],
    ['{main,master}', 'mainmaster', false],
    ['release/{v1,v{2,3}}.*', 'release/v3.0', true],
    ['release/{v1,v{2,3}}.*', 'release/v4.0', false],
    ['[a-c]x', 'bx', true],
    ['[!a-c]x', 'dx', true],
    ['[!a-c]x', 'ax', false],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'axb', false],
    ['a.b', 'axb', false],
    ['a+(b)', 'a+(b)', true],
    ['x**y', 'xabcy', true],
    ['x**y', 'xa/by', false],
  ];
  for (const [pattern, text, expected] of cases) {
    it(`${pattern} ${expected ? 'matches' : 'does not match'} ${text}`, () => {
      assert.strictEqual(matchGlob(pattern, text), expected);
    });
  }

  it('matches repository paths like .gitignore/CODEOWNERS', () => {
    assert.ok(matchPath('*.tf', 'infra/prod/main.tf'));
    assert.ok(matchPath('Dockerfile', 'services/api/Dockerfile'));
    assert.ok(!matchPath('Dockerfile', 'services/api/Dockerfile.md'));
    assert.ok(matchPath('.github/workflows/', '.github/workflows/ci.yml'));
    assert.ok(!matchPath('.github/workflows/', 'docs/.github/workflows/ci.yml'), 'a pattern with a slash is anchored');
    assert.ok(matchPath('migrations/', 'db/migrations/001.sql'), 'a folder name without an inner slash matches at any depth');
    assert.ok(matchPath('/src/auth', 'src/auth/login.ts'), 'a folder pattern matches the files under it');
    assert.ok(!matchPath('/src/auth', 'lib/src/auth/login.ts'));
    assert.ok(matchPath('src/**/*.ts', 'src/a/b.ts'));
    assert.ok(matchPath('path with space/*', 'path with space/x'));
    assert.ok(matchPath('données/*.txt', 'données/é.txt'));
  });

  it('reports malformed patterns', () => {
    assert.match(globProblem('release/{a,b') ?? '', /no matching '}'/);
    assert.match(globProblem('a}') ?? '', /no matching '{'/);
    assert.match(globProblem('[abc') ?? '', /no matching ']'/);
    assert.strictEqual(globProblem('release/*'), undefined);
  });
});
