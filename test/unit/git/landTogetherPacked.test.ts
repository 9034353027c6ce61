import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import {
  commitFile,
  HUMAN_ONE,
  policyChangeOverUnreviewedRelease,
  pushMain,
  serverRef,
  setup,
  type Setup,
} from '../helpers/gateServer';
import { rawPush, ZERO } from '../helpers/rawPush';

/**
 * attack20 02: when a push's refs must land together (src/git/landTogether.ts), the reference-transaction hook
 * refuses a transaction holding some of them but not all, and tells the pusher to use `git push --atomic`. A
 * *packed* ref being deleted made that advice fail: git 2.39 prepares the packed-refs deletion as a transaction of
 * its own (every line zero to zero) before the outer transaction's `prepared`, so the hook saw a transaction
 * holding only the deletion and refused the atomic push too. The refs are packed on the server with
 * `git pack-refs --all`, as `git gc` leaves them. Real bare server with `install --server`, stock git clients
 * (and one hand-made push).
 */
describe('server gate: --atomic lands refs that must land together when a deletion among them is packed (attack20 02)', function () {
  this.timeout(240_000);

  const at = serverRef;
  const packed = (s: Setup, ref: string) => s.server.read('packed-refs').includes(` ${ref}\n`);

  /** policyChangeOverUnreviewedRelease, with release/x packed on the server as `git gc` leaves it. */
  function packedRelease() {
    const started = policyChangeOverUnreviewedRelease();
    started.s.server.git('pack-refs', '--all');
    assert.ok(packed(started.s, 'refs/heads/release/x'), 'release/x is packed on the server');
    return started;
  }

  it('a policy change pushed with the deletion of a packed branch: refused without --atomic, taken with it', () => {
    const { s, m, tip } = packedRelease();
    const { ada } = s;
    const loose = ada.gitResult(['push', '--no-verify', 'origin', 'main', ':refs/heads/release/x']);
    assert.strictEqual(at(s, 'refs/heads/main'), m, loose.stderr);
    assert.ok(at(s, 'refs/heads/release/x'), `neither lands: git applies them one at a time:\n${loose.stderr}`);
    assert.match(loose.stderr, /git push --atomic/);
    // The refusal came at the outer transaction's `prepared`, inside the lock its packed-refs half took: both let go.
    assert.ok(!fs.existsSync(path.join(s.server.dir, 'countersign', 'ref-commit.lock')), 'lock released');
    const atomic = ada.gitResult(['push', '--no-verify', '--atomic', 'origin', 'main', ':refs/heads/release/x']);
    assert.strictEqual(atomic.status, 0, `the fix the refusal names must work:\n${atomic.stderr}`);
    assert.strictEqual(at(s, 'refs/heads/main'), tip);
    assert.strictEqual(at(s, 'refs/heads/release/x'), '');
    assert.ok(!packed(s, 'refs/heads/release/x'));
    // The lock the hook holds from `prepared` to `committed` was released: the next push goes straight through.
    commitFile(ada, 'b.txt', 'b\n', `b\n\n${HUMAN_ONE}`);
    const next = pushMain(ada, '--no-verify');
    assert.strictEqual(next.status, 0, next.stderr);
  });

  it('the deletion of a packed branch that receive.denyDeletes refuses still does not land the policy change', () => {
    const { s, m } = packedRelease();
    s.server.git('config', 'receive.denyDeletes', 'true');
    const r = s.ada.gitResult(['push', '--no-verify', 'origin', 'main', ':refs/heads/release/x']);
    assert.ok(at(s, 'refs/heads/release/x'), 'git refused the deletion');
    assert.strictEqual(at(s, 'refs/heads/main'), m, `the policy change must not adopt release/x:\n${r.stderr}`);
    assert.match(r.stderr, /git push --atomic/);
  });

  it('a hand-made push deleting the packed branch with a zero old value (what the packed half shows) lands nothing', () => {
    const { s, m, tip } = packedRelease();
    // Without --atomic, and the deletion's line zero to zero like git's packed-refs transaction: if the hook let
    // such a transaction through unchecked, the deletion could land alone. The gate refuses the push first.
    const r = rawPush(s.ada, s.server.dir, [
      { old: m, new: tip, ref: 'refs/heads/main' },
      { old: ZERO, new: ZERO, ref: 'refs/heads/release/x' },
    ]);
    assert.strictEqual(at(s, 'refs/heads/main'), m, r.stderr);
    assert.ok(at(s, 'refs/heads/release/x'), r.stderr);
  });

  it('tag v1 with the deletion of packed branch v1: refused without --atomic when git declines the deletion, taken with it', () => {
    const s = setup();
    const { ada } = s;
    assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'main:refs/heads/v1']).status, 0);
    ada.git('tag', 'v1', 'main');
    s.server.git('pack-refs', '--all');
    assert.ok(packed(s, 'refs/heads/v1'));
    s.server.git('config', 'receive.denyDeletes', 'true');
    const r = ada.gitResult(['push', '--no-verify', 'origin', 'refs/tags/v1', ':refs/heads/v1']);
    assert.ok(at(s, 'refs/heads/v1'), 'git refused the deletion');
    assert.strictEqual(at(s, 'refs/tags/v1'), '', `the server must not hold branch v1 and tag v1:\n${r.stderr}`);
    s.server.git('config', 'receive.denyDeletes', 'false');
    const atomic = ada.gitResult(['push', '--no-verify', '--atomic', 'origin', 'refs/tags/v1', ':refs/heads/v1']);
    assert.strictEqual(atomic.status, 0, atomic.stderr);
    assert.strictEqual(at(s, 'refs/tags/v1'), ada.git('rev-parse', 'v1'));
    assert.strictEqual(at(s, 'refs/heads/v1'), '');
  });
});
