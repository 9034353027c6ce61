import * as assert from 'assert';
import { recordDecision } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, policyJson, serverRef, setup, type Setup } from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';

/**
 * attack29 F6: with allowForcePushes, an approved change T lands, then the reviewers take it out with an approved
 * rewind (`approve O --base T --rewind`, force-push O). Mallory pushed T again, a fast-forward from O, and Bob's
 * first approval of T carried it. An approved rewind in force on the branch (it holds the rewind's tip, not its
 * base) withdraws the approvals signed before it of what it took out (core/rewindWithdrawal.ts). verify (CI) and
 * the server's pre-receive give one verdict (verifyThenPush); a new approval of T, after the rewind, lands it.
 */
describe('an approved rewind withdraws the approvals of what it took out (attack29 F6)', function () {
  this.timeout(240_000);

  const bob = makeKey('bob');
  const carol = makeKey('carol');
  const later = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

  /** T (unattested: it needs review) lands on Bob's approval, then Bob and Carol approve the rewind to O and it lands. */
  function landThenRewind(s: Setup): { o: string; t: string } {
    const o = serverRef(s, 'refs/heads/main');
    const t = commitFile(s.ada, 'auth.js', 'function handler(req) {\n  return serve(req);\n}\n', 'simplify handler');
    recordDecision(s.ada, s.bob, { email: 'bob@example.com', tip: t, base: o });
    assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    const landed = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.strictEqual(landed.status, 0, landed.stderr + landed.verify.stdout);
    for (const [key, email] of [
      [s.bob, 'bob@example.com'],
      [s.carol, 'carol@example.com'],
    ] as const)
      recordDecision(s.ada, key, { email, tip: o, base: t, time: later(1) });
    assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    s.ada.git('reset', '-q', '--hard', o);
    const rewound = verifyThenPush(s.ada, 'main', ['-f', 'origin', 'main']);
    assert.strictEqual(rewound.status, 0, rewound.stderr + rewound.verify.stdout);
    assert.strictEqual(serverRef(s, 'refs/heads/main'), o);
    return { o, t };
  }

  it('T pushed again after the rewind needs a new review, and a new approval lands it', () => {
    const s = setup(policyJson(bob, carol, { allowForcePushes: true }));
    const { o, t } = landThenRewind(s);
    s.ada.git('reset', '-q', '--hard', t);
    const back = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(back.status, 0, "T came back on main on Bob's approval from before the rewind took it out");
    assert.strictEqual(serverRef(s, 'refs/heads/main'), o);
    assert.match(back.stderr, /no longer counts: .*approved the rewind .* which took .* off the branch/);
    assert.match(back.verify.stdout, /no longer counts/);
    // A review after the rewind counts.
    recordDecision(s.ada, s.bob, { email: 'bob@example.com', tip: t, base: o, time: later(2) });
    assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    const again = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.strictEqual(again.status, 0, again.stderr + again.verify.stdout);
    assert.strictEqual(serverRef(s, 'refs/heads/main'), t);
  });

  it('a copy of T (the same change, another commit) does not carry the withdrawn approval either', () => {
    const s = setup(policyJson(bob, carol, { allowForcePushes: true }));
    const { o, t } = landThenRewind(s);
    s.ada.git('reset', '-q', '--hard', o);
    s.ada.git('cherry-pick', '--allow-empty', t);
    s.ada.git('commit', '-q', '--amend', '--no-edit', '--date', '2001-01-01T00:00:00Z');
    assert.notStrictEqual(s.ada.git('rev-parse', 'HEAD'), t);
    const back = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(back.status, 0, "a copy of T came back on main on Bob's withdrawn approval");
    assert.strictEqual(serverRef(s, 'refs/heads/main'), o);
  });

  it('an ordinary approval withdraws nothing: the next feature lands on its approval', () => {
    const s = setup(policyJson(bob, carol, { allowForcePushes: true }));
    const o = serverRef(s, 'refs/heads/main');
    const f = commitFile(s.ada, 'f.js', 'f\n', 'feature');
    recordDecision(s.ada, s.bob, { email: 'bob@example.com', tip: f, base: o });
    // Another reviewer's later approval of something else on main's history.
    recordDecision(s.ada, s.carol, { email: 'carol@example.com', tip: o, base: o, time: later(1) });
    assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.strictEqual(r.status, 0, r.stderr + r.verify.stdout);
  });
});
