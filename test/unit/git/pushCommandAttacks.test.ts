import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { recordDecision } from '../helpers/approvals';
import { withoutGate } from '../helpers/gateAgreement';
import {
  aiCommit,
  commitFile,
  HUMAN_ONE,
  policyChangeOverUnreviewedRelease,
  policyJson,
  pushMain,
  serverRef,
  setup,
} from '../helpers/gateServer';
import { rawPush, ZERO } from '../helpers/rawPush';
import type { TempRepo } from '../helpers/tempRepo';

/**
 * attack18 R1–R4: the pre-receive gate judged the commands as the client wrote them, old values included, while
 * receive-pack applies them ref by ref under its own rules (a compare-and-swap on each old value; a zero old on a
 * delete deletes whatever is there; two commands for one ref, the first refused, the second applied). Each
 * attack below succeeded on main at 5fa0a68. Real bare server with `install --server`; the raw client is
 * helpers/rawPush.ts (stock git never sends these commands, anyone with push access can).
 */
describe('server gate: push commands judged from the server’s own ref values (attack18, real server)', function () {
  this.timeout(240_000);

  const NOTES = 'refs/notes/countersign';
  const at = serverRef;

  it('R4: two commands for main, the first with a claimed old at the AI commit, are refused (naming the ref)', () => {
    const s = setup();
    const m = at(s, 'refs/heads/main');
    const y = aiCommit(s.ada, 'evil.py');
    const x = commitFile(s.ada, 'notes.txt', 'harmless\n', `docs\n\n${HUMAN_ONE}`);
    assert.notStrictEqual(pushMain(s.ada, '--no-verify').status, 0, 'control: the AI commit needs review');
    const r = rawPush(s.ada, s.server.dir, [
      { old: y, new: x, ref: 'refs/heads/main' },
      { old: m, new: x, ref: 'refs/heads/main' },
    ]);
    assert.strictEqual(at(s, 'refs/heads/main'), m, `main must not move:\n${r.stderr}\n${r.report.join('\n')}`);
    assert.match(r.stderr, /refs\/heads\/main/);
    assert.match(r.stderr, /more than one command|twice/);
  });

  it('R4: a duplicate whose first command claims old = new (nothing to judge) cannot land a policy takeover', () => {
    const s = setup();
    const m = at(s, 'refs/heads/main');
    const taken = policyJson(s.bob, s.carol);
    const policy = JSON.parse(taken) as { reviewers: Array<Record<string, string>> };
    policy.reviewers.push({ name: 'Eve Ops', email: 'eve@example.com', key: s.mallory.publicKey });
    const x = commitFile(s.ada, '.countersign.json', JSON.stringify(policy, null, 2) + '\n', `policy\n\n${HUMAN_ONE}`);
    const r = rawPush(s.ada, s.server.dir, [
      { old: x, new: x, ref: 'refs/heads/main' },
      { old: m, new: x, ref: 'refs/heads/main' },
    ]);
    assert.strictEqual(at(s, 'refs/heads/main'), m, `the unreviewed policy must not land:\n${r.stderr}`);
    assert.match(r.stderr, /refs\/heads\/main/);
  });

  it('R3: a delete with a zero old value cannot wipe refs/notes/countersign', () => {
    const s = setup();
    const base = at(s, 'refs/heads/main');
    const tip = aiCommit(s.ada, 'app.py');
    recordDecision(s.ada, s.bob, { email: 'bob@example.com', tip, base });
    assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', NOTES]).status, 0);
    const notes = at(s, NOTES);
    assert.ok(notes);
    const r = rawPush(s.ada, s.server.dir, [{ old: ZERO, new: ZERO, ref: NOTES }]);
    assert.strictEqual(at(s, NOTES), notes, `the approvals ref must stay:\n${r.stderr}\n${r.report.join('\n')}`);
    assert.match(r.stderr, new RegExp(NOTES));
  });

  it('R3: a delete with a zero old value cannot wipe refs/notes/ai', () => {
    const s = setup();
    commitFile(s.ada, 'h.txt', 'h\n', `h\n\n${HUMAN_ONE}`);
    s.ada.git('notes', '--ref=refs/notes/ai', 'add', '-m', 'provenance', 'HEAD');
    // An administrator's state: provenance on the server (how it got there is not this test's question).
    withoutGate(s.server, () =>
      assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'main', 'refs/notes/ai']).status, 0),
    );
    const ai = at(s, 'refs/notes/ai');
    assert.ok(ai);
    const r = rawPush(s.ada, s.server.dir, [{ old: ZERO, new: ZERO, ref: 'refs/notes/ai' }]);
    assert.strictEqual(at(s, 'refs/notes/ai'), ai, `the provenance ref must stay:\n${r.stderr}`);
  });

  it('R2: a stale old value of the notes ref cannot hide a rejection while main lands', () => {
    const s = setup();
    const m = at(s, 'refs/heads/main');
    const x = aiCommit(s.ada, 'app.py');
    recordDecision(s.ada, s.bob, { email: 'bob@example.com', tip: x, base: m, time: '2026-01-01T00:00:00Z' });
    assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', NOTES]).status, 0);
    const n1 = at(s, NOTES);
    recordDecision(s.ada, s.bob, {
      email: 'bob@example.com',
      tip: x,
      base: m,
      decision: 'reject',
      comment: 'no: unsafe',
      time: '2026-01-02T00:00:00Z',
    });
    assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', NOTES]).status, 0);
    assert.notStrictEqual(at(s, NOTES), n1);
    assert.notStrictEqual(pushMain(s.ada, '--no-verify').status, 0, 'control: the rejected commit is refused');
    const np = s.ada.git('commit-tree', `${n1}^{tree}`, '-p', n1, '-m', 'notes');
    const r = rawPush(s.ada, s.server.dir, [
      { old: n1, new: np, ref: NOTES },
      { old: m, new: x, ref: 'refs/heads/main' },
    ]);
    assert.strictEqual(at(s, 'refs/heads/main'), m, `the rejected commit must not land:\n${r.stderr}`);
    assert.match(r.stderr, /fetch and push again/);
  });

  /** A pre-push hook for `repo` that runs `git push origin SPEC` first: the server moves after it advertised. */
  function racingHooks(repo: TempRepo, spec: string): string {
    const dir = path.join(repo.dir, '.git', 'evilhooks');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'pre-push'),
      `#!/bin/sh\ncat >/dev/null\ngit -c core.hooksPath=/dev/null push -q origin ${spec} >/dev/null 2>&1\nexit 0\n`,
      { mode: 0o755 },
    );
    return dir;
  }

  it('R1: a deletion made stale during the push does not let a policy change adopt unreviewed release/x', () => {
    const { s, m, control } = policyChangeOverUnreviewedRelease((ada) => {
      ada.git('checkout', '-q', '-b', 'tmp');
      aiCommit(ada, 'evil2.py');
    });
    const { ada } = s;
    assert.match(control.stderr, /release\/x/);
    const hooks = racingHooks(ada, 'tmp:refs/heads/release/x');
    const r = ada.gitResult(['-c', `core.hooksPath=${hooks}`, 'push', 'origin', 'main', ':refs/heads/release/x']);
    assert.strictEqual(at(s, 'refs/heads/main'), m, `the policy change must not land:\n${r.stderr}`);
    assert.match(r.stderr, /refs\/heads\/release\/x/);
  });

  it('R1: a stale deletion of branch v1 cannot let tag v1 land beside it', () => {
    const s = setup();
    const { ada } = s;
    assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'main:refs/heads/v1']).status, 0);
    ada.git('tag', 'v1', 'main');
    assert.notStrictEqual(ada.gitResult(['push', '--no-verify', 'origin', 'refs/tags/v1']).status, 0, 'control');
    ada.git('commit', '-q', '--allow-empty', '--no-verify', '-m', `move\n\n${HUMAN_ONE}`);
    const hooks = racingHooks(ada, 'HEAD:refs/heads/v1');
    ada.gitResult(['-c', `core.hooksPath=${hooks}`, 'push', 'origin', 'refs/tags/v1', ':refs/heads/v1']);
    assert.ok(!(at(s, 'refs/heads/v1') && at(s, 'refs/tags/v1')), 'the server must not hold branch v1 and tag v1');
  });

  it('normal pushes still work: main, a branch delete, a notes push, several refs at once, a raw push with true olds', () => {
    const s = setup();
    const { ada } = s;
    const base = at(s, 'refs/heads/main');
    commitFile(ada, 'a.txt', 'a\n', `a\n\n${HUMAN_ONE}`);
    let r = pushMain(ada, '--no-verify');
    assert.strictEqual(r.status, 0, r.stderr);
    r = ada.gitResult(['push', '--no-verify', 'origin', 'HEAD:refs/heads/topic', 'HEAD:refs/heads/other']);
    assert.strictEqual(r.status, 0, r.stderr);
    r = ada.gitResult(['push', '--no-verify', 'origin', ':refs/heads/topic']);
    assert.strictEqual(r.status, 0, r.stderr);
    const tip = aiCommit(ada, 'b.py');
    recordDecision(ada, s.bob, { email: 'bob@example.com', tip, base });
    r = ada.gitResult(['push', '--no-verify', 'origin', NOTES]);
    assert.strictEqual(r.status, 0, r.stderr);
    commitFile(ada, 'c.txt', 'c\n', `c\n\n${HUMAN_ONE}`);
    r = ada.gitResult(['push', '--no-verify', 'origin', 'main', ':refs/heads/other', 'HEAD:refs/heads/feature']);
    assert.strictEqual(r.status, 0, r.stderr);
    commitFile(ada, 'd.txt', 'd\n', `d\n\n${HUMAN_ONE}`);
    const main = at(s, 'refs/heads/main');
    const raw = rawPush(ada, s.server.dir, [
      { old: main, new: ada.git('rev-parse', 'HEAD'), ref: 'refs/heads/main' },
      { old: ZERO, new: ZERO, ref: 'refs/heads/never-there' },
    ]);
    assert.strictEqual(at(s, 'refs/heads/main'), ada.git('rev-parse', 'HEAD'), raw.stderr);
  });
});
