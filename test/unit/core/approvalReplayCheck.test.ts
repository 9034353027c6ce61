import * as assert from 'assert';
import { NOT_REPLAYED, replayMismatch, type LandedBack } from '../../../src/core/approvalReplayCheck';
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

  const missing = (landedBack: Record<string, LandedBack> = {}) => ({ missing: true as const, landedBack });

  // attack27 01: the same tree is not the same change (a base with the line at place 2, approved adding it at place
  // 1, and a main with it at place 1 plus the line at place 2); a reworded commit carries by replaying back.
  it('approved commits missing: the statement own tree alone does not carry; replayed back to it, it does', () => {
    const c = 'c'.repeat(40);
    assert.match(
      replayMismatch(st, missing({ [c]: 'v'.repeat(40) }), anchor(st.tree), main, words) ?? '',
      /replayed back onto the approved base bbbbbbbbbbbb does not give the approved tree/,
    );
    assert.match(replayMismatch(st, missing(), anchor(st.tree), main, words) ?? '', /does not replay cleanly back/);
    assert.strictEqual(replayMismatch(st, missing({ [c]: st.tree }), anchor(st.tree), main, words), undefined);
  });

  // newuser20 F8: every clone but the author's lacks the approved commit after the author rebased it.
  it('approved commits missing: the anchor carries when its change replayed back onto the base is the signed tree', () => {
    const c = 'c'.repeat(40);
    assert.strictEqual(replayMismatch(st, missing({ [c]: st.tree }), anchor('u'.repeat(40)), main, words), undefined);
    const elsewhere = replayMismatch(st, missing({ [c]: 'v'.repeat(40) }), anchor('u'.repeat(40)), main, words) ?? '';
    assert.match(
      elsewhere,
      /cccccccccccc's change replayed back onto the approved base bbbbbbbbbbbb does not give the approved tree/,
    );
    // Another anchor's proof proves nothing for this one.
    const other = replayMismatch(st, missing({ ['d'.repeat(40)]: st.tree }), anchor('u'.repeat(40)), main, words);
    assert.match(other ?? '', /does not replay cleanly back onto the approved base bbbbbbbbbbbb;/);
  });

  it('approved commits missing: any other tree does not carry, naming both commits and the fix', () => {
    const why = replayMismatch(st, missing({ ['c'.repeat(40)]: null }), anchor('u'.repeat(40)), main, words) ?? '';
    assert.match(why, /approved commits are not in this repository \(aaaaaaaaaaaa /);
    assert.match(why, /cccccccccccc's change does not replay cleanly back onto .* \(or that base is not here either\)/);
    assert.match(
      why,
      new RegExp(
        `its author \\(whose clone still has it\\) pushes it to a branch — git push origin ${st.tip}:refs/heads/approved/aaaaaaaaaaaa — and you git fetch, or approve again$`,
      ),
    );
  });

  // attack27 03: past the bound a commit is not replayed, and not carried.
  it('not replayed (the bound): does not carry, saying why', () => {
    const c = 'c'.repeat(40);
    const bound =
      /more than 16 commits here have the approved patch-id with other trees, .* so cccccccccccc is not checked/;
    assert.match(replayMismatch(st, missing({ [c]: NOT_REPLAYED }), anchor(st.tree), main, words) ?? '', bound);
    assert.match(replayMismatch(st, NOT_REPLAYED, anchor(st.tree), main, words) ?? '', bound);
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
