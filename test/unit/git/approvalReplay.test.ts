import * as assert from 'assert';
import { attach, cloneAs, sign, statementFor } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, setup, type Setup } from '../helpers/gateServer';

/**
 * A patch-id ignores line numbers, so the same edit with the same context lines at another place of a file
 * has the approved change's patch-id (outside attacker, session 5, F1). A patch-id carries an approval only
 * onto a commit whose tree is the approved change replayed onto its base (git/approvalReplay.ts). Real bare
 * server with the installed pre-receive; verify must agree with it.
 */
describe('a patch-id carries an approval only for the approved change replayed (server-side, real pushes)', function () {
  this.timeout(120_000);

  const AI = `AI-Provenance: v1 ai=1 human=0 untracked=0`;
  const HUMAN = (n: number) => `AI-Provenance: v1 ai=0 human=${n} untracked=0`;
  const handler = (name: string, check: string) =>
    `def ${name}():\n    log("enter")\n    log("enter")\n    log("enter")\n    ${check}\n    log("exit")\n    log("exit")\n    log("exit")\n`;
  const app = (debug: string, del: string, header = '# app\n') =>
    `${header}\n${handler('debug_page', debug)}\n\n${handler('delete_everything', del)}`;
  const CHECK = 'check_admin()';
  const OFF = 'pass  # admin check disabled';
  /** The approved edit (the check dropped) made in delete_everything instead: the same patch-id. */
  const checkOffInDelete = (text: string) => {
    const head = 'def delete_everything():\n    log("enter")\n    log("enter")\n    log("enter")\n    ';
    return text.replace(head + CHECK, head + OFF);
  };

  let s: Setup;
  let approvedTip = '';
  before(() => {
    s = setup();
    const { ada, bob } = s;
    commitFile(ada, 'app.py', app(CHECK, CHECK), `two handlers\n\n${HUMAN(19)}`);
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0);
    const base = ada.git('rev-parse', 'HEAD');
    // Bob approves the AI change that drops the check from the debug page, reviewed against main.
    ada.git('checkout', '-q', '-b', 'feature/debug');
    approvedTip = commitFile(ada, 'app.py', app(OFF, CHECK), `AI: no admin check on the debug page\n\n${AI}`);
    attach(
      ada.dir,
      sign(bob, statementFor(ada.dir, { email: 'bob@example.com', tip: approvedTip, base })),
      approvedTip,
      ada.env,
    );
    const up = ada.gitResult(['push', '-q', 'origin', 'feature/debug', 'refs/notes/countersign']);
    assert.strictEqual(up.status, 0, up.stderr);
    ada.git('checkout', '-q', 'main');
  });

  beforeEach(() => s.ada.git('checkout', '-q', '-B', 'attempt', 'origin/main'));

  it('the same edit in the other, identical function from the same base: refused, and verify agrees', () => {
    const { ada, server } = s;
    const evil = commitFile(ada, 'app.py', app(CHECK, OFF), `AI: no admin check on delete_everything\n\n${AI}`);
    const before = server.git('rev-parse', 'main');
    const r = verifyThenPush(ada, 'main', ['origin', 'HEAD:main']);
    assert.notStrictEqual(r.status, 0, 'Bob never saw this change');
    assert.match(r.stderr, new RegExp(`✗ ${evil.slice(0, 12)}`));
    assert.match(r.stderr, /not the approved change replayed/);
    assert.strictEqual(server.git('rev-parse', 'main'), before);
  });

  it('legitimate: the approved commit rebased onto a main that moved on keeps the approval', () => {
    const { ada, server } = s;
    commitFile(ada, 'NOTES.md', 'unrelated\n', `notes\n\n${HUMAN(1)}`);
    assert.strictEqual(verifyThenPush(ada, 'main', ['origin', 'HEAD:main']).status, 0);
    ada.git('cherry-pick', approvedTip);
    const r = verifyThenPush(ada, 'main', ['origin', 'HEAD:main']);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.strictEqual(server.git('rev-parse', 'main'), ada.git('rev-parse', 'HEAD'));
  });

  it('two pushes: first a human edit that moves the original place, then the moved edit: refused', () => {
    const { ada } = s;
    // The debug page's context changes, so a plain patch would find only delete_everything's.
    commitFile(
      ada,
      'app.py',
      app(CHECK, CHECK).replace('def debug_page():\n    log("enter")', 'def debug_page():\n    log("debug")'),
      `tweak the debug page\n\n${HUMAN(1)}`,
    );
    assert.strictEqual(
      verifyThenPush(ada, 'main', ['origin', 'HEAD:main']).status,
      0,
      'a small human edit needs no review',
    );
    const moved = checkOffInDelete(ada.read('app.py'));
    commitFile(ada, 'app.py', moved, `AI: no admin check on delete_everything\n\n${AI}`);
    const r = verifyThenPush(ada, 'main', ['origin', 'HEAD:main']);
    assert.notStrictEqual(r.status, 0, 'Bob never saw this change');
  });

  // Last: it removes the approved commits from the server.
  it('the approved commits gone from the server and main moved: the patch-id alone carries nothing', () => {
    const { ada, server } = s;
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', '--delete', 'feature/debug']).status, 0);
    server.git('reflog', 'expire', '--expire=now', '--all');
    server.git('gc', '-q', '--prune=now');
    assert.notStrictEqual(server.gitResult(['cat-file', '-e', approvedTip]).status, 0, 'pruned from the server');
    const mallory = cloneAs(server.dir, 'Mallory', 'mallory@example.com');
    mallory.git('fetch', '-q', 'origin', 'refs/notes/countersign:refs/notes/countersign');
    commitFile(mallory, 'OTHER.md', 'moves main\n', `moves main\n\n${HUMAN(1)}`);
    assert.strictEqual(verifyThenPush(mallory, 'main', ['origin', 'HEAD:main']).status, 0);
    const evil = checkOffInDelete(mallory.read('app.py'));
    commitFile(mallory, 'app.py', evil, `AI: no admin check on delete_everything\n\n${AI}`);
    const r = verifyThenPush(mallory, 'main', ['origin', 'HEAD:main']);
    assert.notStrictEqual(r.status, 0, 'Bob never saw this change, and nothing here can show it is his');
    assert.match(r.stderr, /approved commits are not in this repository/);
  });
});
