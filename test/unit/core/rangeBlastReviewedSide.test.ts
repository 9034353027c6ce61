import * as assert from 'assert';
import type { ChangedFile } from '../../../src/core/gate';
import { rangeBlast, type DeletionView } from '../../../src/core/reviewNeed';

/**
 * newuser25 N2: a merge among a branch's unreviewed commits whose second parent is a reviewed point does not own a
 * change that point's approved span made exactly so (the same objects before and after); everything else its
 * first-parent diff deletes is its own (core/rangeBlast.ts, src/git/reviewedSides.ts).
 */
describe('rangeBlast: a merge of a reviewed side', () => {
  const gone = (path: string, old: string, deleted = 1): ChangedFile => ({
    path,
    status: 'D',
    added: 0,
    deleted,
    oids: { old, new: '0000' },
  });
  const push: DeletionView[] = [{ sha: 'p', parents: ['m'], files: [gone('old.txt', 'o')] }];

  it('the deletions the side brought are not the merge’s', () => {
    const side = [gone('env/a', 'a1', 3), gone('env/b', 'b1', 4)];
    const merge: DeletionView = { sha: 'm', parents: ['x', 't'], files: side, reviewedSide: side };
    const b = rangeBlast(push, { branch: 'main', commits: [merge] });
    assert.deepStrictEqual([b.since?.files, b.since?.lines], [1, 1]);
  });

  it('a file the side did not delete, or deleted in another version, is the merge’s', () => {
    const merge: DeletionView = {
      sha: 'm',
      parents: ['x', 't'],
      files: [gone('env/a', 'a1', 3), gone('env/b', 'b2', 4), gone('news.md', 'n', 2)],
      reviewedSide: [gone('env/a', 'a1', 3), gone('env/b', 'b1', 4)],
    };
    const b = rangeBlast(push, { branch: 'main', commits: [merge] });
    assert.deepStrictEqual([b.since?.files, b.since?.lines], [3, 7]);
  });
});
