import * as assert from 'assert';
import { recordDecision } from '../helpers/approvals';
import { verifyThenPush, withoutGate } from '../helpers/gateAgreement';
import { approveAndPushNotes, dataRows, humanTrailer, mainWithData, shrinkData } from '../helpers/reviewedPointFixture';
import { type Setup, withoutFsck } from '../helpers/gateServer';
import { MAX_JUDGED_TIPS } from '../../../src/git/vouchedTip';

/**
 * Issue 10, "one rule, one place": the reviewed point (src/git/reviewedPoint.ts, vouchedTip.ts) chose the tips
 * worth asking the gate about by the two-person rule over `git log`'s %ae/%ce, not over the commit as the gate
 * reads it (core/commitObject.ts): a commit whose header readers may take differently (two `author` lines: git log
 * shows the last, other git commands the first) has no author anyone can show is not the reviewer, and no approval
 * counts for it. The verdict on such a tip was still the gate's (it refused it), but each one cost a judgement of
 * the MAX_JUDGED_TIPS a walk may spend: a reviewer's approvals of such commits (signed by hand: `approve` refuses
 * them) made the deletion count 'unjudged' where the gate's own rule finds the reviewed point beneath them.
 */
describe('server gate: the reviewed point applies the gate’s two-person rule to the commit object (real pushes)', function () {
  this.timeout(240_000);

  const BOB = 'Bob Reviewer <bob@example.com> 1700000000 +0000';
  const ADA = 'Ada <ada@example.com> 1700000000 +0000';

  /** A commit on HEAD adding `file`, whose header names Bob as the first author and Ada as the last (git log's). */
  function twoAuthors(s: Setup, file: string): string {
    s.ada.write(file, `${file}\n`);
    s.ada.git('add', file);
    const tree = s.ada.git('write-tree');
    const parent = s.ada.git('rev-parse', 'HEAD');
    const object = `tree ${tree}\nparent ${parent}\nauthor ${BOB}\nauthor ${ADA}\ncommitter ${ADA}\n\nadd ${file}\n\n${humanTrailer(1)}\n`;
    const sha = s.ada.writeCommitObject(object);
    s.ada.git('reset', '-q', '--hard', sha);
    return sha;
  }

  it('approvals of commits with two author headers are not reviewed points, and cost the walk nothing', () => {
    const s = mainWithData();
    withoutFsck(s.server); // fsck refuses two author lines; the gate must read them right where none runs (CI)
    const { ada } = s;
    const point = ada.git('rev-parse', 'HEAD');
    approveAndPushNotes(s, point, ada.git('rev-parse', 'HEAD^'));
    // Pre-rollout history (or an administrator's import): commits git log says Ada wrote, whose first author is Bob,
    // each approved by Bob.
    for (let i = 0; i <= MAX_JUDGED_TIPS; i++) {
      const parent = ada.git('rev-parse', 'HEAD');
      const tip = twoAuthors(s, `f${i}.txt`);
      assert.strictEqual(ada.git('log', '-1', '--format=%ae', tip), 'ada@example.com');
      recordDecision(ada, s.bob, { email: 'bob@example.com', tip, base: parent });
    }
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    withoutGate(s.server, () => assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0));
    // A 100-line deletion: under the mass-deletion tier, counted from `point` (the two-author commits delete nothing).
    shrinkData(ada, 1100, 'trim data');
    assert.strictEqual(ada.read('data.txt'), dataRows(1100));
    const r = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.strictEqual(r.status, 0, `the reviewed point beneath them is found:\n${r.verify.stdout}\n${r.stderr}`);
  });
});
