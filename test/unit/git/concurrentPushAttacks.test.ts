import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { recordDecision } from '../helpers/approvals';
import { commitFile, setup, type Setup } from '../helpers/gateServer';
import { pausedPush } from '../helpers/pausedPush';

/**
 * attack17 Q8/Q9: git runs the pre-receive hooks of concurrent pushes in parallel and compare-and-swaps only each
 * ref's own old value, while the gate's verdict on a ref depends on other refs (the policy branch, the names
 * that exist, what a policy change newly protects). A push judged on a snapshot must not land once another push
 * has changed the refs since that snapshot (src/git/shell/referenceTransaction.sh). Real bare server, real
 * concurrent pushes; the first push is paused inside its judgement (helpers/pausedPush.ts), so the window is certain.
 */
describe('server gate: concurrent pushes cannot land on a stale judgement (attack17 Q8/Q9, real server)', function () {
  this.timeout(240_000);

  /** Ada's approved commit adding `glob` to protectedBranches, on main and not pushed; returns it. */
  function approvedPolicyChange(s: Setup, glob: string): string {
    const { ada } = s;
    const policy = JSON.parse(ada.read('.countersign.json')) as { protectedBranches: string[] };
    policy.protectedBranches.push(glob);
    ada.write('.countersign.json', JSON.stringify(policy, null, 2) + '\n');
    ada.git('add', '.countersign.json');
    const base = ada.git('rev-parse', 'HEAD');
    const change = ada.commit(`policy: protect ${glob}\n\nAI-Provenance: v1 ai=0 human=1 untracked=0`);
    recordDecision(ada, s.bob, { email: 'bob@example.com', tip: change, base });
    recordDecision(ada, s.carol, { email: 'carol@example.com', tip: change, base });
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    return change;
  }

  const tipOf = (s: Setup, ref: string) => s.server.gitResult(['rev-parse', '-q', '--verify', ref]).stdout.trim();

  it('Q8: a keyless push creates hotfix/x (unreviewed AI) while a policy change protecting hotfix/* is judged: not both land', async () => {
    const s = setup();
    const { ada } = s;
    const change = approvedPolicyChange(s, 'hotfix/*');
    ada.git('checkout', '-q', '-b', 'evil', 'origin/main');
    const evil = commitFile(ada, 'evil.txt', 'backdoor()\n', 'evil\n\nAI-Provenance: v1 ai=1 human=0 untracked=0');

    const a = pausedPush(ada, ['origin', `${change}:refs/heads/main`]);
    await a.judging;
    const b = ada.gitResult(['push', '-q', '--no-verify', 'origin', `${evil}:refs/heads/hotfix/x`]);
    a.release();
    const ra = await a.done;

    const both = tipOf(s, 'refs/heads/main') === change && tipOf(s, 'refs/heads/hotfix/x') === evil;
    assert.ok(
      !both,
      `both landed (policy change rc=${ra.status}, hotfix/x rc=${b.status}): hotfix/x is protected and holds unreviewed AI code`,
    );
    // Unrelated to the race, the keyless push was judged under the policy in force: it lands; the change is refused.
    assert.strictEqual(b.status, 0, b.stderr);
    assert.notStrictEqual(ra.status, 0);
    assert.match(ra.stderr, /another push changed this repository's refs while this push was being judged.*retry/is);
    // Retried, the policy change meets hotfix/x and is refused for it (the newly-protected rule).
    const retry = ada.gitResult(['push', '--no-verify', 'origin', `${change}:refs/heads/main`]);
    assert.notStrictEqual(retry.status, 0);
    assert.match(retry.stderr, /hotfix\/x/);
    // The lock is a symbolic link to no file (its holder's name): existsSync would follow it.
    const lock = fs.lstatSync(path.join(s.server.dir, 'countersign', 'ref-commit.lock'), { throwIfNoEntry: false });
    assert.strictEqual(lock, undefined, 'a refused update leaves no lock');
  });

  it('Q9: branch v1 and tag v1 created by two concurrent pushes: not both land', async () => {
    const s = setup();
    const { ada } = s;
    const base = ada.git('rev-parse', 'origin/main');
    const a = pausedPush(ada, ['origin', `${base}:refs/heads/v1`]);
    await a.judging;
    const b = ada.gitResult(['push', '-q', '--no-verify', 'origin', `${base}:refs/tags/v1`]);
    a.release();
    const ra = await a.done;
    const both = tipOf(s, 'refs/heads/v1') !== '' && tipOf(s, 'refs/tags/v1') !== '';
    assert.ok(!both, `both landed (branch rc=${ra.status}, tag rc=${b.status})`);
    assert.strictEqual(b.status, 0, b.stderr);
    assert.match(ra.stderr, /another push changed this repository's refs while this push was being judged.*retry/is);
  });
});
