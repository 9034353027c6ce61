import * as assert from 'assert';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, policyJson, setup } from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';

/**
 * An outside tester's bypass (session 4): a team protects only `release/*`, so its policy branch `main` matched
 * no protected pattern and a push to it was checked only for a valid policy, never judged. The attacker
 * emptied protectedBranches on main, then pushed unreviewed code to release/1. The policy branch is now
 * always judged as protected, so a change to the policy needs review under the policy it replaces.
 */
describe('server gate: a policy branch no protected pattern names (real pushes)', function () {
  this.timeout(120_000);

  const HUMAN = 'AI-Provenance: v1 ai=0 human=1 untracked=0';
  const releaseOnly = () => policyJson(makeKey('bob'), makeKey('carol'), { protectedBranches: ['release/*'] });

  it('unprotecting everything on main, then landing unattested code on release/1, is refused; verify agrees', () => {
    const { ada, server } = setup(releaseOnly());
    // release/1: a small attested human history, which passes the gate.
    ada.git('checkout', '-q', '-b', 'release/1');
    commitFile(ada, 'VERSION', 'v1\n', `release 1\n\n${HUMAN}`);
    const rel = ada.gitResult(['push', '-q', '--no-verify', 'origin', 'release/1']);
    assert.strictEqual(rel.status, 0, rel.stderr);
    ada.git('checkout', '-q', 'main');
    // Step 1: a human-written commit on the policy branch empties protectedBranches and protectedTags.
    const loose = JSON.parse(ada.git('show', 'HEAD:.countersign.json')) as Record<string, unknown>;
    loose.protectedBranches = [];
    loose.protectedTags = [];
    commitFile(ada, '.countersign.json', JSON.stringify(loose, null, 2) + '\n', `tweak policy\n\n${HUMAN}`);
    const before = server.git('rev-parse', 'main');
    const step1 = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(step1.status, 0, 'a change to the policy needs review under the policy it replaces');
    assert.match(step1.stderr, /\.countersign\.json/);
    assert.strictEqual(server.git('rev-parse', 'main'), before);
    // Step 2 stays refused: release/1 is still protected.
    ada.git('checkout', '-q', '-b', 'r', 'origin/release/1');
    commitFile(ada, 'deploy.sh', 'rm -rf /\n', 'evil');
    const step2 = verifyThenPush(ada, 'release/1', ['origin', 'r:release/1']);
    assert.notStrictEqual(step2.status, 0, 'an unattested commit to release/1 needs review');
  });

  it('an AI commit to the policy branch needs review even when only release/* is protected', () => {
    const { ada, server } = setup(releaseOnly());
    commitFile(ada, 'ai.ts', 'ai\n', 'AI change\n\nAI-Provenance: v1 ai=1 human=0 untracked=0');
    const r = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0);
    assert.match(r.stderr, /main is protected/);
    assert.notStrictEqual(server.git('rev-parse', 'main'), ada.git('rev-parse', 'HEAD'));
    // A human commit that leaves the policy alone still passes.
    ada.git('reset', '-q', '--hard', 'origin/main');
    commitFile(ada, 'README.md', 'hello again\n', `docs\n\n${HUMAN}`);
    assert.strictEqual(verifyThenPush(ada, 'main', ['origin', 'main']).status, 0);
    // policy check and doctor say the policy branch is named by no pattern (and judged as protected anyway).
    const check = ada.cli(['policy', 'check']);
    assert.strictEqual(check.status, 0, check.stderr);
    assert.match(check.stdout, /warning: the policy branch 'main' matches no protectedBranches pattern/);
    assert.match(ada.cli(['doctor']).stdout, /the policy branch 'main' matches no protectedBranches pattern/);
  });
});
