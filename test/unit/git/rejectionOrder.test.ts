import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { recordDecision } from '../helpers/approvals';
import { commitFile, setup, type Setup } from '../helpers/gateServer';

/**
 * "No later rejection by the same reviewer" (DESIGN, "The gate"), whichever way the rejection reaches the commit.
 * Outside tester, session 9, I2: Bob approved T1, the author reworded it to T1R (same patch-id), Bob rejected T1R
 * — and the author pushed T1, which landed, since a rejection carried by patch-id never voided an exact approval
 * (session 8's H7 fix). Now the later statement wins: the rejection holds T1, and a newer approval of T1 (H7: the
 * reviewer rejected a copy, then approves the original) lands it. Real server, real hooks, real keys.
 */
describe('a later rejection of the same change wins over an earlier approval (real server)', function () {
  this.timeout(120_000);
  let s: Setup;
  after(() => fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true }));

  it('attack: rejecting the reworded revision holds the approved one; approving it again lands it', () => {
    s = setup();
    const { ada, bob } = s;
    const base = ada.git('rev-parse', 'origin/main');
    const message = 'auth: check\n\nAI-Provenance: v1 ai=2 human=0 untracked=0';
    const t1 = commitFile(ada, 'auth.py', 'def ok(pw):\n    return pw == "letmein"\n', message);
    ada.git('commit', '-q', '--amend', '-m', `auth: password check\n\n${message.split('\n\n')[1]}`);
    const t1r = ada.git('rev-parse', 'HEAD');
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
    recordDecision(ada, bob, { email: 'bob@example.com', tip: t1, base, time: minutesAgo(10) });
    recordDecision(ada, bob, {
      email: 'bob@example.com',
      tip: t1r,
      base,
      decision: 'reject',
      comment: 'backdoor: do not merge',
      time: minutesAgo(5),
    });
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);

    for (const tip of [t1r, t1]) {
      const r = ada.gitResult(['push', '--no-verify', 'origin', `${tip}:refs/heads/main`]);
      assert.notStrictEqual(r.status, 0, `${tip === t1 ? 'the approved T1' : 'T1R'} landed past the rejection`);
      assert.match(r.stderr, /requested changes/);
    }
    assert.strictEqual(s.server.git('rev-parse', 'main'), base);

    // H7: an older rejection (of the copy) does not void a newer approval of the original.
    recordDecision(ada, bob, { email: 'bob@example.com', tip: t1, base, comment: 'original is fine' });
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    const landed = ada.gitResult(['push', '--no-verify', 'origin', `${t1}:refs/heads/main`]);
    assert.strictEqual(landed.status, 0, landed.stderr);
  });
});
