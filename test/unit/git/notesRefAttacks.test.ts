import * as assert from 'assert';
import { recordDecision } from '../helpers/approvals';
import { commitFile, pushMain, setup } from '../helpers/gateServer';

/**
 * Attacks on the approvals ref itself (docs/design.md, "Approvals": append-only where it is enforced), each against
 * a real bare server with the real installed pre-receive. Most need two pushes: one that rewrites or deletes
 * refs/notes/countersign, a second that lands the commit a reviewer rejected.
 */
describe('approvals ref is append-only on the server (real pushes)', function () {
  this.timeout(90_000);

  /** Bob approves `tip`, pushes; then rejects it and pushes again. Returns the notes commit holding only the approval. */
  function approvedThenRejected() {
    const s = setup();
    const { ada, bob, server } = s;
    const base = ada.git('rev-parse', 'origin/main');
    const tip = commitFile(ada, 'x.ts', 'x\n', 'x');
    const t0 = Date.now();
    recordDecision(ada, bob, { email: 'bob@example.com', tip, base, time: new Date(t0).toISOString() });
    assert.strictEqual(ada.gitResult(['push', 'origin', 'refs/notes/countersign']).status, 0);
    const approvedOnly = ada.git('rev-parse', 'refs/notes/countersign');
    recordDecision(ada, bob, {
      email: 'bob@example.com',
      tip,
      base,
      decision: 'reject',
      comment: 'drops the prod DB',
      time: new Date(t0 + 1000).toISOString(),
    });
    assert.strictEqual(ada.gitResult(['push', 'origin', 'refs/notes/countersign']).status, 0);
    const withRejection = server.git('rev-parse', 'refs/notes/countersign');
    return { ...s, tip, base, approvedOnly, withRejection };
  }

  it('deleting refs/notes/countersign is refused, so a second push cannot land the rejected commit', () => {
    const { ada, server, withRejection } = approvedThenRejected();
    const del = ada.gitResult(['push', 'origin', '--delete', 'refs/notes/countersign']);
    assert.notStrictEqual(del.status, 0, 'deleting every approval and rejection must be refused');
    assert.match(del.stderr, /deleting refs\/notes\/countersign is not allowed/);
    assert.strictEqual(server.git('rev-parse', 'refs/notes/countersign'), withRejection);
    const land = pushMain(ada);
    assert.notStrictEqual(land.status, 0);
    assert.match(land.stderr, /requested changes .*"drops the prod DB"/);
  });

  it('force-pushing the notes ref back to before a rejection is refused (notes-only push), and the rejected commit stays out', () => {
    const { ada, server, approvedOnly, withRejection } = approvedThenRejected();
    ada.git('update-ref', 'refs/notes/countersign', approvedOnly);
    const rewind = ada.gitResult(['push', '--no-verify', '-f', 'origin', 'refs/notes/countersign']);
    assert.notStrictEqual(rewind.status, 0, 'a non-fast-forward update of the approvals ref must be refused');
    assert.match(rewind.stderr, /non-fast-forward update of refs\/notes\/countersign is not allowed/);
    assert.strictEqual(server.git('rev-parse', 'refs/notes/countersign'), withRejection);
    const land = pushMain(ada, '--no-verify');
    assert.notStrictEqual(land.status, 0);
    assert.match(land.stderr, /requested changes/);
  });

  it('a fast-forward notes commit that removes the rejection line is refused', () => {
    const { ada, server, tip, withRejection } = approvedThenRejected();
    ada.git('fetch', '-q', 'origin', '+refs/notes/countersign:refs/notes/countersign');
    const lines = ada.git('notes', '--ref=refs/notes/countersign', 'show', tip).split('\n');
    const kept = lines.filter((l) => !l.includes('"reject"'));
    assert.strictEqual(kept.length, lines.length - 1);
    ada.git('notes', '--ref=refs/notes/countersign', 'add', '-f', '-m', kept.join('\n'), tip);
    const r = ada.gitResult(['push', '--no-verify', 'origin', 'refs/notes/countersign']);
    assert.notStrictEqual(r.status, 0, 'a notes tree missing a statement the server had must be refused');
    assert.match(r.stderr, /removes 1 approval statement\(s\) the server has/);
    assert.match(r.stderr, /reject by bob@example\.com/);
    assert.strictEqual(server.git('rev-parse', 'refs/notes/countersign'), withRejection);
    // Moving the whole note to another commit is refused too: a statement sits on the note of the commit it names
    // (issue 10, I3), so the rejection stays where it is.
    ada.git('fetch', '-q', 'origin', '+refs/notes/countersign:refs/notes/countersign');
    const other = ada.git('rev-parse', 'origin/main');
    ada.git('notes', '--ref=refs/notes/countersign', 'copy', tip, other);
    ada.git('notes', '--ref=refs/notes/countersign', 'remove', tip);
    const moved = ada.gitResult(['push', '--no-verify', 'origin', 'refs/notes/countersign']);
    assert.notStrictEqual(moved.status, 0, 'a note moved to another commit');
    assert.match(moved.stderr, /not the commit its note is on/);
    assert.notStrictEqual(pushMain(ada, '--no-verify').status, 0, 'the rejection still counts wherever its line sits');
  });

  it('an unreadable line may be cleaned up; a readable statement may not', () => {
    const { ada, bob, server } = setup();
    const base = ada.git('rev-parse', 'origin/main');
    const tip = commitFile(ada, 'x.ts', 'x\n', 'x');
    recordDecision(ada, bob, { email: 'bob@example.com', tip, base });
    ada.git(
      'notes',
      '--ref=refs/notes/countersign',
      'append',
      '-m',
      '{"statement": {"v": 1, "decision": "reject"',
      tip,
    );
    // The server no longer takes an unreadable line (notesFlood.test.ts); one from before that rule is
    // planted on the server directly, as an administrator's import would.
    assert.notStrictEqual(ada.gitResult(['push', 'origin', 'refs/notes/countersign']).status, 0);
    assert.strictEqual(ada.gitResult(['push', 'origin', 'refs/notes/countersign:refs/notes/legacy']).status, 0);
    server.git('update-ref', 'refs/notes/countersign', ada.git('rev-parse', 'refs/notes/countersign'));
    const lines = ada.git('notes', '--ref=refs/notes/countersign', 'show', tip).split('\n');
    ada.git(
      'notes',
      '--ref=refs/notes/countersign',
      'add',
      '-f',
      '-m',
      lines.filter((l) => l.includes('signature')).join('\n'),
      tip,
    );
    const r = ada.gitResult(['push', '--no-verify', 'origin', 'refs/notes/countersign', 'main']);
    assert.strictEqual(r.status, 0, r.stderr);
  });

  it('refs/notes/ai may be extended but not deleted or rewound', () => {
    const { ada, server } = setup();
    const first = commitFile(ada, 'a.ts', 'a\n', 'a\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    assert.strictEqual(pushMain(ada).status, 0);
    // Readable notes (the server takes no other into refs/notes/ai: aiNoteGrief.test.ts).
    ada.git(
      'notes',
      '--ref=refs/notes/ai',
      'add',
      '-m',
      'a.ts\n  h_0123456789abcd 1\n---\n{"schema_version":"authorship/3.0.0"}',
      first,
    );
    const before = ada.git('rev-parse', 'refs/notes/ai');
    assert.strictEqual(ada.gitResult(['push', 'origin', 'refs/notes/ai']).status, 0);
    ada.git(
      'notes',
      '--ref=refs/notes/ai',
      'add',
      '-f',
      '-m',
      'a.ts\n  h_0123456789abcd 1\n---\n{"schema_version":"authorship/3.0.0","base_commit_sha":""}',
      first,
    );
    assert.strictEqual(ada.gitResult(['push', 'origin', 'refs/notes/ai']).status, 0, 'a fast-forward is fine');
    const del = ada.gitResult(['push', 'origin', '--delete', 'refs/notes/ai']);
    assert.notStrictEqual(del.status, 0);
    assert.match(del.stderr, /deleting refs\/notes\/ai is not allowed/);
    ada.git('update-ref', 'refs/notes/ai', before);
    const rewind = ada.gitResult(['push', '-f', 'origin', 'refs/notes/ai']);
    assert.notStrictEqual(rewind.status, 0);
    assert.match(rewind.stderr, /non-fast-forward update of refs\/notes\/ai is not allowed/);
    assert.notStrictEqual(server.git('rev-parse', 'refs/notes/ai'), before);
  });
  it('a ref equal to a guarded notes ref but for case is refused (case-insensitive clones store them as one)', () => {
    const s = setup();
    const { ada, server } = s;
    commitFile(ada, 'y.ts', 'y\n', 'y');
    ada.git('notes', '--ref=refs/notes/AI', 'add', '-m', 'not a note', 'HEAD');
    ada.git('notes', '--ref=refs/notes/Countersign', 'add', '-m', 'not a statement', 'HEAD');
    for (const ref of ['refs/notes/AI', 'refs/notes/Countersign']) {
      const r = ada.gitResult(['push', 'origin', `${ref}:${ref}`]);
      assert.notStrictEqual(r.status, 0, `${ref} was accepted`);
      assert.match(r.stderr, /differs from refs\/notes\/(ai|countersign) only in letter case/);
      assert.strictEqual(server.gitResult(['rev-parse', '--verify', '-q', ref]).status, 1);
    }
    // Other notes refs stay the team's business.
    ada.git('notes', '--ref=refs/notes/review-comments', 'add', '-m', 'fine', 'HEAD');
    assert.strictEqual(ada.gitResult(['push', 'origin', 'refs/notes/review-comments']).status, 0);
  });
});
