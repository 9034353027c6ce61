import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { REF_GENERATION_ENV, rememberPolicyRead } from '../../../src/git/policyBranch';
import { attach, sign, statementFor } from '../helpers/approvals';
import { commitFile, policyJson, setup, type Setup } from '../helpers/gateServer';
import { makeKey, type TestKey } from '../helpers/reviewerKeys';

/**
 * attack28 F5: the server remembers the last readable policy (countersign/last-policy.json) so that a policy branch
 * gone unreadable falls back to the newest reviewed policy (newuser22 F-stale-policy). The pre-receive gate wrote it
 * when it passed a push moving the policy branch, before git moved the ref: an `--atomic` push whose ref transaction
 * git then refused (refs/heads/zz and refs/heads/zz/y together) left main at v1 and the server remembering v2, a
 * policy its policy branch never held, naming a commit it discarded with the push's quarantine. Only what the ref
 * transaction committed may be remembered. Real server, the installed hooks.
 */
describe('attack28 F5: the server remembers a policy only once its policy branch holds it', function () {
  this.timeout(240_000);

  const HUMAN = 'AI-Provenance: v1 ai=0 human=1 untracked=0';
  let s: Setup;
  let bob: TestKey;
  let carol: TestKey;
  let v1: string;
  let v2: string;
  const remembered = () =>
    JSON.parse(fs.readFileSync(path.join(s.server.dir, 'countersign', 'last-policy.json'), 'utf8')) as {
      commit: string;
      text: string;
    };

  before(() => {
    bob = makeKey('bob');
    carol = makeKey('carol');
    s = setup(policyJson(bob, carol, { protectedBranches: ['main'] }));
    const { ada } = s;
    v1 = ada.git('rev-parse', 'origin/main');
    assert.strictEqual(remembered().commit, v1);
    // v2, reviewed by Bob and Carol: protects release/* too. Its approvals reach the server first.
    v2 = commitFile(
      ada,
      '.countersign.json',
      policyJson(bob, carol, { protectedBranches: ['main', 'release/*'] }),
      `Protect release/*\n\n${HUMAN}`,
    );
    for (const [key, email] of [
      [bob, 'bob@example.com'],
      [carol, 'carol@example.com'],
    ] as const)
      attach(ada.dir, sign(key, statementFor(ada.dir, { email, tip: v2, base: v1 })), v2, ada.env);
    const notes = ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']);
    assert.strictEqual(notes.status, 0, notes.stderr);
  });

  it('attack: an --atomic push the ref transaction refuses after the gate passed it leaves the memory as it was', () => {
    const before = fs.readFileSync(path.join(s.server.dir, 'countersign', 'last-policy.json'), 'utf8');
    const r = s.ada.gitResult([
      'push',
      '--atomic',
      'origin',
      `${v2}:refs/heads/main`,
      `${v2}:refs/heads/zz`,
      `${v2}:refs/heads/zz/y`,
    ]);
    assert.notStrictEqual(r.status, 0, r.stderr);
    assert.match(r.stderr, /atomic transaction failed|cannot process/, r.stderr);
    assert.strictEqual(s.server.git('rev-parse', 'main'), v1);
    assert.strictEqual(fs.readFileSync(path.join(s.server.dir, 'countersign', 'last-policy.json'), 'utf8'), before);
    assert.strictEqual(remembered().commit, v1);
  });

  it('a policy change the gate refuses is not remembered', () => {
    s.ada.git('checkout', '-q', '-b', 'loosen', v1);
    const loosen = commitFile(
      s.ada,
      '.countersign.json',
      policyJson(bob, carol, { protectedBranches: [] }),
      `Protect nothing\n\n${HUMAN}`,
    );
    const r = s.ada.gitResult(['push', 'origin', `${loosen}:refs/heads/main`]);
    assert.notStrictEqual(r.status, 0, 'an unreviewed policy change is refused');
    assert.strictEqual(s.server.git('rev-parse', 'main'), v1);
    assert.strictEqual(remembered().commit, v1);
    s.ada.git('checkout', '-q', 'main');
  });

  it('the reviewed policy pushed as usual is remembered the moment it lands, with no push after it', () => {
    const r = s.ada.gitResult(['push', 'origin', `${v2}:refs/heads/main`]);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.strictEqual(s.server.git('rev-parse', 'main'), v2);
    assert.strictEqual(remembered().commit, v2);
    assert.match(remembered().text, /release\/\*/);
  });

  it("a push's read of the policy branch is not written back once refs moved since its judgement began", async () => {
    const generation = fs.readFileSync(path.join(s.server.dir, 'countersign', 'ref-generation'), 'utf8').trim();
    const older = { branch: 'main', commit: v1, text: policyJson(bob, carol, { protectedBranches: ['main'] }) };
    const prev = process.env[REF_GENERATION_ENV];
    try {
      // Judged from an earlier generation: the push that moved main to v2 committed since, and remembered v2.
      process.env[REF_GENERATION_ENV] = String(Number(generation) - 2);
      await rememberPolicyRead(s.server.dir, older);
      assert.strictEqual(remembered().commit, v2);
      // Nothing moved since its judgement began: what it read is the branch's, and is remembered.
      process.env[REF_GENERATION_ENV] = generation;
      await rememberPolicyRead(s.server.dir, older);
      assert.strictEqual(remembered().commit, v1);
    } finally {
      if (prev === undefined) delete process.env[REF_GENERATION_ENV];
      else process.env[REF_GENERATION_ENV] = prev;
    }
  });
});
