import * as assert from 'assert';
import { replayMismatch } from '../../../src/core/approvalReplayCheck';
import type { ApprovalStatement } from '../../../src/core/approvalStatement';

/** The tree rule for approvals carried by patch-id; the attacks on a real server are in test/unit/git/approvalReplay*.test.ts. */
describe('replayMismatch: a patch-id carries an approval only onto the approved tree', () => {
  const st = {
    v: 1,
    decision: 'approve',
    reviewer: { email: 'bob@example.com' },
    tip: 'a'.repeat(40),
    tree: 't'.repeat(40),
    base: 'b'.repeat(40),
    patchId: 'p'.repeat(40),
    time: '2026-11-30T00:00:00Z',
  } as ApprovalStatement;
  const words = { approvedAs: 'carried, but', again: 'approve again' };
  const anchor = (tree: string) => ({ sha: 'c'.repeat(40), tree });
  const main = 'm'.repeat(40);

  it('approved commits missing: the statement own tree still carries (re-committed, reworded)', () => {
    assert.strictEqual(replayMismatch(st, 'missing', anchor(st.tree), main, words), undefined);
  });

  it('approved commits missing: any other tree does not carry, naming both commits and the fix', () => {
    const why = replayMismatch(st, 'missing', anchor('u'.repeat(40)), main, words) ?? '';
    assert.match(why, /approved commits are not in this repository \(aaaaaaaaaaaa /);
    assert.match(why, /cccccccccccc's tree is not the approved tree/);
    assert.match(why, /fetch the approved branch .* or approve again$/);
  });

  it('replayed: only the replayed tree carries; a conflict carries nothing', () => {
    assert.strictEqual(replayMismatch(st, 'r'.repeat(40), anchor('r'.repeat(40)), main, words), undefined);
    assert.match(
      replayMismatch(st, 'r'.repeat(40), anchor(st.tree), main, words) ?? '',
      /not the approved change replayed/,
    );
    assert.match(
      replayMismatch(st, null, anchor(st.tree), main, words) ?? '',
      /does not replay cleanly onto mmmmmmmmmmmm/,
    );
  });
});
