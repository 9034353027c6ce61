import * as assert from 'assert';
import { attach, sign, statementFor } from '../helpers/approvals';
import { verifyThenPush, withoutGate } from '../helpers/gateAgreement';
import { commitFile, policyJson, pushMain, setup } from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';
import { TempRepo } from '../helpers/tempRepo';

/**
 * "No push chooses the policy that judges it" (docs/design.md, "The policy"): every protected ref is judged under the
 * .countersign.json on the server's policy branch, against a real bare server with the installed pre-receive.
 * `verifyThenPush` also checks that `verify` gives the same verdict as the server.
 */
describe('policy branch (server-side, real pushes)', function () {
  this.timeout(120_000);

  const AI = 'AI-Provenance: v1 ai=1 human=0 untracked=0';

  it('HEAD naming a branch that does not exist (init --bare says master, the team pushes main) fails closed, with the fix', () => {
    const bob = makeKey('bob');
    const carol = makeKey('carol');
    const server = TempRepo.create({ bare: true });
    server.git('symbolic-ref', 'HEAD', 'refs/heads/master');
    const inst = server.cli(['install', '--server']);
    assert.strictEqual(inst.status, 0, inst.stderr);
    assert.match(inst.stdout, /policy branch: master/);
    assert.match(inst.stdout, /master does not exist here yet/);
    const ada = TempRepo.create();
    ada.git('remote', 'add', 'origin', server.dir);
    ada.write('.countersign.json', policyJson(bob, carol));
    ada.git('add', '.');
    ada.commit('Add policy', '-m', 'AI-Provenance: v1 ai=0 human=1 untracked=0');
    const main = pushMain(ada);
    assert.notStrictEqual(main.status, 0, 'main is not the policy branch: without it nothing can be judged');
    assert.match(
      main.stderr,
      /the policy branch 'master' \(recorded by `countersign install --server`\) does not exist on this server/,
    );
    assert.match(main.stderr, /countersign install --server --policy-branch NAME/);
    // The attack: a release branch with unreviewed AI code.
    ada.git('checkout', '-q', '-b', 'release/1');
    commitFile(ada, 'ai.ts', 'ai\n', `AI change\n\n${AI}`);
    assert.notStrictEqual(
      ada.gitResult(['push', 'origin', 'release/1']).status,
      0,
      'a new release branch must not slip through unjudged',
    );
    // The administrator's fix, as the message says; then main is created and judges release/1.
    assert.strictEqual(server.cli(['install', '--server', '--policy-branch', 'main']).status, 0);
    ada.git('checkout', '-q', 'main');
    assert.strictEqual(pushMain(ada).status, 0);
    ada.git('checkout', '-q', 'release/1');
    const r = verifyThenPush(ada, 'release/1', ['origin', 'release/1']);
    assert.notStrictEqual(r.status, 0);
    assert.match(r.stderr, /release\/1 is protected \("release\/\*" in \.countersign\.json on main\)/);
  });

  it('a permissive policy pushed to an unprotected branch judges nothing, even when HEAD names that branch', () => {
    const { ada, server, bob, carol } = setup();
    ada.git('checkout', '-q', '-b', 'develop');
    const loose = JSON.parse(policyJson(bob, carol)) as Record<string, unknown>;
    loose.protectedBranches = [];
    commitFile(
      ada,
      '.countersign.json',
      JSON.stringify(loose, null, 2),
      'Nothing is protected\n\nAI-Provenance: v1 ai=0 human=1 untracked=0',
    );
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'develop']).status, 0, 'develop is not protected');
    server.git('symbolic-ref', 'HEAD', 'refs/heads/develop'); // what used to pick the policy for new branches
    ada.git('checkout', '-q', '-b', 'release/2');
    commitFile(ada, 'ai.ts', 'ai\n', `AI change\n\n${AI}`);
    const r = verifyThenPush(ada, 'release/2', ['origin', 'release/2']);
    assert.notStrictEqual(r.status, 0, 'release/2 is judged by the policy on main, the recorded policy branch');
    assert.match(r.stderr, /\.countersign\.json on main/);
    const v = ada.cli(['verify', '--branch', 'develop']);
    assert.strictEqual(v.status, 0, v.stderr);
    assert.match(
      v.stderr,
      /the \.countersign\.json on origin\/develop differs from the one on the policy branch origin\/main; only the policy branch's counts/,
    );
  });

  it('an older copy of the policy on a protected branch does not judge it', () => {
    const { ada, server, bob, carol, mallory } = setup();
    // An old copy on release/1 listing Mallory as a reviewer (planted without the gate, as history might have it).
    ada.git('checkout', '-q', '-b', 'release/1');
    const old = JSON.parse(policyJson(bob, carol)) as { reviewers: unknown[] };
    old.reviewers.push({ name: 'Mallory', email: 'mallory@example.com', key: mallory.publicKey });
    commitFile(
      ada,
      '.countersign.json',
      JSON.stringify(old, null, 2),
      'old copy\n\nAI-Provenance: v1 ai=0 human=1 untracked=0',
    );
    withoutGate(server, () => assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'release/1']).status, 0));
    const base = ada.git('rev-parse', 'HEAD');
    const tip = commitFile(ada, 'ai.ts', 'ai\n', `AI change\n\n${AI}`);
    attach(ada.dir, sign(mallory, statementFor(ada.dir, { email: 'mallory@example.com', tip, base })), tip, ada.env);
    const r = verifyThenPush(ada, 'release/1', ['origin', 'release/1', 'refs/notes/countersign']);
    assert.notStrictEqual(r.status, 0, 'Mallory is a reviewer only in the copy on release/1');
    assert.match(r.stderr, /mallory@example\.com is not a reviewer in the policy/);
  });

  it('a deleted policy branch keeps what it protected closed; recreating it is judged under the last readable policy', () => {
    const { ada, server } = setup();
    commitFile(ada, 'a.txt', 'a\n', 'human\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    assert.strictEqual(pushMain(ada).status, 0); // the server reads (and remembers) its policy
    const good = ada.git('rev-parse', 'HEAD');
    ada.git('push', '-q', 'origin', 'main:feature/keep');
    server.git('config', 'receive.denyDeleteCurrent', 'ignore');
    withoutGate(server, () => assert.strictEqual(ada.gitResult(['push', 'origin', '--delete', 'main']).status, 0));
    const rel = ada.gitResult(['push', 'origin', 'main:release/3']);
    assert.notStrictEqual(rel.status, 0, 'release/* stays protected while the policy branch is missing');
    assert.match(rel.stderr, /the policy branch 'main' .* does not exist on this server/);
    commitFile(ada, 'ai.ts', 'ai\n', `AI change\n\n${AI}`);
    assert.notStrictEqual(pushMain(ada).status, 0, 'recreating main with unreviewed AI code is judged, and refused');
    const back = ada.gitResult(['push', 'origin', `${good}:refs/heads/main`]);
    assert.strictEqual(back.status, 0, back.stderr);
  });

  it('a push that would put an invalid policy on the policy branch is refused; elsewhere it is ignored', () => {
    const { ada, bob, carol } = setup();
    const base = ada.git('rev-parse', 'origin/main');
    const broken = JSON.parse(policyJson(bob, carol)) as { reviewers: Array<Record<string, unknown>> };
    broken.reviewers[0].key = 'ssh-ed25519 not-base64!';
    const tip = commitFile(
      ada,
      '.countersign.json',
      JSON.stringify(broken, null, 2),
      'Typo in a key\n\nAI-Provenance: v1 ai=0 human=1 untracked=0',
    );
    // Approved under the current policy, it would still brick the server: refused.
    attach(ada.dir, sign(carol, statementFor(ada.dir, { email: 'carol@example.com', tip, base })), tip, ada.env);
    const r = ada.gitResult(['push', '--atomic', 'origin', 'main', 'refs/notes/countersign']);
    assert.notStrictEqual(r.status, 0);
    assert.match(r.stderr, /would put an invalid \.countersign\.json on the policy branch main/);
    // No policy line refused it: the first line must not claim one ("main is protected (the policy)", newuser15 #14).
    assert.match(r.stderr, /BLOCKED — the push to main is refused:/);
    assert.doesNotMatch(r.stderr, /\(the policy\)/);
    assert.match(r.stderr, /reviewers\[0\]\.key: the key data is not base64/);
    // On a feature branch it is only a file: nothing there judges anything.
    const f = ada.gitResult(['push', 'origin', 'main:feature/typo']);
    assert.strictEqual(f.status, 0, f.stderr);
    // The server still works.
    ada.git('reset', '-q', '--hard', base);
    commitFile(ada, 'ok.txt', 'ok\n', 'human\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    assert.strictEqual(pushMain(ada).status, 0);
  });

  it('a broken policy on the policy branch closes only what the last readable policy protected; --recover lets one reviewed fix in', () => {
    const { ada, server, bob, carol } = setup();
    // One ordinary push, so the server has read (and remembers) its policy.
    commitFile(ada, 'a.txt', 'a\n', 'human\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    assert.strictEqual(pushMain(ada).status, 0);
    const good = ada.git('rev-parse', 'HEAD');
    ada.write('.countersign.json', '{"protectedBranches": ["main"], "reviewers": [ }');
    ada.git('add', '.');
    ada.commit('break it\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    withoutGate(server, () => assert.strictEqual(pushMain(ada).status, 0));
    const broken = ada.git('rev-parse', 'HEAD');

    commitFile(ada, 'b.txt', 'b\n', 'human\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    const closed = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(closed.status, 0);
    assert.strictEqual(closed.verify.status, 2, 'an unreadable policy is a configuration error for verify');
    assert.match(closed.stderr, /the \.countersign\.json on the policy branch 'main' .* cannot be read/);
    assert.match(closed.stderr, /countersign install --server --recover/);
    // release/* was protected by the last readable policy: closed too. feature/* was not: not held hostage.
    assert.notStrictEqual(ada.gitResult(['push', 'origin', 'HEAD:release/9']).status, 0);
    const feature = ada.gitResult(['push', 'origin', 'HEAD:feature/x']);
    assert.strictEqual(feature.status, 0, feature.stderr);

    // Recovery: the administrator grants one fix; it is judged under the last readable policy (a policy
    // change needs an approval), then the grant is spent.
    ada.git('reset', '-q', '--hard', broken);
    ada.git('checkout', '-q', good, '--', '.countersign.json');
    const fix = ada.commit('Fix the policy\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    assert.notStrictEqual(pushMain(ada).status, 0, 'no grant yet');
    const g = server.cli(['install', '--server', '--recover']);
    assert.strictEqual(g.status, 0, g.stderr);
    assert.match(g.stdout, /judged under the last policy this server could read/);
    const unapproved = pushMain(ada);
    assert.notStrictEqual(
      unapproved.status,
      0,
      'the fix is a policy change: it needs review under the last readable policy',
    );
    assert.match(unapproved.stderr, /changes \.countersign\.json/);
    // A policy change needs what the strictest tier asks (two approvals under the default tiers).
    for (const [key, email] of [
      [bob, 'bob@example.com'],
      [carol, 'carol@example.com'],
    ] as const)
      attach(ada.dir, sign(key, statementFor(ada.dir, { email, tip: fix, base: broken })), fix, ada.env);
    const ok = ada.gitResult(['push', '--atomic', 'origin', 'main', 'refs/notes/countersign']);
    assert.strictEqual(ok.status, 0, ok.stderr);
  });
  it('newuser22 F-stale-policy: a broken policy right after an accepted policy change falls back to that change, not the policy before it', () => {
    const bob = makeKey('bob');
    const carol = makeKey('carol');
    const dave = makeKey('dave');
    const { ada, server } = setup(policyJson(bob, carol, { protectedBranches: ['main'] }));
    // v2, reviewed: protects release/* and adds Dave. Pushed with its approvals; no push follows it.
    const v2 = JSON.parse(policyJson(bob, carol, { protectedBranches: ['main', 'release/*'] })) as {
      reviewers: Array<Record<string, unknown>>;
    };
    v2.reviewers.push({ name: 'Dave New', email: 'dave@example.com', key: dave.publicKey });
    const base = ada.git('rev-parse', 'origin/main');
    const tip = commitFile(
      ada,
      '.countersign.json',
      JSON.stringify(v2, null, 2) + '\n',
      'Protect release/*, add Dave\n\nAI-Provenance: v1 ai=0 human=1 untracked=0',
    );
    for (const [key, email] of [
      [bob, 'bob@example.com'],
      [carol, 'carol@example.com'],
    ] as const)
      attach(ada.dir, sign(key, statementFor(ada.dir, { email, tip, base })), tip, ada.env);
    const landed = ada.gitResult(['push', '--atomic', 'origin', 'main', 'refs/notes/countersign']);
    assert.strictEqual(landed.status, 0, landed.stderr);
    // Then the policy on main becomes unreadable (an administrator's direct commit; an upgrade's schema).
    ada.write('.countersign.json', '{"protectedBranches": ["main"], "reviewers": [ }');
    ada.git('add', '.');
    ada.commit('break it\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    withoutGate(server, () => assert.strictEqual(pushMain(ada).status, 0));
    const broken = ada.git('rev-parse', 'HEAD');
    // An unreviewed AI commit onto release/1, which the last readable policy (v2) protects.
    ada.git('checkout', '-q', '-b', 'rel', tip);
    commitFile(ada, 'danger.py', 'danger = 1\n', `AI change, unreviewed\n\n${AI}`);
    const rel = ada.gitResult(['push', 'origin', 'HEAD:release/1']);
    assert.notStrictEqual(rel.status, 0, 'release/* is protected by the last readable policy (v2)');
    assert.match(rel.stderr, /cannot be read/);
    // The recovery is judged under v2 as well: Dave (added by v2) and Bob approve the fix, and it lands.
    ada.git('checkout', '-q', 'main');
    ada.git('checkout', '-q', tip, '--', '.countersign.json');
    const fix = ada.commit('Fix the policy\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    const g = server.cli(['install', '--server', '--recover']);
    assert.strictEqual(g.status, 0, g.stderr);
    for (const [key, email] of [
      [bob, 'bob@example.com'],
      [dave, 'dave@example.com'],
    ] as const)
      attach(ada.dir, sign(key, statementFor(ada.dir, { email, tip: fix, base: broken })), fix, ada.env);
    const ok = ada.gitResult(['push', '--atomic', 'origin', 'main', 'refs/notes/countersign']);
    assert.strictEqual(ok.status, 0, ok.stderr);
  });
});
