import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { z } from 'zod';
import { CountersignError } from '../../../src/core/errors';
import type { policySchema } from '../../../src/core/policySchema';
import { checkPolicy, isProtected, parsePolicy } from '../../../src/core/policy';
import { DEFAULT_TIERS } from '../../../src/core/defaultTiers';
import { publicKeyProblem } from '../../../src/core/policySchema';
import { policyJsonSchema } from '../../../src/core/policyJsonSchema';
import { makeKey } from '../helpers/reviewerKeys';

describe('policy (.countersign.json)', () => {
  const bob = makeKey('bob');

  it('fills sensible defaults around the required fields', () => {
    const p = parsePolicy(
      JSON.stringify({
        protectedBranches: ['main'],
        reviewers: [{ name: 'Bob', email: 'bob@example.com', key: bob.publicKey }],
      }),
      '.countersign.json',
    );
    assert.strictEqual(p.approvals, 1);
    assert.deepStrictEqual(p.review, {
      aiLines: 1,
      aiShare: 0,
      unattested: true,
      untracked: { lines: 20, share: 0.5 },
      paths: [],
    });
    assert.deepStrictEqual(
      p.tiers.map((t) => t.name),
      DEFAULT_TIERS.map((t) => t.name),
    );
    assert.ok(p.tiers[0].paths.includes('*.tf'));
    assert.ok(p.tiers[0].paths.includes('.github/workflows/'));
    assert.strictEqual(isProtected(p, 'main'), 'main');
    assert.strictEqual(isProtected(p, 'refs/heads/main'), 'main');
    assert.strictEqual(isProtected(p, 'feature/x'), undefined);
  });

  it('"tiers": [] turns tiers off', () => {
    const p = parsePolicy('{"protectedBranches": ["main"], "tiers": []}', 'x.json');
    assert.deepStrictEqual(p.tiers, []);
  });

  it('review.untracked: thresholds with defaults, false to turn it off, and errors that say what to write', () => {
    const parse = (untracked: unknown) =>
      parsePolicy(JSON.stringify({ protectedBranches: ['main'], review: { untracked } }), 'p.json').review.untracked;
    assert.deepStrictEqual(parse({ lines: 50 }), { lines: 50, share: 0.5 });
    assert.deepStrictEqual(parse({ share: 0.9 }), { lines: 20, share: 0.9 });
    assert.strictEqual(parse(false), false);
    const check = (untracked: unknown) =>
      checkPolicy(JSON.stringify({ protectedBranches: ['main'], review: { untracked } }, null, 2), '.countersign.json')
        .problems;
    const wrongType = check(true);
    assert.strictEqual(wrongType.length, 1, JSON.stringify(wrongType));
    assert.strictEqual(wrongType[0].path, 'review.untracked');
    assert.match(wrongType[0].message, /expected false or an object, found boolean true/);
    assert.match(wrongType[0].fix, /"untracked": \{"lines": 20, "share": 0\.5\}/);
    const share = check({ lines: 20, share: 50 });
    assert.strictEqual(share[0].path, 'review.untracked.share');
    assert.match(share[0].fix, /a number from 0 to 1/);
    const typo = check({ line: 20 });
    assert.strictEqual(typo[0].path, 'review.untracked.line');
    assert.match(typo[0].fix, /did you mean 'lines'/);
  });

  it('reports JSON syntax errors with line:column', () => {
    const text = '{\n  "protectedBranches": ["main"],\n  "reviewers": [,]\n}\n';
    const r = checkPolicy(text, '.countersign.json');
    assert.strictEqual(r.policy, undefined);
    assert.strictEqual(r.problems.length, 1);
    assert.strictEqual(r.problems[0].line, 3);
    assert.strictEqual(r.problems[0].column, 17);
    assert.match(r.problems[0].message, /not valid JSON/);
  });

  it('reports a trailing comma at the end of the file', () => {
    const r = checkPolicy('{"protectedBranches": ["main"],}', 'p.json');
    assert.strictEqual(r.problems[0].line, 1);
    assert.ok((r.problems[0].column ?? 0) > 25);
  });

  it('names the usual hand-written JSON mistakes at their position', () => {
    const single = checkPolicy("{\n  'protectedBranches': ['main']\n}", 'p.json').problems[0];
    assert.deepStrictEqual([single.line, single.column], [2, 3]);
    assert.match(single.message, /double quotes/);
    const comment = checkPolicy('{\n  // who reviews\n  "protectedBranches": ["main"]\n}', 'p.json').problems[0];
    assert.deepStrictEqual([comment.line, comment.column], [2, 3]);
    assert.match(comment.message, /no comments/);
    const unterminated = checkPolicy('{"protectedBranches": ["main]}', 'p.json').problems[0];
    assert.match(unterminated.message, /unterminated string/);
  });

  it('locates schema errors and says what was expected and the fix', () => {
    const text = [
      '{',
      '  "protectedBranches": ["main"],',
      '  "reviewers": [',
      '    {"name": "Bob", "email": "bob@example.com", "key": "ssh-ed25519 AAAAnotakey"},',
      '    {"name": "Eve", "email": "not-an-email", "publicKey": "x"}',
      '  ],',
      '  "approvals": 0',
      '}',
    ].join('\n');
    const r = checkPolicy(text, '.countersign.json');
    const byPath = new Map(r.problems.map((p) => [p.path, p]));
    const key0 = byPath.get('reviewers[0].key');
    assert.ok(key0, JSON.stringify(r.problems));
    assert.strictEqual(key0.line, 4);
    assert.match(key0.fix, /id_ed25519\.pub|policy init/);
    const unknown = byPath.get('reviewers[1].publicKey');
    assert.ok(unknown);
    assert.strictEqual(unknown.line, 5);
    assert.match(unknown.fix, /did you mean 'key'/);
    assert.ok(byPath.get('reviewers[1].key'), 'missing key reported');
    assert.match(byPath.get('reviewers[1].key')?.message ?? '', /missing required field 'key'/);
    assert.match(byPath.get('reviewers[1].email')?.message ?? '', /email address/);
    assert.strictEqual(byPath.get('approvals')?.line, 7);
    assert.match(byPath.get('approvals')?.message ?? '', />=\s*1|at least|expected/);
  });

  it('parsePolicy throws a config error naming the file and every problem', () => {
    assert.throws(
      () => parsePolicy('{"protected": ["main"]}', 'repo/.countersign.json'),
      (e: unknown) => {
        assert.ok(CountersignError.is(e, 'config'));
        assert.match(e.message, /repo\/\.countersign\.json:1:2: protected: unknown field 'protected'/);
        assert.match(e.message, /did you mean 'protectedBranches'/);
        assert.match(e.message, /missing required field 'protectedBranches'/);
        return true;
      },
    );
  });

  it('newuser12 P13: a misspelt field gets the nearest field name, not only the list', () => {
    for (const [typo, meant] of [
      ['protectedBranchs', 'protectedBranches'],
      ['reviwers', 'reviewers'],
      ['protectedTag', 'protectedTags'],
      ['alowForcePushes', 'allowForcePushes'],
    ]) {
      assert.throws(
        () => parsePolicy(`{"protectedBranches": ["main"], "${typo}": 1}`, '.countersign.json'),
        (e: unknown) => {
          assert.match((e as Error).message, new RegExp(`unknown field '${typo}'[\\s\\S]*did you mean '${meant}'`));
          return true;
        },
        typo,
      );
    }
  });

  it('rejects the same reviewer or key twice', () => {
    const r = checkPolicy(
      JSON.stringify({
        protectedBranches: ['main'],
        reviewers: [
          { name: 'Bob', email: 'bob@example.com', key: bob.publicKey },
          { name: 'Bobby', email: 'BOB@example.com', key: bob.publicKey },
        ],
      }),
      'p.json',
    );
    assert.deepStrictEqual(r.problems.map((p) => p.path).sort(), ['reviewers[1].email', 'reviewers[1].key']);
  });

  it("the same reviewer spelled in another Unicode form is the same person (the two-person rule's own comparison)", () => {
    const other = makeKey('zoe-policy');
    const r = checkPolicy(
      JSON.stringify({
        protectedBranches: ['main'],
        reviewers: [
          { name: 'Zoë', email: 'zo\u00eb@example.com', key: bob.publicKey },
          { name: 'Zoë again', email: 'zoe\u0308@example.com', key: other.publicKey },
        ],
      }),
      'p.json',
    );
    assert.deepStrictEqual(
      r.problems.map((p) => p.path),
      ['reviewers[1].email'],
    );
  });

  it('rejects a malformed glob and a tier without a condition', () => {
    const r = checkPolicy(
      JSON.stringify({ protectedBranches: ['release/{a,b'], tiers: [{ name: 'empty', approvals: 2 }] }),
      'p.json',
    );
    assert.ok(r.problems.some((p) => p.path === 'protectedBranches[0]' && /no matching/.test(p.message)));
    assert.ok(r.problems.some((p) => p.path === 'tiers[0]' && /no condition/.test(p.message)));
  });

  it('warns about requirements nobody listed can meet', () => {
    const r = checkPolicy(
      JSON.stringify({
        protectedBranches: ['main'],
        reviewers: [{ name: 'Bob', email: 'bob@example.com', key: bob.publicKey }],
        tiers: [{ name: 'infra', paths: ['*.tf'], approvals: 2, roles: ['sre'] }],
      }),
      'p.json',
    );
    assert.ok(r.policy);
    assert.ok(r.warnings.some((w) => /needs 2 approvals but only 1/.test(w)));
    assert.ok(r.warnings.some((w) => /role 'sre' but no reviewer/.test(w)));
    assert.ok(
      r.warnings.some((w) => /with 1 reviewer\(s\) a reviewer's own commit that needs 2 .* at least 3/.test(w)),
    );
  });

  it('checks public keys for every type ssh-keygen makes', () => {
    for (const t of ['ed25519', 'ecdsa', 'rsa'] as const)
      assert.strictEqual(publicKeyProblem(makeKey('k', t).publicKey), undefined);
    assert.match(publicKeyProblem('-----BEGIN OPENSSH PRIVATE KEY-----') ?? '', /PRIVATE/);
    const [, blob] = bob.publicKey.split(' ');
    assert.match(publicKeyProblem(`ssh-rsa ${blob}`) ?? '', /says 'ssh-ed25519'/);
  });

  it('the committed JSON Schema equals the one generated from the zod schema', () => {
    const committed = JSON.parse(fs.readFileSync(path.resolve('media', 'countersign.schema.json'), 'utf8')) as unknown;
    assert.deepStrictEqual(
      committed,
      policyJsonSchema(),
      'run `node .out/NAME/scripts/generatePolicySchema.js` (or npm run schema) and commit media/countersign.schema.json',
    );
  });

  it('package.json contributes the schema for .countersign.json', () => {
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as {
      contributes: { jsonValidation?: Array<{ fileMatch: string | string[]; url: string }> };
    };
    const entry = pkg.contributes.jsonValidation?.find((j) =>
      ([] as string[]).concat(j.fileMatch).includes('.countersign.json'),
    );
    assert.ok(entry, 'contributes.jsonValidation has an entry for .countersign.json');
    assert.strictEqual(entry.url, './media/countersign.schema.json');
  });

  it('the schema type matches what parsePolicy returns', () => {
    const parsed: z.output<typeof policySchema> = parsePolicy('{"protectedBranches": []}', 'p.json');
    assert.deepStrictEqual(parsed.protectedBranches, []);
  });
});
