import * as assert from 'assert';
import { recordDecision } from '../helpers/approvals';
import { verifyThenPush, withoutGate } from '../helpers/gateAgreement';
import { commitFile, policyJson, setup, type Setup } from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';

/**
 * attack17 (not pursued, "dropped rejections"): a reviewer's request for changes stopped counting once the policy
 * rotated or dropped their key — it no longer verified with a listed key, so the gate set it aside as a bad
 * signature, and the rejected change landed with another reviewer's approval. A rejection that a key of that
 * reviewer on the policy branch's history verifies keeps holding; only the same reviewer's later approval lifts it.
 */
type ExplainJson = {
  approvals: {
    statements: Array<{ decision: string; reviewer: { email: string }; verification: { ok: boolean }; why?: string }>;
  };
};

describe('server gate: a rejection outlives the key that signed it (real pushes)', function () {
  this.timeout(240_000);

  const bobNew = makeKey('bob-rotated');
  let s: Setup;
  let tip: string;
  let oldMain: string;

  /** Rewrites the policy on main (as one reviewed change would) and pushes it with the gate off. */
  function landPolicy(mutate: (p: { reviewers: Array<{ email: string; key: string }> }) => void): string {
    const { ada, bob, carol, server } = s;
    const policy = JSON.parse(policyJson(bob, carol)) as { reviewers: Array<{ email: string; key: string }> };
    mutate(policy);
    ada.git('checkout', '-q', 'main');
    ada.write('.countersign.json', JSON.stringify(policy, null, 2) + '\n');
    ada.git('add', '.countersign.json');
    ada.commit('policy: reviewers', '-m', 'AI-Provenance: v1 ai=0 human=1 untracked=0');
    withoutGate(server, () => assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0));
    return ada.git('rev-parse', 'HEAD');
  }

  /** Ada's AI change on `feature` from main, rejected by Bob with the key the policy lists today, shared. */
  function rejectedFeature(): void {
    const { ada, bob } = s;
    oldMain = ada.git('rev-parse', 'main');
    ada.git('checkout', '-q', '-b', 'feature');
    tip = commitFile(
      ada,
      'deploy.sh',
      'rm -rf /srv/app\n',
      'agent: deploy\n\nAI-Provenance: v1 ai=1 human=0 untracked=0',
    );
    assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'feature']).status, 0);
    recordDecision(ada, bob, {
      email: 'bob@example.com',
      tip,
      base: oldMain,
      decision: 'reject',
      comment: 'this deletes production',
    });
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
  }

  /** main merges the rejected feature; Carol approves the merge (its span holds the rejected commit); push. */
  function mergeApproveAndPush(policyTip: string) {
    const { ada, carol } = s;
    ada.git('checkout', '-q', 'main');
    ada.git('merge', '-q', '--no-ff', '-m', 'merge feature\n\nAI-Provenance: v1 ai=0 human=0 untracked=0', 'feature');
    const merge = ada.git('rev-parse', 'HEAD');
    recordDecision(ada, carol, { email: 'carol@example.com', tip: merge, base: policyTip });
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    return verifyThenPush(ada, 'main', ['origin', 'main']);
  }

  beforeEach(() => {
    s = setup();
    rejectedFeature();
  });

  it("holds after the policy rotates the rejecting reviewer's key", () => {
    const policyTip = landPolicy((p) => {
      p.reviewers[0].key = bobNew.publicKey;
    });
    const r = mergeApproveAndPush(policyTip);
    assert.notStrictEqual(r.status, 0, `Bob's rejection stopped counting when his key was rotated:\n${r.stderr}`);
    assert.match(r.stderr, /bob@example\.com/);
    assert.strictEqual(s.server.git('rev-parse', 'main'), policyTip);
    // explain judges the statements as the gate does: Bob's rejection is valid and stands.
    const e = s.ada.cli(['explain', tip, '--json']);
    assert.strictEqual(e.status, 0, e.stderr);
    const statements = (JSON.parse(e.stdout) as ExplainJson).approvals.statements;
    const bobs = statements.find((x) => x.decision === 'reject' && x.reviewer.email === 'bob@example.com');
    assert.ok(bobs, e.stdout);
    assert.strictEqual(bobs.verification.ok, true, JSON.stringify(bobs));
    assert.strictEqual(bobs.why, undefined, JSON.stringify(bobs));
  });

  it('holds after the policy drops the rejecting reviewer', () => {
    const policyTip = landPolicy((p) => {
      p.reviewers.push({ email: 'dan@example.com', key: bobNew.publicKey, name: 'Dan' } as never);
      p.reviewers.splice(0, 1);
    });
    const r = mergeApproveAndPush(policyTip);
    assert.notStrictEqual(r.status, 0, `Bob's rejection stopped counting when he left the policy:\n${r.stderr}`);
    assert.strictEqual(s.server.git('rev-parse', 'main'), policyTip);
  });

  it('is lifted by the same reviewer approving with the new key', () => {
    const { ada } = s;
    const policyTip = landPolicy((p) => {
      p.reviewers[0].key = bobNew.publicKey;
    });
    recordDecision(ada, bobNew, {
      email: 'bob@example.com',
      tip,
      base: oldMain,
      time: new Date(Date.now() + 60_000).toISOString(),
    });
    const r = mergeApproveAndPush(policyTip);
    assert.strictEqual(r.status, 0, `Bob's later approval with his new key should lift his rejection:\n${r.stderr}`);
  });

  it('a statement signed by the retired key does not count as an approval', () => {
    const { ada, bob } = s;
    const policyTip = landPolicy((p) => {
      p.reviewers[0].key = bobNew.publicKey;
    });
    // Bob's old key (lost, say) approves the merge instead of Carol: it must count for nothing.
    ada.git('checkout', '-q', 'main');
    ada.git('merge', '-q', '--no-ff', '-m', 'merge feature\n\nAI-Provenance: v1 ai=0 human=0 untracked=0', 'feature');
    const merge = ada.git('rev-parse', 'HEAD');
    withoutGate(s.server, () => {
      recordDecision(ada, bob, { email: 'bob@example.com', tip: merge, base: policyTip });
      assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    });
    const r = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, `an approval signed by a retired key counted:\n${r.stderr}`);
  });
});
