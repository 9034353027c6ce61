import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { cloneAs } from '../helpers/approvals';
import { commitFile, setup, type Setup } from '../helpers/gateServer';
import type { TempRepo } from '../helpers/tempRepo';

/**
 * newuser16 F6 (and F18's root): the CI form of verify (`--base refs/remotes/origin/main --head SHA`, as
 * ci-examples/github-actions.yml runs it) judged a pull request whose fork point main had moved past against
 * main's tip itself — not an ancestor of the head — so a request for changes carried by patch-id to an amended
 * revision (message only: same patch) was lost, and verify suggested `approve --base <main's tip>`. An approval
 * signed with that base then passed CI while the server refused a merge push of the same commit: CI and the
 * server disagreed (issue 10), and a request for changes was bypassed wherever CI is the enforcement.
 * Real bare server with pre-receive, real ssh-keygen keys, the reviewers' own `reject` / `approve`.
 */
describe('CI verify of a branch behind a moved main keeps a request for changes carried by patch-id (newuser16 F6; real server)', function () {
  this.timeout(240_000);

  let s: Setup;
  let bobs: TempRepo;
  let carols: TempRepo;
  let ci: TempRepo;
  before(() => {
    s = setup();
    bobs = cloneAs(s.server.dir, 'Bob Reviewer', 'bob@example.com', s.bob.privateKeyFile);
    carols = cloneAs(s.server.dir, 'Carol Ops', 'carol@example.com', s.carol.privateKeyFile);
  });
  after(() => fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true }));

  const ai = Array.from({ length: 25 }, (_, i) => `rate ${i}`).join('\n') + '\n';
  const trailer = 'AI-Provenance: v1 ai=25 human=0 untracked=0';

  /** The CI job: a fresh clone (all branches fetched), verify in the workflow's form (github annotations) for `head`. */
  function ciVerify(head: string): { status: number; out: string } {
    ci = cloneAs(s.server.dir, 'CI', 'ci@example.com');
    ci.git('fetch', '-q', 'origin');
    const args = ['verify', '--remote', 'origin', '--branch', 'main', '--policy-branch', 'main'];
    const r = ci.cli([...args, '--base', 'refs/remotes/origin/main', '--head', head, '--format', 'github']);
    return { status: r.status ?? -1, out: r.stdout + r.stderr };
  }

  /** Ada's --no-ff merge of origin/tax into main, pushed to the server (her pre-push skipped: the server judges). */
  function mergePush(): { status: number; stderr: string } {
    const { ada } = s;
    ada.git('fetch', '-q', 'origin');
    ada.git('checkout', '-q', '-B', 'main', 'origin/main');
    ada.git('merge', '-q', '--no-ff', 'origin/tax', '-m', 'Merge tax\n\nAI-Provenance: v1 ai=0 human=0 untracked=0');
    const r = ada.gitResult(['push', '--no-verify', 'origin', 'main']);
    ada.git('reset', '-q', '--hard', 'origin/main');
    return { status: r.status, stderr: r.stderr };
  }

  it('shows the request, suggests the merge-base, and agrees with a merge push to the server', () => {
    const { ada } = s;
    const fork = ada.git('rev-parse', 'origin/main');
    ada.git('checkout', '-q', '-b', 'tax', 'origin/main');
    commitFile(ada, 'tax.py', ai, `Add tax\n\n${trailer}`);
    assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'tax']).status, 0);

    // main moves past the fork point (an unrelated human commit, through the gate).
    ada.git('checkout', '-q', 'main');
    commitFile(ada, 'README.md', 'hello\nmore\n', 'docs\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    const pushed = ada.gitResult(['push', '-q', 'origin', 'main']);
    assert.strictEqual(pushed.status, 0, pushed.stderr);
    const mainTip = ada.git('rev-parse', 'HEAD');

    // Carol requests changes on the branch tip.
    carols.git('fetch', '-q', 'origin');
    const rej = carols.cli(['reject', 'origin/tax', '--comment', 'rate wrong']);
    assert.strictEqual(rej.status, 0, rej.stderr);

    // Ada amends the message only (the same patch) and force-pushes.
    ada.git('checkout', '-q', 'tax');
    ada.git('commit', '-q', '--amend', '-m', `Add tax (v2)\n\n${trailer}`);
    const amended = ada.git('rev-parse', 'HEAD');
    assert.strictEqual(ada.gitResult(['push', '-q', '-f', '--no-verify', 'origin', 'tax']).status, 0);

    // CI: blocked, naming Carol's standing request, and suggesting a base the head contains (the merge-base).
    const first = ciVerify(amended);
    assert.strictEqual(first.status, 1, first.out);
    assert.match(first.out, /Carol Ops <carol@example\.com> \(sre\) requested changes/, first.out);
    // The rule said an amended revision is never held — false here, where the same patch is (F6's wording).
    assert.match(first.out, /a revision whose change \(patch\) differs is a new change that the request does not hold/);
    const suggested = /countersign approve ([0-9a-f]{40}) --base ([0-9a-f]{40})/.exec(first.out);
    assert.ok(suggested, first.out);
    assert.strictEqual(suggested[1], amended);
    assert.strictEqual(suggested[2], fork, `suggested --base ${suggested[2]}, main's tip is ${mainTip}`);

    // Bob approves with the suggested command: Carol's request still holds, in CI and at the server alike.
    bobs.git('fetch', '-q', 'origin');
    const approved = bobs.cli(['approve', suggested[1], '--base', suggested[2], '-q']);
    assert.strictEqual(approved.status, 0, approved.stderr);
    const second = ciVerify(amended);
    const merged = mergePush();
    assert.strictEqual(second.status, 1, `CI verify passed while Carol's request holds:\n${second.out}`);
    assert.match(second.out, /Carol Ops <carol@example\.com> \(sre\) requested changes/, second.out);
    assert.notStrictEqual(merged.status, 0, "the server accepted the merge while Carol's request holds");
    assert.match(merged.stderr, /Carol Ops <carol@example\.com> \(sre\) requested changes/, merged.stderr);

    // Carol approves the revision with the same suggested form: both pass.
    carols.git('fetch', '-q', 'origin');
    const lifted = carols.cli(['approve', suggested[1], '--base', suggested[2], '-q']);
    assert.strictEqual(lifted.status, 0, lifted.stderr);
    const third = ciVerify(amended);
    const landed = mergePush();
    assert.strictEqual(third.status, 0, third.out);
    assert.strictEqual(landed.status, 0, `CI verify passes but the server refuses:\n${landed.stderr}`);
  });
});
