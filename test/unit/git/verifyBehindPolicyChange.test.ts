import * as assert from 'assert';
import { withoutGate } from '../helpers/gateAgreement';
import { commitFile, setup } from '../helpers/gateServer';
import { HUMAN } from '../helpers/landedRange';

/**
 * New-user report, session 12, R10: a pull request cut before a policy change landed on main was judged by
 * `verify --base origin/main --head PR` (the CI templates' arguments) and by the review panel as "changes
 * .countersign.json: a policy change" needing the strictest tier — its head's tree holds the older policy, and
 * that was compared with the base's — although none of its commits touches the policy; the server then passed
 * the real merge with fewer approvals, so CI and the server disagreed. A merge of the head brings only its
 * change since it left the base's history, so the policy is compared from there (their merge base), as the
 * net change already was (src/git/netChange.ts `netChangeBase`).
 */
describe('verify of a pull request cut before a policy change (real server)', function () {
  this.timeout(240_000);
  const policyChange = /changes \.countersign\.json/;

  it('is not called a policy change, and agrees with the server on the merge', () => {
    const s = setup();
    const { ada, server } = s;
    const start = ada.git('rev-parse', 'main');
    ada.git('checkout', '-q', '-b', 'feature');
    const tip = commitFile(ada, 'src/t.py', 't = 1\n', `Add t\n\n${HUMAN}`);
    assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'feature']).status, 0);
    // The policy changes on main after the branch was cut (landed past the gate here: its review is not the point).
    ada.git('checkout', '-q', 'main');
    const policy = JSON.parse(ada.read('.countersign.json')) as { protectedBranches: string[] };
    policy.protectedBranches.push('hotfix/*');
    commitFile(ada, '.countersign.json', JSON.stringify(policy, null, 2) + '\n', `protect hotfix/*\n\n${HUMAN}`);
    withoutGate(server, () => assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0));
    ada.git('fetch', '-q', 'origin');
    assert.notStrictEqual(ada.git('rev-parse', 'origin/main'), start);

    const args = ['verify', '--remote', 'origin', '--branch', 'main', '--base', 'origin/main', '--head', tip];
    const v = ada.cli([...args, '--format', 'json']);
    const out = JSON.parse(v.stdout) as { ok: boolean; commits: Array<{ sha: string; reasons: string[] }> };
    const reasons = out.commits.flatMap((c) => c.reasons).join('\n');
    assert.doesNotMatch(reasons, policyChange, v.stdout);
    assert.strictEqual(v.status, 0, v.stdout + v.stderr);
    assert.strictEqual(out.ok, true);

    // The server on the real merge: the same verdict.
    ada.git(
      'merge',
      '-q',
      '--no-ff',
      '-m',
      `Merge feature\n\n${HUMAN.replace('human=1', 'human=0')}`,
      'origin/feature',
    );
    const pushed = ada.gitResult(['push', '--no-verify', 'origin', 'main']);
    assert.strictEqual(pushed.status, 0, pushed.stderr);
  });
});
