import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { attach, cloneAs, patchIdOf, recordDecision, sign } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, HUMAN_ONE, policyJson, serverRef, setup, type Setup } from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';
import type { TempRepo } from '../helpers/tempRepo';
import { prePushHook } from '../helpers/refVerdicts';

/**
 * An allowed rewind is judged as the one change it is, old value O → new value N, with approvals for that
 * change only (attack23 1): a keyless pusher force-pushed a protected branch back to a commit N that once got
 * approvals for its own change, and N's old approvals — for base..N, not for undoing what O has — passed the
 * rewind. It undid an approved policy change (03), removed the policy from the policy branch (03e: then nothing
 * was protected), undid an approved infrastructure fix on a branch (03b) and on a release tag (03c), and met the
 * mass-deletion tier (03d). `verify` (CI) and the server's pre-receive are held to one verdict (verifyThenPush);
 * a tag's pre-push and pre-receive likewise. The honest rewind — approved as `approve N --base O` — passes.
 */
describe('server gate: an allowed rewind needs approvals of the rewind, not of its target (attack23 1)', function () {
  this.timeout(240_000);

  const bob = makeKey('bob');
  const carol = makeKey('carol');
  const removeSetup = (s: Setup) => fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true });

  /** Bob's and Carol's approvals of base..tip, pushed with the notes (two: the strictest tier's count). */
  function approveBoth(s: Setup, tip: string, base: string): void {
    recordDecision(s.ada, s.bob, { email: 'bob@example.com', tip, base });
    recordDecision(s.ada, s.carol, { email: 'carol@example.com', tip, base });
    assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
  }

  /** A commit of `file` with `content`, approved by both from main's value and pushed to main. */
  function landApproved(s: Setup, file: string, content: string): string {
    const base = serverRef(s, 'refs/heads/main');
    const tip = commitFile(s.ada, file, content, `${file}\n\n${HUMAN_ONE}`);
    approveBoth(s, tip, base);
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.strictEqual(r.status, 0, r.stderr + r.verify.stdout);
    return tip;
  }

  function editPolicy(ada: TempRepo, edit: (p: Record<string, unknown>) => void): string {
    const p = JSON.parse(ada.read('.countersign.json')) as Record<string, unknown>;
    edit(p);
    return JSON.stringify(p, null, 2) + '\n';
  }

  /** Ada (no key) moves main back to `to` with a force-push; verify and the server must both refuse it. */
  function refusedRewind(s: Setup, to: string): { stderr: string; verify: string } {
    const before = serverRef(s, 'refs/heads/main');
    s.ada.git('reset', '-q', '--hard', to);
    const r = verifyThenPush(s.ada, 'main', ['-f', 'origin', 'main']);
    assert.notStrictEqual(r.status, 0, `the rewind to ${to} was accepted with ${to}'s own old approvals`);
    assert.strictEqual(serverRef(s, 'refs/heads/main'), before);
    return { stderr: r.stderr, verify: r.verify.stdout + r.verify.stderr };
  }

  const approveCommand = (n: string, o: string) =>
    new RegExp(`countersign approve ${n} --base ${o} --rewind`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

  it('03: a rewind that undoes an approved policy change is a policy change needing approvals from the old value', () => {
    const s = setup(policyJson(bob, carol, { allowForcePushes: true }));
    try {
      const p1 = landApproved(
        s,
        '.countersign.json',
        editPolicy(s.ada, (p) => (p.review = { paths: ['secrets/'] })),
      );
      const p2 = landApproved(
        s,
        '.countersign.json',
        editPolicy(s.ada, (p) => (p.protectedBranches = [...(p.protectedBranches as string[]), 'prod/*'])),
      );
      const r = refusedRewind(s, p1);
      assert.match(r.stderr, /changes \.countersign\.json: a policy change/);
      assert.match(r.stderr, approveCommand(p1, p2));
      assert.match(r.verify, approveCommand(p1, p2));
      assert.match(s.server.git('show', 'main:.countersign.json'), /prod\/\*/);
    } finally {
      removeSetup(s);
    }
  });

  it('03b: a rewind that undoes an approved infrastructure fix needs the tier from the old value', () => {
    const s = setup(policyJson(bob, carol, { allowForcePushes: true }));
    try {
      const k1 = landApproved(s, 'k8s/app.yaml', 'image: app:1.0 # CVE-2026-0001\n');
      const k2 = landApproved(s, 'k8s/app.yaml', 'image: app:1.1\n');
      const r = refusedRewind(s, k1);
      assert.match(r.stderr, /tier 'infrastructure'/);
      assert.match(r.stderr, approveCommand(k1, k2));
      assert.strictEqual(s.server.git('show', 'main:k8s/app.yaml'), 'image: app:1.1');
    } finally {
      removeSetup(s);
    }
  });

  it('03c: a protected release tag moved back to the vulnerable commit is refused by pre-push and the server', () => {
    const s = setup(policyJson(bob, carol, { allowForcePushes: true, allowTagMoves: true }));
    try {
      const { ada } = s;
      const k1 = landApproved(s, 'k8s/app.yaml', 'image: app:1.0 # CVE-2026-0001\n');
      assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', `${k1}:refs/tags/prod`]).status, 0);
      const k2 = landApproved(s, 'k8s/app.yaml', 'image: app:1.1\n');
      assert.strictEqual(
        ada.gitResult(['push', '-q', '--no-verify', '-f', 'origin', `${k2}:refs/tags/prod`]).status,
        0,
      );
      const prePush = prePushHook(ada, `refs/tags/prod ${k1} refs/tags/prod ${k2}\n`);
      const push = ada.gitResult(['push', '--no-verify', '-f', 'origin', `${k1}:refs/tags/prod`]);
      const both = `pre-push: ${prePush.stderr}\nserver: ${push.stderr}`;
      assert.ok(prePush.status !== 0 && push.status !== 0, `the tag went back to the vulnerable manifest:\n${both}`);
      assert.match(push.stderr, /tier 'infrastructure'/);
      assert.match(push.stderr, approveCommand(k1, k2));
      assert.strictEqual(serverRef(s, 'refs/tags/prod'), k2);
    } finally {
      removeSetup(s);
    }
  });

  it("03d: a mass deletion by rewind is not passed by the target's two old approvals", () => {
    const s = setup(policyJson(bob, carol, { allowForcePushes: true }));
    try {
      const { ada } = s;
      const p = landApproved(
        s,
        '.countersign.json',
        editPolicy(ada, (q) => (q.review = { paths: ['secrets/'] })),
      );
      for (let i = 1; i <= 8; i++) {
        const lines = Array.from({ length: 100 }, (_, j) => `line ${j}`).join('\n') + '\n';
        commitFile(ada, `svc/s${i}.ts`, lines, `service ${i}\n\nAI-Provenance: v1 ai=0 human=100 untracked=0`);
      }
      assert.strictEqual(verifyThenPush(ada, 'main', ['origin', 'main']).status, 0);
      const o = serverRef(s, 'refs/heads/main');
      const r = refusedRewind(s, p);
      assert.match(r.stderr, /tier 'mass-deletion'/);
      assert.match(r.stderr, approveCommand(p, o));
    } finally {
      removeSetup(s);
    }
  });

  it('03e: a rewind that leaves the policy branch without a policy is refused, even when approved', () => {
    const s = setup(policyJson(bob, carol, { allowForcePushes: true }));
    try {
      const { ada } = s;
      // An infrastructure branch with no common history (from before the rollout), approved by both.
      ada.git('checkout', '-q', '--orphan', 'infra');
      ada.git('rm', '-rq', '--cached', '.');
      fs.rmSync(path.join(ada.dir, '.countersign.json'));
      fs.rmSync(path.join(ada.dir, 'README.md'));
      const n = commitFile(ada, 'k8s/app.yaml', 'replicas: 3\n', `k8s\n\n${HUMAN_ONE}`);
      assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'infra']).status, 0);
      // Reviewed against the empty tree, as `approve` reviews a root commit.
      const empty = ada.git('hash-object', '-t', 'tree', '/dev/null');
      for (const [key, email] of [
        [s.bob, 'bob@example.com'],
        [s.carol, 'carol@example.com'],
      ] as const) {
        const tree = ada.git('rev-parse', `${n}^{tree}`);
        const patchId = patchIdOf(ada.dir, empty, n);
        const st = { v: 1 as const, decision: 'approve' as const, reviewer: { email }, tip: n, tree, base: empty };
        attach(ada.dir, sign(key, { ...st, patchId, time: new Date().toISOString() }));
      }
      assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
      const o = serverRef(s, 'refs/heads/main');
      ada.git('branch', '-q', '-f', 'main', n);
      ada.git('checkout', '-q', 'main');
      const r = refusedRewind(s, n);
      assert.match(r.stderr, /without a \.countersign\.json/);
      assert.match(r.verify, /without a \.countersign\.json/);
      // Approved as the rewind it is, it is still refused: no review makes the policy branch unprotected.
      approveBoth(s, n, o);
      const again = refusedRewind(s, n);
      assert.match(again.stderr, /without a \.countersign\.json/);
      ada.git('checkout', '-q', '-B', 'main', o);
      const agent = commitFile(ada, 'agent.py', 'x = 1\n', 'agent\n\nAI-Provenance: v1 ai=1 human=0 untracked=0');
      assert.notStrictEqual(ada.gitResult(['push', '--no-verify', 'origin', `${agent}:refs/heads/main`]).status, 0);
    } finally {
      removeSetup(s);
    }
  });

  it('the honest rewind: approved with `countersign approve N --base O --rewind` by enough reviewers, it lands', () => {
    const s = setup(policyJson(bob, carol, { allowForcePushes: true }));
    try {
      const k1 = landApproved(s, 'k8s/app.yaml', 'image: app:1.0\n');
      const k2 = landApproved(s, 'k8s/app.yaml', 'image: app:1.1 # broke production\n');
      refusedRewind(s, k1);
      for (const [name, email, key] of [
        ['Bob Reviewer', 'bob@example.com', s.bob],
        ['Carol Ops', 'carol@example.com', s.carol],
      ] as const) {
        const reviewer = cloneAs(s.server.dir, name, email, key.privateKeyFile);
        const a = reviewer.cli(['approve', k1, '--base', k2, '--rewind']);
        assert.strictEqual(a.status, 0, a.stderr);
      }
      s.ada.git('fetch', '-q', 'origin', '+refs/notes/countersign:refs/notes/countersign');
      const r = verifyThenPush(s.ada, 'main', ['-f', 'origin', 'main']);
      assert.strictEqual(r.status, 0, r.stderr + r.verify.stdout);
      assert.strictEqual(serverRef(s, 'refs/heads/main'), k1);
    } finally {
      removeSetup(s);
    }
  });
});
