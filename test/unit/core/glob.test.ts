import * as assert from 'assert';
import fc from 'fast-check';
import { globProblem, matchAnyPath, matchGlob, matchPath, PatternSet } from '../../../src/core/glob';
import { INFRASTRUCTURE_PATHS } from '../../../src/core/defaultTiers';

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
    assert.ok(
      matchPath('migrations/', 'db/migrations/001.sql'),
      'a folder name without an inner slash matches at any depth',
    );
    assert.ok(matchPath('k8s/', 'k8s'), "a directory pattern matches the path it names (a submodule's gitlink)");
    assert.ok(matchPath('.github/workflows/', '.github/workflows'));
    assert.ok(!matchPath('k8s/', 'k8s.md'));
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

  // matchAnyPath runs a whole list as one lazily built DFA (speed at 10,000 commits): it must name exactly the
  // pattern the plain per-pattern NFA would, for any patterns and paths, also when its memory bound forgets.
  const piece = fc.constantFrom(
    'a',
    'b',
    'A',
    '/',
    '.',
    '*',
    '**',
    '?',
    '[a-b]',
    '[!a]',
    '{a,b/}',
    '{x,**}',
    '\\*',
    ' ',
    'é',
    'tf',
  );
  const patternArb = fc.array(piece, { maxLength: 7 }).map((xs) => xs.join(''));
  const pathArb = fc
    .array(fc.constantFrom('a', 'b', 'A', 'B', '/', '.', '*', 'x', 'é', 'tf', ' '), { maxLength: 12 })
    .map((xs) => xs.join(''));
  it('a pattern list matched at once names the same first pattern as matchPath one by one', () => {
    fc.assert(
      fc.property(
        fc.array(patternArb, { maxLength: 6 }),
        fc.array(pathArb, { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        fc.nat({ max: 6 }),
        (patterns, paths, ignoreCase, maxSteps) => {
          const bounded = new PatternSet(patterns, ignoreCase, maxSteps);
          for (const path of paths) {
            const expected = patterns.find((p) => matchPath(p, path, { ignoreCase }));
            assert.strictEqual(
              matchAnyPath(patterns, path, { ignoreCase }),
              expected,
              `${JSON.stringify(patterns)} ${JSON.stringify(path)}`,
            );
            const i = bounded.firstMatch(ignoreCase ? path.toLowerCase() : path);
            assert.strictEqual(
              i < 0 ? undefined : patterns[i],
              expected,
              `bounded: ${JSON.stringify(patterns)} ${JSON.stringify(path)}`,
            );
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('the infrastructure list matched at once agrees with matchPath on real-looking paths', () => {
    const paths = [
      'infra/main.TF',
      'src/app.ts',
      'Dockerfile.prod',
      'a/b/k8s/x.yaml',
      '.github/workflows/ci.yml',
      'docs/.github/workflows/x',
      'db/migrations/1.sql',
      'charts/x/Chart.yaml',
      'helmfile.yaml.gotmpl',
      'x/playbook-1.yml',
      'README.md',
      'containerfile',
      'src/k8s.ts',
    ];
    for (const p of paths)
      assert.strictEqual(
        matchAnyPath(INFRASTRUCTURE_PATHS, p, { ignoreCase: true }),
        INFRASTRUCTURE_PATHS.find((x) => matchPath(x, p, { ignoreCase: true })),
        p,
      );
  });

  it('the infrastructure list covers the CI, deployment and review files an outside tester found missing (G8)', () => {
    const infra = [
      'bitbucket-pipelines.yml',
      '.drone.yml',
      '.travis.yml',
      '.woodpecker.yml',
      'cloudbuild.yaml',
      'buildspec.yml',
      'appspec.yml',
      'fly.toml',
      'app.yaml',
      'Procfile',
      'vercel.json',
      'netlify.toml',
      'render.yaml',
      'wrangler.toml',
      'Tiltfile',
      'Earthfile',
      'samconfig.toml',
      'cdktf.json',
      'deploy/prod.yaml',
      'argocd/app.yaml',
      'openshift/dc.yaml',
      '.github/CODEOWNERS',
      'CODEOWNERS',
      'states/top.sls',
      'manifests/site.pp',
      'policy/authz.rego',
      '.gitattributes',
      '.gitea/workflows/ci.yml',
    ];
    for (const p of infra) assert.ok(matchAnyPath(INFRASTRUCTURE_PATHS, p, { ignoreCase: true }), p);
    for (const p of ['src/app.ts', 'README.md', 'src/deploy.ts', 'docs/procfile.md'])
      assert.strictEqual(matchAnyPath(INFRASTRUCTURE_PATHS, p, { ignoreCase: true }), undefined, p);
  });

  it('the infrastructure list covers what the covered tools load unasked, and .gitmodules (attack24 01, 06)', () => {
    const infra = [
      // Docker Compose merges the override file into compose.yaml / docker-compose.yml by itself
      'compose.override.yaml',
      'compose.override.yml',
      'svc/Compose.Override.YAML',
      'docker-compose.override.yml',
      'docker-compose.override.yaml',
      'compose.prod.yaml',
      // Terraform / OpenTofu auto-load terraform.tfvars(.json) and *.auto.tfvars(.json)
      'terraform.tfvars.json',
      'prod.auto.tfvars.json',
      'prod.auto.tfvars',
      'infra/TERRAFORM.TFVARS.JSON',
      // a Helm chart outside charts/ and helm/ (here at the root and under ops/)
      'values.yaml',
      'values-prod.yaml',
      'values.prod.yml',
      'ops/app/values.yaml',
      'templates/deployment.yaml',
      'templates/_helpers.tpl',
      'templates/sub/ingress.yml',
      'ops/app/templates/service.yaml',
      'crds/widget.yaml',
      'ops/app/crds/widget.yaml',
      // what a checkout contains: submodules (at any depth, any case) and Git LFS
      '.gitmodules',
      'vendor/.gitmodules',
      '.GITMODULES',
      '.lfsconfig',
    ];
    for (const p of infra) assert.ok(matchAnyPath(INFRASTRUCTURE_PATHS, p, { ignoreCase: true }), p);
    const notInfra = [
      'templates/index.html',
      'app/templates/email.txt',
      'src/templates.ts',
      'docs/values.md',
      'composer.json',
      'src/compose.ts',
      'tfvars.md',
      'src/gitmodules.ts',
    ];
    for (const p of notInfra)
      assert.strictEqual(matchAnyPath(INFRASTRUCTURE_PATHS, p, { ignoreCase: true }), undefined, p);
  });

  it('a list changed in place is matched as it is now', () => {
    const list = ['*.tf'];
    assert.strictEqual(matchAnyPath(list, 'x.sql'), undefined);
    list.push('*.sql');
    assert.strictEqual(matchAnyPath(list, 'x.sql'), '*.sql');
  });

  it('ignoreCase compares as macOS and Windows do: any letter case and Unicode form (attack29 F1)', () => {
    const nfc = 'caf\u00e9.js';
    const nfd = 'cafe\u0301.js';
    assert.strictEqual(matchAnyPath([nfc], nfd, { ignoreCase: true }), nfc);
    assert.strictEqual(matchAnyPath([nfd], 'CAF\u00c9.JS', { ignoreCase: true }), nfd);
    assert.strictEqual(matchAnyPath([nfc], nfd), undefined, 'without ignoreCase, names are exact');
    assert.ok(matchPath('auth.js', 'AUTH.JS', { ignoreCase: true }) && !matchPath('auth.js', 'AUTH.JS'));
  });
});
