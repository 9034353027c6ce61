import * as assert from 'assert';
import { recordDecision } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, policyJson, setup, type Setup } from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';

/**
 * newuser17 F1: after a routine key rotation (docs/rollout.md §2), `report` counted the commits Bob had approved
 * with his old key, before the rotation, as unreviewed (coverage 1 → 0.5) while `explain` still said PASS, and
 * `report RANGE` gave other figures with another commit checked out (its policy was HEAD's). An approval that
 * counted where the commit landed keeps counting; the policy is the policy branch's, whatever is checked out.
 */
type Figures = { needingReviewCommits: number; reviewedNeedingReviewCommits: number; reviewCoverage: number | null };

describe('report after a reviewer key rotation (real pushes, real keys)', function () {
  this.timeout(240_000);

  let s: Setup;
  let aiTip: string;
  let beforeRotation: string;

  function figures(args: string[]): Figures {
    const r = s.ada.cli(['report', ...args, '--json']);
    assert.strictEqual(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as Figures;
    return {
      needingReviewCommits: j.needingReviewCommits,
      reviewedNeedingReviewCommits: j.reviewedNeedingReviewCommits,
      reviewCoverage: j.reviewCoverage,
    };
  }

  before(() => {
    s = setup();
    const { ada, bob, carol } = s;
    ada.git('remote', 'set-head', 'origin', 'main');
    // Ada's AI change, approved by Bob with the key the policy lists, lands through the gate.
    const base = ada.git('rev-parse', 'main');
    aiTip = commitFile(
      ada,
      'src/a.py',
      'def a():\n    return 1\n',
      'agent: a\n\nAI-Provenance: v1 ai=2 human=0 untracked=0',
    );
    recordDecision(ada, bob, { email: 'bob@example.com', tip: aiTip, base });
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    const landed = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.strictEqual(landed.status, 0, landed.stderr);
    ada.git('fetch', '-q', 'origin');
    beforeRotation = aiTip;

    // Bob rotates his key as rollout.md §2 says (policy add-reviewer --replace), reviewed by Bob and Carol, landed.
    const bobNew = makeKey('bob-rotated-f1');
    const policy = JSON.parse(policyJson(bob, carol)) as { reviewers: Array<{ email: string; key: string }> };
    policy.reviewers[0].key = bobNew.publicKey;
    ada.write('.countersign.json', JSON.stringify(policy, null, 2) + '\n');
    ada.git('add', '.countersign.json');
    const rotation = ada.commit("Rotate Bob's key", '-m', 'AI-Provenance: v1 ai=0 human=1 untracked=0');
    recordDecision(ada, bob, { email: 'bob@example.com', tip: rotation, base: aiTip });
    recordDecision(ada, carol, { email: 'carol@example.com', tip: rotation, base: aiTip });
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    const rotated = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.strictEqual(rotated.status, 0, rotated.stderr);
    ada.git('fetch', '-q', 'origin');
  });

  it("keeps counting Bob's pre-rotation approval, as explain does", () => {
    const after = figures([]);
    assert.deepStrictEqual(after, { needingReviewCommits: 2, reviewedNeedingReviewCommits: 2, reviewCoverage: 1 });
    const e = s.ada.cli(['explain', aiTip, '--json']);
    assert.strictEqual(e.status, 0, e.stderr);
    const gate = (JSON.parse(e.stdout) as { gate: { ok?: boolean } }).gate;
    assert.strictEqual(gate.ok, true, e.stdout);
    // The pre-rotation range alone: reviewed too.
    assert.deepStrictEqual(figures([beforeRotation]), {
      needingReviewCommits: 1,
      reviewedNeedingReviewCommits: 1,
      reviewCoverage: 1,
    });
  });

  it('gives the same figures for a RANGE whatever is checked out', () => {
    const onMain = { old: figures([beforeRotation]), all: figures(['main']) };
    s.ada.git('checkout', '-q', '--detach', beforeRotation);
    let detached: typeof onMain;
    try {
      detached = { old: figures([beforeRotation]), all: figures(['main']) };
    } finally {
      s.ada.git('checkout', '-q', 'main');
    }
    assert.deepStrictEqual(detached, onMain);
  });

  it('does not count an approval signed with a key the policy never listed for that reviewer', () => {
    const { ada, mallory } = s;
    const base = ada.git('rev-parse', 'main');
    const tip = commitFile(
      ada,
      'src/b.py',
      'def b():\n    return 2\n',
      'agent: b\n\nAI-Provenance: v1 ai=2 human=0 untracked=0',
    );
    recordDecision(ada, mallory, { email: 'bob@example.com', tip, base });
    try {
      const f = figures([`${base}..HEAD`]);
      assert.deepStrictEqual(f, { needingReviewCommits: 1, reviewedNeedingReviewCommits: 0, reviewCoverage: 0 });
      // Nor one whose base is a commit off the policy branch with a policy of its own listing that key.
      const policy = JSON.parse(ada.git('show', 'HEAD:.countersign.json')) as { reviewers: Array<{ key: string }> };
      policy.reviewers[0].key = mallory.publicKey;
      ada.write('.countersign.json', JSON.stringify(policy, null, 2) + '\n');
      ada.git('add', '.countersign.json');
      const forged = ada.commit('forged policy', '-m', 'AI-Provenance: v1 ai=0 human=1 untracked=0');
      const next = commitFile(ada, 'src/c.py', 'c = 3\n', 'agent: c\n\nAI-Provenance: v1 ai=1 human=0 untracked=0');
      recordDecision(ada, mallory, { email: 'bob@example.com', tip: next, base: forged });
      const g = figures([`${forged}..HEAD`]);
      assert.deepStrictEqual(g, { needingReviewCommits: 1, reviewedNeedingReviewCommits: 0, reviewCoverage: 0 });
    } finally {
      ada.git('reset', '-q', '--hard', base);
    }
  });
});
