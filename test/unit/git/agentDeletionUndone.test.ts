import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { commitFile, setup, type Setup } from '../helpers/gateServer';

/**
 * attack31 F1: session 24 settled an agent's deletion for good once a commit carrying it was made. Undoing that
 * commit (`git reset --soft HEAD~1`, VS Code's "Undo Last Commit"; `git reset HEAD~1`) kept the deletion in the
 * index or the work tree but not in the ledger, and the re-made commit was stamped with no Assisted-by: the
 * protected server took the agent's removal of an access check unreviewed. A settled removal now counts as settled
 * only while the commit that carried it is in the history of the commit being made. Real bare server, real hooks.
 */
const AUTH = 'function handler(req) {\n  checkAccess(req);\n  return serve(req);\n}\n';
const NO_CHECK = 'function handler(req) {\n  return serve(req);\n}\n';
const CLAUDE = 'Assisted-by: Claude:unknown claude-code';

describe("an agent's deletion is the agent's again when the commit carrying it is undone (attack31 F1, real server)", function () {
  this.timeout(240_000);
  let s: Setup;

  beforeEach(() => {
    s = setup();
    assert.strictEqual(s.ada.cli(['install', '-q']).status, 0);
    commitFile(s.ada, 'auth.js', AUTH, 'auth');
    assert.strictEqual(s.ada.gitResult(['push', '-q', '--no-verify', 'origin', 'main']).status, 0);
  });

  /** Claude Code's Edit (or Bash `rm`) through its PreToolUse/PostToolUse hooks. */
  const agentCall = (change: () => void) => {
    const call = (phase: string) => {
      const r = s.ada.cli(['checkpoint', '--phase', phase, '--agent', 'claude-code', 'auth.js', '-q']);
      assert.strictEqual(r.status, 0, r.stderr);
    };
    call('before');
    change();
    call('after');
  };

  /** The re-made commit names the agent and the server refuses it (pushed with --no-verify: the server decides). */
  const heldForReview = (what: string) => {
    const { ada } = s;
    assert.ok(ada.trailers().includes(CLAUDE), `${what}: ${ada.trailers().join(' | ')}`);
    const tip = ada.git('rev-parse', 'HEAD');
    const push = ada.gitResult(['push', '--no-verify', 'origin', 'main', 'refs/notes/ai']);
    assert.notStrictEqual(push.status, 0, `${what}: the agent's deletion landed unreviewed`);
    assert.notStrictEqual(s.server.git('rev-parse', 'main'), tip);
  };

  it('reset --soft HEAD~1 (Undo Last Commit), then commit: the agent line deletion is held', () => {
    const { ada } = s;
    agentCall(() => ada.write('auth.js', NO_CHECK));
    ada.git('commit', '-qam', 'agent edit');
    assert.ok(ada.trailers().includes(CLAUDE), ada.trailers().join(' | '));
    ada.git('reset', '-q', '--soft', 'HEAD~1');
    ada.git('commit', '-qm', 'handler cleanup');
    heldForReview('soft');
  });

  it('reset HEAD~1 (mixed), then commit -a: held', () => {
    const { ada } = s;
    agentCall(() => ada.write('auth.js', NO_CHECK));
    ada.git('commit', '-qam', 'agent edit');
    ada.git('reset', '-q', 'HEAD~1');
    ada.git('commit', '-qam', 'handler cleanup');
    heldForReview('mixed');
  });

  it('reset --hard HEAD~1, checkout HEAD@{1} -- auth.js, then commit: held', () => {
    const { ada } = s;
    agentCall(() => ada.write('auth.js', NO_CHECK));
    ada.git('commit', '-qam', 'agent edit');
    ada.git('reset', '-q', '--hard', 'HEAD~1');
    ada.git('checkout', 'HEAD@{1}', '--', 'auth.js');
    ada.git('commit', '-qm', 'handler cleanup');
    heldForReview('checkout');
  });

  it('the agent deletes the whole file; reset --soft HEAD~1, then commit: held', () => {
    const { ada } = s;
    agentCall(() => fs.rmSync(path.join(ada.dir, 'auth.js')));
    ada.git('add', '-A');
    ada.git('commit', '-qm', 'agent removes auth.js');
    assert.ok(ada.trailers().includes(CLAUDE), ada.trailers().join(' | '));
    ada.git('reset', '-q', '--soft', 'HEAD~1');
    ada.git('commit', '-qm', 'drop auth.js');
    heldForReview('whole file');
  });

  it('undone twice and re-made twice: the last commit still names the agent, and a later commit does not', () => {
    const { ada } = s;
    agentCall(() => ada.write('auth.js', NO_CHECK));
    ada.git('commit', '-qam', 'agent edit');
    ada.git('reset', '-q', '--soft', 'HEAD~1');
    ada.git('commit', '-qm', 'handler cleanup');
    assert.ok(ada.trailers().includes(CLAUDE), ada.trailers().join(' | '));
    ada.git('reset', '-q', '--soft', 'HEAD~1');
    ada.git('commit', '-qm', 'handler cleanup, again');
    assert.ok(ada.trailers().includes(CLAUDE), ada.trailers().join(' | '));
    // The removal is settled by the commit in HEAD's history: a revert and a human's own deletion is the human's.
    ada.git('revert', '--no-edit', 'HEAD');
    fs.writeFileSync(path.join(ada.dir, 'auth.js'), NO_CHECK);
    ada.git('commit', '-qam', 'human removes the check');
    assert.ok(!ada.trailers().includes(CLAUDE), ada.trailers().join(' | '));
  });
});
