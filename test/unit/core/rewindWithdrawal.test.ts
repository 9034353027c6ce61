import * as assert from 'assert';
import type { ApprovalStatement, SignedStatement } from '../../../src/core/approvalStatement';
import { knownForward, withdrawalKey, withdrawnBy, type WithdrawalGraph } from '../../../src/core/rewindWithdrawal';

/**
 * The rule of core/rewindWithdrawal.ts on hand-made graphs (the attacks on a real server: test/unit/git/rewind*.test.ts).
 * History: A ← N ← T, and X a commit the boundary holds (the ref's value after a rewind past N, attack31 F2).
 */
describe('withdrawnBy: a rewind statement withdraws earlier approvals of what its base holds and its tip does not', () => {
  const [A, N, T, U, X] = ['a', 'n', 't', 'u', 'x'].map((c) => c.repeat(40));
  const st = (o: { tip: string; base: string; time: string; email?: string }): ApprovalStatement => ({
    v: 1,
    decision: 'approve',
    reviewer: { email: o.email ?? 'bob@example.com' },
    tree: 'f'.repeat(40),
    patchId: 'p'.repeat(40),
    ...o,
  });
  const signed = (s: ApprovalStatement): SignedStatement => ({ statement: s, signature: 'sig' });
  const bobOnT = st({ tip: T, base: N, time: '2026-12-01T10:00:00Z' });
  const rewindTtoN = signed(st({ tip: N, base: T, time: '2026-12-01T11:00:00Z', email: 'carol@example.com' }));
  // The boundary holds A only: N and T are outside it (main was rewound to A).
  const pastN: WithdrawalGraph = {
    present: new Set([N, T]),
    parents: new Map([
      [T, [N]],
      [N, [A]],
    ]),
  };
  const all = () => true;

  it('withdraws whatever the ref holds now: N outside the boundary, or held by it', () => {
    assert.deepStrictEqual(Object.keys(withdrawnBy([bobOnT], [rewindTtoN], pastN, all)), [withdrawalKey(bobOnT)]);
    const atN: WithdrawalGraph = { present: new Set([N, T]), parents: new Map([[T, [N]]]) };
    assert.deepStrictEqual(Object.keys(withdrawnBy([bobOnT], [rewindTtoN], atN, all)), [withdrawalKey(bobOnT)]);
  });

  it('an approval signed after the rewind counts, and a rewind signed by no listed key withdraws nothing', () => {
    const again = st({ tip: T, base: N, time: '2026-12-01T12:00:00Z' });
    assert.deepStrictEqual(withdrawnBy([again], [rewindTtoN], pastN, all), {});
    assert.deepStrictEqual(
      withdrawnBy([bobOnT], [rewindTtoN], pastN, () => false),
      {},
    );
  });

  it('an ordinary approval (its tip holds its base) and a statement whose tip is not here withdraw nothing', () => {
    const g: WithdrawalGraph = {
      present: new Set([N, T, U]),
      parents: new Map([
        [U, [T]],
        [T, [N]],
        [N, [A]],
      ]),
    };
    const forward = signed(st({ tip: U, base: T, time: '2026-12-01T11:00:00Z' }));
    assert.deepStrictEqual(withdrawnBy([bobOnT], [forward], g, all), {});
    const unknownTip = signed(st({ tip: X, base: T, time: '2026-12-01T11:00:00Z' }));
    assert.deepStrictEqual(withdrawnBy([bobOnT], [unknownTip], g, all), {});
  });

  it('knownForward: a later approval whose base is among its tip ancestors in the push costs no git walk', () => {
    const commits = [
      { sha: N, parents: [A] },
      { sha: T, parents: [N] },
    ];
    const second = signed(st({ tip: T, base: A, time: '2026-12-01T11:00:00Z' }));
    const known = knownForward([second, rewindTtoN], commits);
    assert.ok(known.has(second));
    assert.ok(!known.has(rewindTtoN), 'the rewind T → N: T is not among N ancestors');
  });
});
