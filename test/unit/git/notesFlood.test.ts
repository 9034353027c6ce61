import * as assert from 'assert';
import { createHash } from 'crypto';
import { formatStatementLine } from '../../../src/core/approvalStatement';
import { gatherApprovals } from '../../../src/git/gateInput';
import { recordDecision, sign, statementFor } from '../helpers/approvals';
import { commitFile, pushMain, setup, type Setup } from '../helpers/gateServer';

/**
 * The notes-flood denial of service (docs/threat-model.md): junk lines in refs/notes/countersign that the
 * append-only rule then protects forever, one blob fanned out under many fake object ids, so every later
 * judgement reads K×N statements. Against a real bare server with the real pre-receive; sizes stay small —
 * the figures are in scripts/bench-verify.ts, not here.
 */
describe('notes flood: the server only takes signed statements on real commits (real pushes)', function () {
  this.timeout(120_000);
  const K = 20;
  const N = 30;
  let s: Setup;

  before(() => {
    s = setup();
  });

  /** A fake object id, as many as the attacker likes. */
  const fakeOid = (i: number) => createHash('sha1').update(`fake${i}`).digest('hex');

  /** A notes commit on top of the server's refs/notes/countersign that holds `blob` under each path. */
  function notesCommitWith(blob: string, paths: string[]): string {
    const { ada } = s;
    ada.gitResult(['fetch', '-q', 'origin', '+refs/notes/countersign:refs/notes/countersign']);
    const parent = ada.gitResult(['rev-parse', '--verify', '-q', 'refs/notes/countersign']).stdout.trim();
    const existing = parent ? ada.git('ls-tree', parent).split('\n').filter(Boolean) : [];
    const tree = ada
      .gitResult(['mktree'], [...existing, ...paths.map((p) => `100644 blob ${blob}\t${p}`)].join('\n') + '\n')
      .stdout.trim();
    return ada.git('commit-tree', tree, ...(parent ? ['-p', parent] : []), '-m', 'notes');
  }

  function blobOf(text: string): string {
    return s.ada.gitResult(['hash-object', '-w', '--stdin'], text).stdout.trim();
  }

  function serverNotes(): string {
    return s.server.gitResult(['rev-parse', '--verify', '-q', 'refs/notes/countersign']).stdout.trim();
  }

  it('refuses readable but unsigned junk fanned out under fake object ids, naming the note and the fix', () => {
    const junk: string[] = [];
    for (let i = 0; i < K; i++) {
      const h = fakeOid(1000 + i);
      junk.push(
        JSON.stringify({
          signature: '-----BEGIN SSH SIGNATURE-----junk',
          statement: {
            base: h,
            decision: 'reject',
            patchId: h,
            reviewer: { email: 'bob@example.com' },
            time: '2026-01-01T00:00:00Z',
            tip: h,
            tree: h,
            v: 1,
          },
        }),
      );
    }
    const before = serverNotes();
    const commit = notesCommitWith(
      blobOf(junk.join('\n') + '\n'),
      Array.from({ length: N }, (_, i) => fakeOid(i)),
    );
    const r = s.ada.gitResult(['push', '--no-verify', 'origin', `${commit}:refs/notes/countersign`]);
    assert.notStrictEqual(r.status, 0, 'junk the append-only rule would protect forever must not get in');
    assert.match(r.stderr, /refs\/notes\/countersign/);
    assert.match(r.stderr, /names no commit in this repository/);
    // Each line is about another commit than the fake one its note is on (issue 10, I3), refused before any
    // signature is checked.
    assert.match(r.stderr, /not the commit its note is on/);
    assert.match(r.stderr, /countersign approve/);
    assert.strictEqual(serverNotes(), before);
  });

  it("refuses a statement not signed by a listed key, a forged one with a reviewer's key, and an unreadable line — on a real commit", () => {
    const { ada, bob, mallory } = s;
    const base = ada.git('rev-parse', 'origin/main');
    const tip = commitFile(ada, 'f.ts', 'f\n', 'f');
    ada.git('push', '-q', '--no-verify', 'origin', 'HEAD:refs/heads/feature-f');
    const cases: Array<{ line: string; why: RegExp }> = [
      {
        line: formatStatementLine(sign(mallory, statementFor(ada.dir, { email: 'bob@example.com', tip, base }))),
        why: /does not verify|signed by another key/,
      },
      {
        line: formatStatementLine(sign(mallory, statementFor(ada.dir, { email: 'mallory@example.com', tip, base }))),
        why: /not a reviewer/,
      },
      // Bob's real key in the signature, but the statement was altered after signing: a full signature check each.
      {
        line: (() => {
          const good = sign(bob, statementFor(ada.dir, { email: 'bob@example.com', tip, base }));
          return formatStatementLine({ ...good, statement: { ...good.statement, decision: 'reject' } });
        })(),
        why: /does not verify|does not match/,
      },
      { line: '{"statement": {"v": 1, "decision": "reject"', why: /not JSON/ },
    ];
    const before = serverNotes();
    for (const c of cases) {
      const commit = notesCommitWith(blobOf(c.line + '\n'), [tip]);
      const r = ada.gitResult(['push', '--no-verify', 'origin', `${commit}:refs/notes/countersign`]);
      assert.notStrictEqual(r.status, 0, `must be refused: ${c.line.slice(0, 80)}`);
      assert.match(r.stderr, new RegExp(`note on ${tip.slice(0, 12)}`));
      assert.match(r.stderr, c.why);
      assert.strictEqual(serverNotes(), before);
    }
  });

  it('takes a signed approval of a commit the server does not have yet, then the approved push lands', () => {
    const { ada, bob } = s;
    ada.git('checkout', '-q', 'main');
    ada.git('reset', '-q', '--hard', 'origin/main');
    const base = ada.git('rev-parse', 'origin/main');
    const tip = commitFile(ada, 'ok.ts', 'ok\n', 'ok');
    ada.gitResult(['fetch', '-q', 'origin', '+refs/notes/countersign:refs/notes/countersign']);
    recordDecision(ada, bob, { email: 'bob@example.com', tip, base });
    const notes = ada.gitResult(['push', '--no-verify', 'origin', 'refs/notes/countersign']);
    assert.strictEqual(notes.status, 0, notes.stderr);
    const land = pushMain(ada);
    assert.strictEqual(land.status, 0, land.stderr);
  });

  it('refuses a signed statement the server already has, replayed under fake object ids', () => {
    const { ada } = s;
    const tip = ada.git('rev-parse', 'main');
    const blob = ada.git('notes', '--ref=refs/notes/countersign', 'list', tip);
    const before = serverNotes();
    const commit = notesCommitWith(
      blob,
      Array.from({ length: N }, (_, i) => fakeOid(5000 + i)),
    );
    const r = ada.gitResult(['push', '--no-verify', 'origin', `${commit}:refs/notes/countersign`]);
    assert.notStrictEqual(r.status, 0, 'the same blob under N fake ids would cost N reads on every push');
    assert.match(r.stderr, /names no commit in this repository/);
    assert.strictEqual(serverNotes(), before);
  });

  it('reads a note blob once however many paths point at it, and judges each distinct statement once', async () => {
    const { ada } = s;
    // Legacy junk written on the server directly (as before this defence): the reader's cost follows blobs.
    const tip = ada.git('rev-parse', 'main');
    const blob = ada.git('notes', '--ref=refs/notes/countersign', 'list', tip);
    const lines = ada.git('cat-file', 'blob', blob).split('\n').filter(Boolean);
    const commit = notesCommitWith(
      blob,
      Array.from({ length: N }, (_, i) => fakeOid(9000 + i)),
    );
    ada.git('update-ref', 'refs/notes/countersign', commit);
    const r = await gatherApprovals(ada.dir, ['refs/notes/countersign']);
    assert.strictEqual(
      r.statements.length,
      lines.length,
      `${N + 1} paths to one blob of ${lines.length} line(s) are ${lines.length} statement(s)`,
    );
  });
});
