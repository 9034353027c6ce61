import * as assert from 'assert';
import * as fs from 'fs';
import * as fc from 'fast-check';
import {
  canonicalJson,
  canonicalStatementBytes,
  EMPTY_PATCH_ID,
  formatStatementLine,
  MAX_NOTE_ERRORS,
  parseStatementNote,
  plainSignedLine,
  signedLineSchema,
  approvalStatementSchema,
  statementCovers,
  verifySignedStatement,
  type ApprovalStatement,
  type SignedStatement,
} from '../../../src/core/approvalStatement';
import { makeKey, sshKeygenSign, sshKeygenVerify, tempDir, type TestKey } from '../helpers/sshKeys';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const T = '1'.repeat(40);
const P = 'f'.repeat(40);

function statement(over: Partial<ApprovalStatement> = {}): ApprovalStatement {
  return {
    v: 1,
    decision: 'approve',
    reviewer: { name: 'Rita Reviewer', email: 'rita@example.com' },
    tip: A,
    tree: T,
    base: B,
    patchId: P,
    time: '2026-01-31T12:00:00.000Z',
    comment: 'LGTM — ünïcödé ok',
    ...over,
  };
}

describe('approvalStatement: canonical bytes', () => {
  it('are the same whatever the key order, sorted, compact, with no undefined members', () => {
    const s = statement();
    const shuffled = {
      comment: s.comment,
      time: s.time,
      patchId: s.patchId,
      base: s.base,
      tree: s.tree,
      tip: s.tip,
      reviewer: { email: 'rita@example.com', name: 'Rita Reviewer' },
      decision: s.decision,
      v: 1,
    } as ApprovalStatement;
    assert.ok(canonicalStatementBytes(s).equals(canonicalStatementBytes(shuffled)));
    assert.strictEqual(
      canonicalStatementBytes(statement({ comment: undefined })).toString(),
      `{"base":"${B}","decision":"approve","patchId":"${P}","reviewer":{"email":"rita@example.com","name":"Rita Reviewer"},"time":"2026-01-31T12:00:00.000Z","tip":"${A}","tree":"${T}","v":1}`,
    );
  });

  it('canonicalJson escapes like JSON and refuses what JSON cannot say', () => {
    assert.strictEqual(canonicalJson({ b: 'x\n"y"', a: [1, null, true] }), '{"a":[1,null,true],"b":"x\\n\\"y\\""}');
    assert.throws(() => canonicalJson({ a: Number.NaN }));
  });
});

describe('approvalStatement: note lines', () => {
  it('a statement read from a note has the canonicalJson line of its fields, whatever the strings hold', () => {
    const text = fc.string({ unit: 'binary' });
    const hexId = fc.constantFrom(A, B, C, T, P, 'e'.repeat(64));
    const read = fc.record(
      {
        decision: fc.constantFrom('approve', 'reject'),
        name: fc.option(text, { nil: undefined }),
        email: text.map((t) => `${t}@xy`),
        tip: hexId,
        tree: hexId,
        base: hexId,
        patchId: fc.oneof(hexId, fc.constant(EMPTY_PATCH_ID)),
        time: fc.constantFrom('2026-01-31T12:00:00.000Z', '2026-01-31T12:00:00+02:00'),
        comment: fc.option(text, { nil: undefined }),
        signature: text.map((t) => `-----BEGIN SSH SIGNATURE-----\n${t}`),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(read, (r) => {
        const st: ApprovalStatement = {
          v: 1,
          decision: r.decision ?? 'approve',
          reviewer: { ...(r.name !== undefined ? { name: r.name } : {}), email: r.email ?? 'r@x' },
          tip: r.tip ?? A,
          tree: r.tree ?? T,
          base: r.base ?? B,
          patchId: r.patchId ?? P,
          time: r.time ?? '2026-01-31T12:00:00.000Z',
          ...(r.comment !== undefined ? { comment: r.comment } : {}),
        };
        const signature = r.signature ?? '-----BEGIN SSH SIGNATURE-----';
        const general = canonicalJson({ statement: st, signature });
        const parsed = parseStatementNote(general);
        assert.deepStrictEqual(parsed.errors, []);
        assert.strictEqual(formatStatementLine(parsed.statements[0]), general);
      }),
      { numRuns: 300 },
    );
  });
});

describe('approvalStatement: parsing a note', () => {
  it('P5: past MAX_NOTE_ERRORS a note counts its unreadable lines in one error, and still reads every statement', () => {
    const good = formatStatementLine({
      statement: statement(),
      signature: '-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n',
    });
    const junk = Array.from({ length: 4000 }, (_, i) => (i % 2 ? `junk ${i}` : `{"x":${i}}`));
    const parsed = parseStatementNote([...junk, good].join('\n'), 'the note on abc');
    assert.strictEqual(parsed.statements.length, 1, 'the statement after the junk is read');
    assert.strictEqual(parsed.errors.length, MAX_NOTE_ERRORS + 1);
    assert.match(parsed.errors[MAX_NOTE_ERRORS], new RegExp(`and ${4000 - MAX_NOTE_ERRORS} more unreadable line`));
  });

  it('reads one statement per line and reports each malformed line with the commit and line number', () => {
    const good = formatStatementLine({
      statement: statement(),
      signature: '-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n',
    });
    assert.ok(!good.includes('\n'), 'a statement is one line');
    const text = [
      good,
      '',
      'not json',
      JSON.stringify({ statement: statement({ tip: 'HEAD' }), signature: '-----BEGIN SSH SIGNATURE-----' }),
      JSON.stringify({ statement: { ...statement(), extra: 1 }, signature: '-----BEGIN SSH SIGNATURE-----' }),
      JSON.stringify({ statement: statement() }),
      JSON.stringify({ statement: statement({ time: 'yesterday' }), signature: '-----BEGIN SSH SIGNATURE-----' }),
      good + '\r',
    ].join('\n');
    const r = parseStatementNote(text, `note on ${C.slice(0, 7)}`);
    // The last line repeats the first (CRLF aside): a copy is read once.
    assert.strictEqual(r.statements.length, 1);
    assert.deepStrictEqual(r.statements[0].statement, statement());
    assert.strictEqual(r.errors.length, 5, r.errors.join('\n'));
    assert.match(r.errors[0], /^note on ccccccc line 3: not JSON/);
    assert.match(r.errors[1], /line 4: statement tip: must be a full lowercase hex object id/);
    assert.match(r.errors[2], /line 5: statement .*extra/i);
    assert.match(r.errors[3], /line 6: signature/);
    assert.match(r.errors[4], /line 7: statement time: must be an ISO 8601 time/);
  });

  it('an empty note has no statements and no errors', () => {
    assert.deepStrictEqual(parseStatementNote('\n\n'), { statements: [], errors: [] });
  });
});

describe('approvalStatement: the hand check of a note line (plainSignedLine)', () => {
  /** What the two schemas give for `json`, or undefined where either refuses it. */
  const bySchemas = (json: unknown): SignedStatement | undefined => {
    const outer = signedLineSchema.safeParse(json);
    if (!outer.success) return undefined;
    const st = approvalStatementSchema.safeParse(outer.data.statement);
    return st.success ? { statement: st.data as ApprovalStatement, signature: outer.data.signature } : undefined;
  };
  const SIG = '-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n';
  const field = fc.oneof(
    fc.constantFrom(1, 2, '1', 'approve', 'reject', 'x@y', 'ab', A, A.toUpperCase(), '6'.repeat(64), 'empty', null),
    fc.constantFrom('2026-01-31T12:00:00Z', '2026-02-30T12:00:00Z', '2026-01-31T12:00:00.123+01:00', '2026-01-31'),
    fc.constant(undefined),
    fc.string({ maxLength: 6 }),
    fc.array(fc.integer(), { maxLength: 2 }),
    fc.dictionary(fc.constantFrom('name', 'email', 'x', '__proto__'), fc.constantFrom('Rita', 'r@e.x', 'r', 7)),
  );
  const keys = ['v', 'decision', 'reviewer', 'tip', 'tree', 'base', 'patchId', 'time', 'comment', 'extra'];

  it('accepts exactly what both schemas accept (or leaves it to them), and gives their value in their key order', () => {
    const line = fc.record(
      {
        statement: fc.oneof(
          fc.constant(statement()),
          fc.constant(statement({ reviewer: { email: 'r@e.x' }, comment: 'ok', patchId: 'empty' })),
          // A valid statement with one field changed, added or removed, its keys in any order.
          fc.tuple(fc.constantFrom(...keys), field, fc.boolean(), fc.boolean()).map(([k, v, drop, reverse]) => {
            const o: Record<string, unknown> = { ...statement({ comment: 'c' }) };
            if (drop) delete o[k];
            else o[k] = v;
            return reverse ? Object.fromEntries(Object.entries(o).reverse()) : o;
          }),
          field,
        ),
        signature: fc.oneof(fc.constant(SIG), field),
        other: field,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(line, (l) => {
        const json = JSON.parse(JSON.stringify(l) ?? 'null') as unknown;
        const hand = plainSignedLine(json);
        const schemas = bySchemas(json);
        if (hand === undefined) return;
        assert.ok(schemas, `hand check passed what a schema refuses: ${JSON.stringify(json)}`);
        assert.strictEqual(JSON.stringify(hand), JSON.stringify(schemas));
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the lines Countersign writes itself (the fast path is the common path)', () => {
    for (const st of [statement(), statement({ reviewer: { email: 'r@e.x' }, comment: 'c', decision: 'reject' })]) {
      const json = JSON.parse(formatStatementLine({ statement: st, signature: SIG })) as unknown;
      assert.deepStrictEqual(plainSignedLine(json), bySchemas(json));
      assert.ok(plainSignedLine(json));
    }
  });
});

describe('approvalStatement: what a statement covers', () => {
  const target = { tip: A, tree: T, base: B, patchId: P };
  it('exact tip, tree and base: exact', () => assert.strictEqual(statementCovers(statement(), target), 'exact'));
  it('same patch-id on another tip and base (a rebase): rebased', () =>
    assert.strictEqual(
      statementCovers(statement(), { tip: C, tree: '2'.repeat(40), base: '3'.repeat(40), patchId: P }),
      'rebased',
    ));
  it('same tip reviewed against another base: tip (caller intersects the spans)', () =>
    assert.strictEqual(statementCovers(statement(), { ...target, base: C, patchId: '9'.repeat(40) }), 'tip'));
  it('a new commit on top (other tip, other patch-id): nothing', () =>
    assert.strictEqual(statementCovers(statement(), { tip: C, tree: T, base: B, patchId: '9'.repeat(40) }), undefined));
  it('a tip whose tree does not match is inconsistent: nothing, even with a matching patch-id', () =>
    assert.strictEqual(statementCovers(statement(), { ...target, tree: '2'.repeat(40) }), undefined));
  it('an empty change covers only its exact tip, never another empty change', () => {
    assert.strictEqual(
      statementCovers(statement({ patchId: EMPTY_PATCH_ID }), { tip: C, tree: T, base: B, patchId: EMPTY_PATCH_ID }),
      undefined,
    );
    assert.strictEqual(
      statementCovers(statement({ patchId: EMPTY_PATCH_ID }), { ...target, patchId: EMPTY_PATCH_ID }),
      'exact',
    );
  });
});

describe('approvalStatement: signatures (real ssh-keygen)', function () {
  this.timeout(30_000);
  let dir: string;
  let rita: TestKey;
  let mallory: TestKey;
  let signed: SignedStatement;

  before(() => {
    dir = tempDir();
    rita = makeKey(dir, 'rita', ['-t', 'ed25519']);
    mallory = makeKey(dir, 'mallory', ['-t', 'ecdsa', '-b', '256']);
    const s = statement();
    signed = { statement: s, signature: sshKeygenSign(rita.privateFile, canonicalStatementBytes(s)) };
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("verifies for the reviewer's key, and survives the trip through a note line", () => {
    const r = verifySignedStatement(signed, rita.publicLine);
    assert.ok(r.ok, JSON.stringify(r));
    const [back] = parseStatementNote(formatStatementLine(signed)).statements;
    assert.ok(verifySignedStatement(back, rita.publicLine).ok);
    assert.ok(sshKeygenVerify(rita.publicLine, canonicalStatementBytes(back.statement), back.signature));
  });

  it('attack: the statement copied onto another commit (tip, tree, base or patch-id edited) fails, for both verifiers', () => {
    for (const over of [
      { tip: C },
      { tree: C },
      { base: C },
      { patchId: C },
      { decision: 'reject' as const },
      { reviewer: { email: 'mallory@example.com' } },
      { comment: undefined },
    ]) {
      const forged = { statement: statement(over), signature: signed.signature };
      const r = verifySignedStatement(forged, rita.publicLine);
      assert.ok(!r.ok && /does not match/.test(r.reason), JSON.stringify({ over, r }));
      assert.strictEqual(
        sshKeygenVerify(rita.publicLine, canonicalStatementBytes(forged.statement), forged.signature),
        false,
      );
    }
  });

  it("attack: a statement signed by an unlisted key fails against the listed reviewer's key", () => {
    const s = statement();
    const byMallory = { statement: s, signature: sshKeygenSign(mallory.privateFile, canonicalStatementBytes(s)) };
    const r = verifySignedStatement(byMallory, rita.publicLine);
    assert.ok(!r.ok && /made by key/.test(r.reason));
    assert.ok(
      verifySignedStatement(byMallory, mallory.publicLine).ok,
      'valid only for its own key, which the gate does not list',
    );
  });

  it('attack: a git commit signature (namespace "git") over the same bytes is not an approval', () => {
    const s = statement();
    const gitSig = {
      statement: s,
      signature: sshKeygenSign(rita.privateFile, canonicalStatementBytes(s), { namespace: 'git' }),
    };
    const r = verifySignedStatement(gitSig, rita.publicLine);
    assert.ok(!r.ok && /namespace/.test(r.reason));
  });

  it('a statement that does not match the schema fails verification rather than throwing', () => {
    const bad = { statement: { ...statement(), v: 2 } as unknown as ApprovalStatement, signature: signed.signature };
    const r = verifySignedStatement(bad, rita.publicLine);
    assert.ok(!r.ok && /malformed statement/.test(r.reason));
  });
});
