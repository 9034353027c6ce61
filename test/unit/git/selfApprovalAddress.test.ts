import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { cloneAs, recordDecision } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { setup, type Setup } from '../helpers/gateServer';
import type { TempRepo } from '../helpers/tempRepo';

/**
 * attack29 F8: the same-person rule under an empty address and a plus-tagged one. Bob, a listed reviewer, commits his
 * own unattested change as `Bob <>` (git and receive.fsckObjects accept it) or as `bob+wip@example.com` (the same
 * mailbox at Gmail, Microsoft 365, Fastmail…) and approves it himself. Real server; verify agreeing.
 */
describe('server gate: self-approval under an empty or plus-tagged address (attack29 F8)', function () {
  this.timeout(240_000);

  let s: Setup;
  let bob: TempRepo;
  beforeEach(() => {
    s = setup();
    bob = cloneAs(s.server.dir, 'Bob Reviewer', 'bob@example.com', s.bob.publicKeyFile);
  });
  afterEach(() => fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true }));

  /** Bob's unattested commit on main as `email` (author and committer); returns [base, tip]. */
  function bobsCommit(email: string): [string, string] {
    const base = bob.git('rev-parse', 'HEAD');
    bob.write('auth.js', 'function handler(req) {\n  return serve(req);\n}\n');
    bob.git('add', 'auth.js');
    // No hooks in this clone: the commit is unattested, so it needs review.
    const who = { GIT_AUTHOR_NAME: 'Bob Reviewer', GIT_COMMITTER_NAME: 'Bob Reviewer' };
    const env = { ...bob.env, ...who, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_EMAIL: email };
    const c = spawnSync('git', ['commit', '-q', '-m', 'drop check'], { cwd: bob.dir, env, encoding: 'utf8' });
    assert.strictEqual(c.status, 0, c.stderr);
    const tip = bob.git('rev-parse', 'HEAD');
    assert.notStrictEqual(tip, base);
    return [base, tip];
  }
  const pushNotes = () =>
    assert.strictEqual(bob.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);

  it('an empty author and committer address: no approval counts, the refusal says why and how to fix it', () => {
    const [base, tip] = bobsCommit('');
    assert.match(bob.git('cat-file', '-p', tip), /^author Bob Reviewer <> /m);
    // approve refuses up front: nobody can be shown not to be its author.
    const up = bob.cli(['approve', 'HEAD', '--base', base, '--no-push']);
    assert.strictEqual(up.status, 2, up.stdout + up.stderr);
    assert.match(up.stderr, /no email address/);
    assert.match(up.stderr, /--reset-author/);

    recordDecision(bob, s.bob, { email: 'bob@example.com', tip, base });
    recordDecision(bob, s.carol, { email: 'carol@example.com', tip, base });
    pushNotes();
    const own = verifyThenPush(bob, 'main', ['origin', 'main']);
    assert.notStrictEqual(own.status, 0, "Bob's own change landed on approvals of a commit that names no address");
    assert.match(own.stderr, /no email address/);
    assert.match(own.stderr, /--reset-author/);
    assert.strictEqual(s.server.git('rev-parse', 'main'), base);

    // Re-created with an address, Carol's approval counts (Bob's does not: he authored it).
    assert.strictEqual(bob.gitResult(['commit', '-q', '--amend', '--reset-author', '--no-edit']).status, 0);
    const fixed = bob.git('rev-parse', 'HEAD');
    recordDecision(bob, s.carol, { email: 'carol@example.com', tip: fixed, base });
    pushNotes();
    const r = verifyThenPush(bob, 'main', ['origin', 'main']);
    assert.strictEqual(r.status, 0, r.stderr);
  });

  it("a plus-tagged address is the reviewer's own: his approval does not count, Carol's does", () => {
    const [base, tip] = bobsCommit('bob+wip@example.com');
    const up = bob.cli(['approve', 'HEAD', '--base', base, '--no-push']);
    assert.strictEqual(up.status, 2, up.stdout + up.stderr);
    assert.match(up.stderr, /You authored/);

    recordDecision(bob, s.bob, { email: 'bob@example.com', tip, base });
    pushNotes();
    const own = verifyThenPush(bob, 'main', ['origin', 'main']);
    assert.notStrictEqual(own.status, 0, 'Bob approved his own change made as bob+wip@');
    assert.match(own.stderr, /they authored this commit \(two-person rule\)/);
    assert.strictEqual(s.server.git('rev-parse', 'main'), base);

    recordDecision(bob, s.carol, { email: 'carol@example.com', tip, base });
    pushNotes();
    const r = verifyThenPush(bob, 'main', ['origin', 'main']);
    assert.strictEqual(r.status, 0, r.stderr);
  });
});
