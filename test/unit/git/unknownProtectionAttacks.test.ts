import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { attach, sign, statementFor } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, policyJson, pushMain, setup } from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';
import { TempRepo } from '../helpers/tempRepo';

/**
 * newuser12 P5: the server remembers the last policy it could read (countersign/last-policy.json) and, while the
 * policy branch's policy is unreadable, refuses pushes to the policy branch and to what that policy protected.
 * `uninstall --server` forgets it; a broken policy pushed while the gate was off, then a reinstall, left a server
 * that remembered nothing, so it refused only the policy branch: an unreviewed AI commit went to `release/1.0` and
 * to a tag. Now a server that knows no readable policy refuses every branch and tag (what is protected is unknown),
 * and `install --server` (or `doctor`) remembers the newest readable policy in the policy branch's first-parent
 * history. Real bare servers, real pushes; verify and pre-push give the same verdict.
 */
describe('an unreadable policy and a server that remembers none (newuser12 P5)', function () {
  this.timeout(180_000);

  const AI = 'AI-Provenance: v1 ai=1 human=0 untracked=0';
  const HUMAN = 'AI-Provenance: v1 ai=0 human=1 untracked=0';
  const lastPolicy = (server: TempRepo) => path.join(server.dir, 'countersign', 'last-policy.json');

  function breakPolicy(ada: TempRepo): string {
    return commitFile(ada, '.countersign.json', '{ oops\n', `break the policy\n\n${HUMAN}`);
  }

  /** Pushes HEAD to `ref` without the pre-push hook; verify must agree with the server. */
  function pushTo(ada: TempRepo, ref: string) {
    return verifyThenPush(ada, ref, ['origin', `HEAD:${ref}`]);
  }

  it('the exact P5 sequence: uninstall, `{ oops` on main, reinstall; release/1.0 and a tag stay closed', () => {
    const { ada, server } = setup();
    commitFile(ada, 'a.txt', 'a\n', `human\n\n${HUMAN}`);
    assert.strictEqual(pushMain(ada).status, 0);
    const good = ada.git('rev-parse', 'HEAD');
    assert.ok(fs.existsSync(lastPolicy(server)), 'the server read (and remembers) the policy');

    assert.strictEqual(server.cli(['uninstall', '--server']).status, 0);
    assert.ok(!fs.existsSync(lastPolicy(server)), 'uninstall forgets it');
    const broken = breakPolicy(ada);
    assert.strictEqual(pushMain(ada).status, 0, 'no gate: the broken policy lands');
    const inst = server.cli(['install', '--server', '--policy-branch', 'main']);
    assert.strictEqual(inst.status, 0, 'installed: the gate is there and fails closed (DESIGN: 0 installed)');

    ada.git('checkout', '-q', '-b', 'ai');
    commitFile(ada, 'ai.ts', 'ai\n', `AI change\n\n${AI}`);
    const rel = pushTo(ada, 'release/1.0');
    assert.notStrictEqual(rel.status, 0, 'release/* was protected by the last valid policy');
    assert.match(rel.stderr, /cannot be read/);
    const tag = pushTo(ada, 'refs/tags/v9');
    assert.notStrictEqual(tag.status, 0, 'every tag was protected by the last valid policy');
    assert.notStrictEqual(pushTo(ada, 'main').status, 0, 'the policy branch');
    // What the remembered policy did not protect is not held hostage.
    const feature = ada.gitResult(['push', '--no-verify', 'origin', 'HEAD:feature/x']);
    assert.strictEqual(feature.status, 0, feature.stderr);

    // install was loud about it: names the file, the commit, what is refused, the seed and the fix.
    assert.match(inst.stderr, /WARNING: the \.countersign\.json on main at [0-9a-f]{12} cannot be read/);
    assert.match(inst.stderr, new RegExp(broken.slice(0, 12)));
    assert.match(inst.stderr, new RegExp(`remembers the policy at ${good.slice(0, 12)}`));
    assert.match(inst.stderr, /refused until it is fixed: pushes to main, release\/\*, and every tag/);
    assert.match(inst.stderr, /install --server --recover/);
    const json = server.cli(['install', '--server', '--json']);
    assert.strictEqual(json.status, 0);
    const j = JSON.parse(json.stdout) as Record<string, unknown>;
    assert.strictEqual(j.policyReadable, false);
    assert.deepStrictEqual(j.rememberedPolicy, { commit: good, seeded: true });

    // pre-push agrees (hooks installed in the clone, no --no-verify).
    assert.strictEqual(ada.cli(['install']).status, 0);
    for (const ref of ['release/1.1', 'refs/tags/v10']) {
      const r = ada.gitResult(['push', 'origin', `HEAD:${ref}`]);
      assert.notStrictEqual(r.status, 0, `pre-push lets ${ref} through`);
      assert.match(r.stderr, /cannot be read|not valid JSON/);
    }
    assert.strictEqual(server.gitResult(['rev-parse', '--verify', '--quiet', 'refs/tags/v9']).status, 1);

    // --recover now judges the fix under the remembered policy: a policy change needs its approvals.
    const g = server.cli(['install', '--server', '--recover']);
    assert.match(g.stdout, /judged under the last policy this server could read/);
  });

  it('a server that remembers no readable policy refuses every branch and tag; doctor seeds its memory', () => {
    const { ada, server } = setup();
    commitFile(ada, 'a.txt', 'a\n', `human\n\n${HUMAN}`);
    assert.strictEqual(pushMain(ada).status, 0);
    const good = ada.git('rev-parse', 'HEAD');
    assert.strictEqual(server.cli(['uninstall', '--server']).status, 0);
    breakPolicy(ada);
    assert.strictEqual(pushMain(ada).status, 0);
    assert.strictEqual(server.cli(['install', '--server']).status, 0);
    // What a server installed by an older countersign, or whose memory was lost, looks like.
    fs.rmSync(lastPolicy(server), { force: true });

    ada.git('checkout', '-q', '-b', 'ai');
    commitFile(ada, 'ai.ts', 'ai\n', `AI change\n\n${AI}`);
    for (const ref of ['feature/x', 'release/1.0', 'refs/tags/v9', 'main']) {
      const r = pushTo(ada, ref);
      assert.notStrictEqual(r.status, 0, `${ref}: what is protected is unknown, so it is closed`);
      assert.match(r.stderr, /knows no earlier readable policy/);
      assert.match(r.stderr, /every push to a branch or tag is refused/);
    }

    const doctor = server.cli(['doctor', '--json']);
    assert.strictEqual(doctor.status, 1);
    const policy = (JSON.parse(doctor.stdout).checks as Array<{ check: string; message: string }>).find(
      (c) => c.check === 'policy',
    );
    assert.match(policy?.message ?? '', new RegExp(`remembers the policy at ${good.slice(0, 12)}`));
    assert.match(policy?.message ?? '', /refused until it is fixed: pushes to main, release\/\*, and every tag/);
    assert.ok(fs.existsSync(lastPolicy(server)), 'doctor seeded the memory');
    const feature = ada.gitResult(['push', '--no-verify', 'origin', 'HEAD:feature/x']);
    assert.strictEqual(feature.status, 0, feature.stderr);
    assert.notStrictEqual(pushTo(ada, 'release/1.0').status, 0);
  });

  it('no readable policy anywhere in the history: everything is closed until --recover lets a valid policy in', () => {
    const bob = makeKey('bob');
    const carol = makeKey('carol');
    const server = TempRepo.create({ bare: true });
    const ada = TempRepo.create();
    ada.git('remote', 'add', 'origin', server.dir);
    commitFile(ada, 'README.md', 'hi\n', `readme\n\n${HUMAN}`);
    const broken = breakPolicy(ada);
    assert.strictEqual(pushMain(ada).status, 0, 'no gate yet');
    const inst = server.cli(['install', '--server', '--policy-branch', 'main']);
    assert.strictEqual(inst.status, 0);

    ada.git('checkout', '-q', '-b', 'ai');
    commitFile(ada, 'ai.ts', 'ai\n', `AI change\n\n${AI}`);
    for (const ref of ['feature/x', 'release/1.0', 'refs/tags/v1']) {
      const r = pushTo(ada, ref);
      assert.notStrictEqual(r.status, 0, `${ref} must not slip through while nothing says what is protected`);
      assert.match(
        r.stderr,
        new RegExp(`\\.countersign\\.json on the policy branch 'main'.* at ${broken.slice(0, 12)}`),
      );
    }

    assert.match(inst.stderr, new RegExp(`WARNING: the \\.countersign\\.json on main at ${broken.slice(0, 12)}`));
    assert.match(inst.stderr, /no readable \.countersign\.json in main's history/);
    assert.match(inst.stderr, /every push to a branch or tag is refused/);

    // The way forward: the administrator's grant, then a valid policy on main (nothing to judge it by).
    ada.git('checkout', '-q', 'main');
    commitFile(ada, '.countersign.json', policyJson(bob, carol), `fix the policy\n\n${HUMAN}`);
    assert.notStrictEqual(pushMain(ada, '--no-verify').status, 0, 'not without the grant');
    assert.match(server.cli(['install', '--server', '--recover']).stdout, /this server never read a valid policy/);
    const fixed = pushMain(ada, '--no-verify');
    assert.strictEqual(fixed.status, 0, fixed.stderr);
    ada.git('checkout', '-q', 'ai');
    ada.git('rebase', '-q', 'main');
    assert.notStrictEqual(pushTo(ada, 'release/1.0').status, 0, 'judged under the policy now on main');
    const feature = ada.gitResult(['push', '--no-verify', 'origin', 'HEAD:feature/x']);
    assert.strictEqual(feature.status, 0, feature.stderr);
  });

  it('never a policy at all (the adoption path): nothing is protected, no warning; the first policy push is accepted', () => {
    const bob = makeKey('bob');
    const carol = makeKey('carol');
    const server = TempRepo.create({ bare: true });
    const ada = TempRepo.create();
    ada.git('remote', 'add', 'origin', server.dir);
    commitFile(ada, 'README.md', 'hi\n', `readme\n\n${HUMAN}`);
    assert.strictEqual(pushMain(ada).status, 0);
    const inst = server.cli(['install', '--server', '--policy-branch', 'main']);
    assert.strictEqual(inst.status, 0);
    assert.doesNotMatch(inst.stderr, /WARNING/);
    ada.git('checkout', '-q', '-b', 'ai');
    commitFile(ada, 'ai.ts', 'ai\n', `AI change\n\n${AI}`);
    for (const ref of ['release/1.0', 'refs/tags/v1']) {
      const r = ada.gitResult(['push', '--no-verify', 'origin', `HEAD:${ref}`]);
      assert.strictEqual(r.status, 0, `${ref}: no policy anywhere, nothing is protected (${r.stderr})`);
    }
    ada.git('checkout', '-q', 'main');
    commitFile(ada, '.countersign.json', policyJson(bob, carol), `adopt Countersign\n\n${HUMAN}`);
    const first = pushMain(ada);
    assert.strictEqual(first.status, 0, first.stderr);
    ada.git('checkout', '-q', 'ai');
    commitFile(ada, 'ai2.ts', 'ai\n', `AI change\n\n${AI}`);
    assert.notStrictEqual(ada.gitResult(['push', '--no-verify', 'origin', 'HEAD:release/1.0']).status, 0);
  });

  it('the fix after a reinstall is judged under the seeded policy, and needs its approvals', () => {
    const { ada, server, bob, carol } = setup();
    const good = ada.git('rev-parse', 'HEAD');
    assert.strictEqual(server.cli(['uninstall', '--server']).status, 0);
    const broken = breakPolicy(ada);
    assert.strictEqual(pushMain(ada).status, 0);
    assert.strictEqual(server.cli(['install', '--server']).status, 0);
    ada.git('checkout', '-q', good, '--', '.countersign.json');
    const fix = ada.commit(`Fix the policy\n\n${HUMAN}`);
    assert.notStrictEqual(pushMain(ada, '--no-verify').status, 0, 'no grant yet');
    assert.strictEqual(server.cli(['install', '--server', '--recover']).status, 0);
    const unapproved = pushMain(ada, '--no-verify');
    assert.notStrictEqual(unapproved.status, 0, 'a policy change needs review under the remembered policy');
    assert.match(unapproved.stderr, /changes \.countersign\.json/);
    for (const [key, email] of [
      [bob, 'bob@example.com'],
      [carol, 'carol@example.com'],
    ] as const)
      attach(ada.dir, sign(key, statementFor(ada.dir, { email, tip: fix, base: broken })), fix, ada.env);
    const ok = ada.gitResult(['push', '--no-verify', '--atomic', 'origin', 'main', 'refs/notes/countersign']);
    assert.strictEqual(ok.status, 0, ok.stderr);
  });
});
