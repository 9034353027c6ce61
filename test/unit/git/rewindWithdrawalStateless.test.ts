import * as assert from 'assert';
import { recordDecision } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, HUMAN_ONE, policyJson, serverRef, setup, type Setup } from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';

/**
 * attack31 F2: session 24's withdrawal (attack29 F6) held only while the approved rewind was "in force" on the
 * branch (it held N, not O). main: A → N (one human line) → T (approved by Bob, lands); Bob and Carol approve the
 * rewind T → N and it lands. (1) Mallory, with no key, rewinds main to A (dropping N's line meets no tier), and T
 * came back as a fast-forward on Bob's old approval; (2) T was pushed as a new protected branch, then a protected
 * tag at it. A valid rewind statement withdraws the approvals signed before it of what its base holds and its tip
 * does not, on any protected ref, whatever the ref's value (core/rewindWithdrawal.ts); a later approval restores.
 */
describe('an approved rewind withdraws approvals on any protected ref, whatever it holds now (attack31 F2)', function () {
  this.timeout(240_000);

  const bob = makeKey('bob');
  const carol = makeKey('carol');
  const later = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
  const pushNotes = (s: Setup) =>
    assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);

  function rewoundToN(s: Setup): { a: string; n: string; t: string } {
    const a = serverRef(s, 'refs/heads/main');
    const n = commitFile(s.ada, 'CHANGES.md', '# Changes\n', `changes\n\n${HUMAN_ONE}`);
    const landedN = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.strictEqual(landedN.status, 0, landedN.stderr + landedN.verify.stdout);
    const t = commitFile(s.ada, 'auth.js', 'function handler(req) {\n  return serve(req);\n}\n', 'simplify handler');
    recordDecision(s.ada, s.bob, { email: 'bob@example.com', tip: t, base: n });
    pushNotes(s);
    const landedT = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.strictEqual(landedT.status, 0, landedT.stderr + landedT.verify.stdout);
    recordDecision(s.ada, s.bob, { email: 'bob@example.com', tip: n, base: t, time: later(1) });
    recordDecision(s.ada, s.carol, { email: 'carol@example.com', tip: n, base: t, time: later(1) });
    pushNotes(s);
    s.ada.git('reset', '-q', '--hard', n);
    const rewound = verifyThenPush(s.ada, 'main', ['-f', 'origin', 'main']);
    assert.strictEqual(rewound.status, 0, rewound.stderr + rewound.verify.stdout);
    assert.strictEqual(serverRef(s, 'refs/heads/main'), n);
    return { a, n, t };
  }

  it('a keyless rewind past N does not bring T back on its old approval; a new approval does', () => {
    const s = setup(policyJson(bob, carol, { allowForcePushes: true }));
    const { a, t } = rewoundToN(s);
    s.ada.git('reset', '-q', '--hard', a);
    const past = verifyThenPush(s.ada, 'main', ['-f', 'origin', 'main']);
    assert.strictEqual(past.status, 0, 'dropping one human line needs no review: ' + past.stderr);
    s.ada.git('reset', '-q', '--hard', t);
    const back = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(back.status, 0, "T came back on main on Bob's approval from before the team's rewind");
    assert.strictEqual(serverRef(s, 'refs/heads/main'), a);
    assert.match(back.stderr, /no longer counts: .*approved the rewind .* which took .* off the branch/);
    assert.match(back.verify.stdout, /no longer counts/);
    recordDecision(s.ada, s.bob, {
      email: 'bob@example.com',
      tip: t,
      base: serverRef(s, 'refs/heads/main'),
      time: later(2),
    });
    pushNotes(s);
    const again = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.strictEqual(again.status, 0, again.stderr + again.verify.stdout);
  });

  it('T as a new protected branch, or a protected tag at T, does not carry the withdrawn approval', () => {
    const s = setup(policyJson(bob, carol, { allowForcePushes: true }));
    const { n, t } = rewoundToN(s);
    const branch = s.ada.gitResult(['push', '--no-verify', 'origin', `${t}:refs/heads/release/9`]);
    assert.notStrictEqual(branch.status, 0, 'release/9 was created at T on the withdrawn approval');
    assert.match(branch.stderr, /no longer counts/);
    assert.strictEqual(serverRef(s, 'refs/heads/release/9'), '');
    const tag = s.ada.gitResult(['push', '--no-verify', 'origin', `${t}:refs/tags/v9`]);
    assert.notStrictEqual(tag.status, 0, 'a protected tag at T was accepted on the withdrawn approval');
    assert.strictEqual(serverRef(s, 'refs/tags/v9'), '');
    // A reviewer who agrees T may ship approves it again, after the rewind.
    recordDecision(s.ada, s.bob, { email: 'bob@example.com', tip: t, base: n, time: later(2) });
    pushNotes(s);
    const ok = s.ada.gitResult(['push', '--no-verify', 'origin', `${t}:refs/heads/release/9`]);
    assert.strictEqual(ok.status, 0, ok.stderr);
  });

  it('a rewind statement signed by no listed key withdraws nothing (verify in a clone holding it)', () => {
    const s = setup(policyJson(bob, carol, { allowForcePushes: true }));
    const n = serverRef(s, 'refs/heads/main');
    const t = commitFile(s.ada, 'auth.js', 'function handler(req) {\n  return serve(req);\n}\n', 'simplify handler');
    recordDecision(s.ada, s.bob, { email: 'bob@example.com', tip: t, base: n });
    pushNotes(s);
    // Mallory's "rewind" T → N naming Bob, signed with her own key (the server's notes guard would refuse it).
    recordDecision(s.ada, s.mallory, { email: 'bob@example.com', tip: n, base: t, time: later(1) });
    const r = s.ada.cli(['verify', '--branch', 'main', '--format', 'json']);
    assert.strictEqual(r.status, 0, r.stdout + r.stderr);
  });
});
