import * as assert from 'assert';
import { parsePolicy } from '../../../src/core/policy';
import { tierCoverage, tierCoverageLines } from '../../../src/core/tierCoverage';

describe('tierCoverage: files already here that the tiers catch (newuser15 #11)', () => {
  const files = ['db/1.sql', 'db/2.sql', 'src/a.ts', 'DOCKERFILE', 'ops/app.yaml', 'README.md'];

  it('counts each file once per tier, under the first pattern it meets, case-insensitively for the default tier', () => {
    const c = tierCoverage(parsePolicy('{"protectedBranches": ["main"]}', 'p.json'), files);
    assert.deepStrictEqual(
      c.map((t) => [t.tier, t.files]),
      [['infrastructure', 4]],
      'mass-deletion has no paths',
    );
    assert.deepStrictEqual(
      c[0].patterns.map((p) => [p.pattern, p.files, p.example]),
      [
        ['*.sql', 2, 'db/1.sql'],
        ['Dockerfile', 1, 'DOCKERFILE'],
        ['app.yaml', 1, 'ops/app.yaml'],
      ],
    );
  });

  it('a custom tier is matched as the gate matches it, and a tier matching nothing says nothing', () => {
    const policy = parsePolicy(
      JSON.stringify({
        protectedBranches: ['main'],
        tiers: [
          { name: 'db', paths: ['db/'], approvals: 3 },
          { name: 'none', paths: ['*.tf'], approvals: 2 },
        ],
      }),
      'p.json',
    );
    const c = tierCoverage(policy, files);
    assert.deepStrictEqual(c, [
      { tier: 'db', approvals: 3, files: 2, patterns: [{ pattern: 'db/', files: 2, example: 'db/1.sql' }] },
    ]);
    const [line] = tierCoverageLines(c, '.countersign.json');
    assert.match(
      line,
      /^the "db" tier matches 2 file\(s\) already here — db\/ \(2, e\.g\. db\/1\.sql\): a change to any of them needs 3 approval\(s\)/,
    );
  });

  it('names at most five patterns and how many more there are', () => {
    const policy = parsePolicy(
      JSON.stringify({
        protectedBranches: ['main'],
        tiers: [{ name: 't', paths: ['*.a', '*.b', '*.c', '*.d', '*.e', '*.f', '*.g'], approvals: 2 }],
      }),
      'p.json',
    );
    const [line] = tierCoverageLines(
      tierCoverage(policy, ['x.a', 'x.b', 'x.c', 'x.d', 'x.e', 'x.f', 'x.g', 'y.g']),
      'p.json',
    );
    assert.match(line, /matches 8 file\(s\).*\*\.g \(2, e\.g\. x\.g\).*and 2 more pattern\(s\)/);
  });
});
