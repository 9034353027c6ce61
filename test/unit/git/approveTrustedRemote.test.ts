import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { cloneAs, forkAs } from '../helpers/approvals';
import { commitFile, setup } from '../helpers/gateServer';

/**
 * `countersign approve` with a fork's pull-request branch checked out (it tracks the fork) and no --remote pushed
 * the approval to the fork, where the gate never sees it, and read the fork's policy for its preflight. Approvals
 * belong on the trusted remote (approvalsRemote: origin). Real bare server with `install --server`, a real bare
 * fork without the hook, real keys.
 */
describe("approve with a fork's branch checked out shares the approval with the trusted remote", function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  function forkWithFeature(opts: { dropBob: boolean }) {
    const s = setup();
    dirs.push(path.dirname(s.server.dir));
    const { fork, clone: alice } = forkAs(s.server.dir, 'Alice', 'alice@example.com');
    dirs.push(alice.dir);
    if (opts.dropBob) {
      // The fork's own main no longer lists Bob: only the trusted remote's policy may judge his approval.
      const policy = JSON.parse(alice.git('show', 'HEAD:.countersign.json'));
      policy.reviewers = policy.reviewers.filter((r: { email: string }) => r.email !== 'bob@example.com');
      commitFile(alice, '.countersign.json', JSON.stringify(policy, null, 2) + '\n', 'policy: fork drops Bob');
      assert.strictEqual(alice.gitResult(['push', '-q', 'origin', 'HEAD:refs/heads/main']).status, 0);
    }
    alice.git('checkout', '-q', '-b', 'feature');
    const tip = commitFile(alice, 'hi.py', "print('hi')\n", 'feature\n\nAI-Provenance: v1 ai=1 human=0 untracked=0');
    assert.strictEqual(alice.gitResult(['push', '-q', 'origin', 'feature']).status, 0);

    const bobs = cloneAs(s.server.dir, 'Bob Reviewer', 'bob@example.com', s.bob.privateKeyFile);
    dirs.push(bobs.dir);
    assert.strictEqual(bobs.cli(['install']).status, 0);
    bobs.git('remote', 'add', 'alice', fork);
    bobs.git('fetch', '-q', 'alice');
    bobs.git('checkout', '-q', 'feature');
    assert.strictEqual(bobs.git('rev-parse', '--abbrev-ref', '@{upstream}'), 'alice/feature');
    return { ...s, fork, bobs, tip };
  }

  it('approve (no --remote) pushes to origin, not the fork, and says so', () => {
    const { server, fork, bobs, tip } = forkWithFeature({ dropBob: false });
    const approve = bobs.cli(['approve']);
    assert.strictEqual(approve.status, 0, approve.stdout + approve.stderr);
    assert.match(
      server.git('notes', '--ref=refs/notes/countersign', 'show', tip),
      /"email":"bob@example\.com"/,
      "Bob's approval did not reach the trusted server",
    );
    const onFork = execFileSync('git', ['for-each-ref', 'refs/notes/countersign'], { cwd: fork, encoding: 'utf8' });
    assert.strictEqual(onFork.trim(), '', 'the approval went to the fork');
    assert.match(approve.stdout, /pushed: +origin refs\/notes\/countersign/);
    assert.match(approve.stdout, /alice/, "the output says why it is not the branch's own remote (alice)");
  });

  it("the preflight reads the trusted remote's policy, not the fork's (which drops Bob)", () => {
    const { server, bobs, tip } = forkWithFeature({ dropBob: true });
    const approve = bobs.cli(['approve', '--json']);
    assert.strictEqual(approve.status, 0, approve.stdout + approve.stderr);
    const out = JSON.parse(approve.stdout);
    assert.strictEqual(out.pushed.remote, 'origin');
    assert.match(server.git('notes', '--ref=refs/notes/countersign', 'show', tip), /"email":"bob@example\.com"/);
  });

  it('reject (no --remote) goes to origin too; --remote alice still reaches the fork', () => {
    const { server, fork, bobs, tip } = forkWithFeature({ dropBob: false });
    const reject = bobs.cli(['reject', '--comment', 'name the greeting']);
    assert.strictEqual(reject.status, 0, reject.stdout + reject.stderr);
    assert.match(server.git('notes', '--ref=refs/notes/countersign', 'show', tip), /"decision":"reject"/);
    const explicit = bobs.cli(['approve', '--remote', 'alice']);
    assert.strictEqual(explicit.status, 0, explicit.stdout + explicit.stderr);
    assert.match(
      execFileSync('git', ['notes', '--ref=refs/notes/countersign', 'show', tip], { cwd: fork, encoding: 'utf8' }),
      /"decision":"approve"/,
    );
  });
});
