import * as assert from 'assert';
import { attach, sign, statementFor } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, policyJson, pushMain, setup } from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';

/**
 * Ways around the gate through the kind of ref update rather than its commits (docs/design.md, "The policy"):
 * symbolic refs, rewinds, deletions and tags — each against a real bare server with the installed pre-receive.
 */
describe('symbolic refs, rewinds, deletions and tags (server-side, real pushes)', function () {
  this.timeout(120_000);

  const AI = 'AI-Provenance: v1 ai=1 human=0 untracked=0';
  const HUMAN = 'AI-Provenance: v1 ai=0 human=1 untracked=0';

  it('a push to a symbolic ref (master -> main kept after a rename) is judged as main', () => {
    const { ada, server } = setup();
    server.git('symbolic-ref', 'refs/heads/master', 'refs/heads/main');
    commitFile(ada, 'ai.ts', 'ai\n', `AI change\n\n${AI}`);
    const r = ada.gitResult(['push', 'origin', 'HEAD:master']);
    assert.notStrictEqual(r.status, 0, 'moving main through its alias must be judged');
    assert.match(r.stderr, /main \(through the symbolic ref refs\/heads\/master\) is protected/);
    assert.notStrictEqual(server.git('rev-parse', 'main'), ada.git('rev-parse', 'HEAD'));
  });

  it('a force-push of a protected branch is refused by default, and verify agrees', () => {
    const { ada, server } = setup();
    commitFile(ada, 'a.txt', 'a\n', `reviewed work\n\n${HUMAN}`);
    assert.strictEqual(pushMain(ada).status, 0);
    const onServer = server.git('rev-parse', 'main');
    ada.git('reset', '-q', '--hard', 'HEAD~1');
    commitFile(ada, 'b.txt', 'b\n', `replacement\n\n${HUMAN}`);
    const r = verifyThenPush(ada, 'main', ['-f', 'origin', 'main']);
    assert.notStrictEqual(r.status, 0);
    assert.match(
      r.stderr,
      /a non-fast-forward update of the protected branch main is not allowed: it would drop 1 commit\(s\)/,
    );
    assert.strictEqual(server.git('rev-parse', 'main'), onServer);
    assert.match(r.stderr, /push a commit that reverts what you want gone instead/);
    // A pure rewind (to an ancestor, no new commit) too; a clone that is only behind is told to pull, not to
    // revert (newuser24 F13), by verify and the server alike.
    ada.git('reset', '-q', '--hard', 'HEAD~1');
    const back = verifyThenPush(ada, 'main', ['-f', 'origin', 'main']);
    assert.notStrictEqual(back.status, 0);
    assert.match(back.stderr, /nothing of yours to push: if your branch is only behind, `git pull` brings/);
    assert.doesNotMatch(back.stderr, /reverts what you want gone/);
  });

  it('allowForcePushes: a rewind that drops an environment counts as a mass deletion and needs two people', () => {
    const bob = makeKey('bob');
    const carol = makeKey('carol');
    const { ada } = setup(policyJson(bob, carol, { allowForcePushes: true }));
    for (let i = 1; i <= 6; i++) ada.write(`env/f${i}.txt`, `file ${i}\n`);
    ada.git('add', 'env');
    ada.commit(`Add the environment\n\n${HUMAN}`);
    const base = ada.git('rev-parse', 'HEAD~1');
    assert.strictEqual(pushMain(ada).status, 0);
    const old = ada.git('rev-parse', 'HEAD');
    ada.git('reset', '-q', '--hard', base);
    const tip = commitFile(ada, 'note.txt', 'gone\n', `Start over\n\n${HUMAN}`);
    const r = verifyThenPush(ada, 'main', ['-f', 'origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'dropping six files by force-push must not dodge the mass-deletion tier');
    assert.match(
      r.stderr,
      /force-push of main from [0-9a-f]{40} to [0-9a-f]{40}: it drops 1 commit\(s\) now on main, which counts as deleting 6 file\(s\) and 6 line\(s\)/,
    );
    assert.match(r.stderr, /tier 'mass-deletion'/);
    for (const [key, email] of [
      [bob, 'bob@example.com'],
      [carol, 'carol@example.com'],
    ] as const) {
      attach(ada.dir, sign(key, statementFor(ada.dir, { email, tip, base: old })), tip, ada.env);
    }
    const ok = ada.gitResult(['push', '-f', '--no-verify', '--atomic', 'origin', 'main', 'refs/notes/countersign']);
    assert.strictEqual(ok.status, 0, ok.stderr);
  });

  it('deleting a protected branch or tag is refused; an unprotected one may go', () => {
    const { ada } = setup();
    ada.git('tag', 'v1.0');
    assert.strictEqual(ada.gitResult(['push', 'origin', 'v1.0']).status, 0, 'v1.0 names a commit already on main');
    ada.git('push', '-q', 'origin', 'main:release/1', 'main:feature/x');
    const rel = ada.gitResult(['push', 'origin', '--delete', 'release/1']);
    assert.notStrictEqual(rel.status, 0);
    assert.match(rel.stderr, /deleting the protected branch release\/1 is not allowed/);
    const tag = ada.gitResult(['push', 'origin', '--delete', 'refs/tags/v1.0']);
    assert.notStrictEqual(tag.status, 0);
    assert.match(tag.stderr, /deleting the protected tag v1\.0 is not allowed/);
    assert.strictEqual(ada.gitResult(['push', 'origin', '--delete', 'feature/x']).status, 0);
  });

  it('a tag on an unreviewed AI commit is refused, in one push or after parking the commit on a feature branch', () => {
    const { ada, bob } = setup();
    const base = ada.git('rev-parse', 'origin/main');
    ada.git('checkout', '-q', '-b', 'feature/ai');
    const tip = commitFile(ada, 'ai.ts', 'ai\n', `AI change\n\n${AI}`);
    ada.git('tag', 'v2.0');
    const one = ada.gitResult(['push', 'origin', 'v2.0']);
    assert.notStrictEqual(one.status, 0, 'deploy-on-tag would ship it');
    assert.match(one.stderr, /v2\.0 is protected/);
    assert.match(one.stderr, new RegExp(`countersign approve ${tip} --base ${base}`));
    // Two pushes: the commit lands on an unprotected branch first, then the tag names it.
    assert.strictEqual(ada.gitResult(['push', 'origin', 'feature/ai']).status, 0);
    ada.git('tag', '-a', '-m', 'release', 'v2.1');
    const two = ada.gitResult(['push', 'origin', 'v2.1']);
    assert.notStrictEqual(two.status, 0, 'an annotated tag is judged by the commit it names');
    // Reviewed as a push to the policy branch would be: accepted.
    attach(ada.dir, sign(bob, statementFor(ada.dir, { email: 'bob@example.com', tip, base })), tip, ada.env);
    const ok = ada.gitResult(['push', '--atomic', 'origin', 'v2.0', 'refs/notes/countersign']);
    assert.strictEqual(ok.status, 0, ok.stderr);
  });

  it('protectedTags: only matching tags are gated', () => {
    const bob = makeKey('bob');
    const carol = makeKey('carol');
    const { ada } = setup(policyJson(bob, carol, { protectedTags: ['v*'] }));
    commitFile(ada, 'ai.ts', 'ai\n', `AI change\n\n${AI}`);
    ada.git('tag', 'scratch-1');
    ada.git('tag', 'v3.0');
    assert.strictEqual(ada.gitResult(['push', 'origin', 'scratch-1']).status, 0);
    assert.notStrictEqual(ada.gitResult(['push', 'origin', 'v3.0']).status, 0);
  });
});
