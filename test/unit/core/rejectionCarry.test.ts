import * as assert from 'assert';
import { countApprovals, type CheckedStatement } from '../../../src/core/approvalDecision';
import type { CoverageVia } from '../../../src/core/approvalRules';

/**
 * Rejections carried by patch-id (outside tester, session 8, H7, and session 9, I2). DESIGN, "The gate": an
 * approval counts only with "no later rejection by the same reviewer" covering the commit — and a statement covers
 * a commit its patch-id reaches. So the later statement wins, however it reaches the commit: an older rejection of a
 * duplicate does not void a newer approval of the original (H7), and a later rejection of a reworded revision voids
 * the earlier approval of the approved one (I2: H7's fix had let the author land the approved revision).
 */
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const victor = { author: { email: 'victor@example.com' }, committer: { email: 'victor@example.com' } };
function decision(decision: 'approve' | 'reject', tip: string, time: string): CheckedStatement {
  return {
    signed: {
      statement: {
        v: 1,
        decision,
        reviewer: { email: 'alice@example.com' },
        tip,
        tree: tip,
        base: tip,
        patchId: 'c'.repeat(40),
        time,
      },
      signature: '',
    },
    reviewer: { name: 'Alice', email: 'alice@example.com', key: '' },
    fingerprint: 'SHA256:x',
  };
}
const at = (statement: CheckedStatement, via: CoverageVia) => ({ statement, via });

describe('rejections carried by patch-id (H7)', () => {
  const approveVictor = decision('approve', A, '2026-11-30T10:00:00Z');
  const rejectDuplicate = decision('reject', B, '2026-11-30T11:00:00Z');

  it("an older rejection of a duplicate does not void the reviewer's newer approval of the original (H7)", () => {
    const reapproved = decision('approve', A, '2026-11-30T12:00:00Z');
    const r = countApprovals(victor, [
      at(approveVictor, 'exact'),
      at(rejectDuplicate, 'rebased'),
      at(reapproved, 'exact'),
    ]);
    assert.strictEqual(r.approvals.length, 1);
    assert.strictEqual(r.rejections.length, 0);
  });

  it('a later rejection of a reworded revision voids the earlier approval of the approved one (I2)', () => {
    for (const via of ['exact', 'tip'] as const) {
      const r = countApprovals(victor, [at(approveVictor, via), at(rejectDuplicate, 'rebased')]);
      assert.deepStrictEqual([r.approvals.length, r.rejections.length], [0, 1], via);
      assert.strictEqual(r.rejections[0].voided?.signed.statement.tip, A);
    }
  });

  it('still holds a copy the reviewer approved only by patch-id, or not at all', () => {
    const carried = countApprovals(victor, [at(approveVictor, 'rebased'), at(rejectDuplicate, 'rebased')]);
    assert.deepStrictEqual([carried.approvals.length, carried.rejections.length], [0, 1]);
    const none = countApprovals(victor, [at(rejectDuplicate, 'rebased')]);
    assert.deepStrictEqual([none.approvals.length, none.rejections.length], [0, 1]);
  });

  it('a later rejection of the approved tip itself voids it, also reviewed against another base', () => {
    const again = decision('reject', A, '2026-11-30T12:00:00Z');
    for (const via of ['exact', 'rebased'] as const) {
      const r = countApprovals(victor, [at(approveVictor, 'exact'), at(again, via)]);
      assert.deepStrictEqual([r.approvals.length, r.rejections.length], [0, 1], via);
    }
  });
});
