import * as assert from 'assert';
import { recordDecision } from '../helpers/approvals';
import { verifyThenPush, withoutGate } from '../helpers/gateAgreement';
import { setup, type Setup } from '../helpers/gateServer';

/**
 * A mass deletion split across pushes (outside tester, session 8, H3): 1,199 lines and 8 files refused as one
 * push landed as five pushes seconds apart, each below the mass-deletion tier. The tiers now also count what
 * the branch lost since its last approved commit (src/git/reviewedPoint.ts): a push that deletes something
 * is judged with the deletions of the unreviewed commits before it. Every push goes through verify first
 * (verifyThenPush), so CI and the server agree.
 */
describe('server gate: a mass deletion split across pushes (real pushes)', function () {
  this.timeout(240_000);

  const HUMAN = (n: number) => `AI-Provenance: v1 ai=0 human=${n} untracked=0`;
  const DATA = (n: number) => Array.from({ length: n }, (_, i) => `row ${i}`).join('\n') + '\n';
  const SERVICES = Array.from({ length: 8 }, (_, i) => `svc/s${i + 1}.yaml`);

  let s: Setup;
  let start: string;
  before(() => {
    s = setup();
    const { ada, server } = s;
    ada.write('data.txt', DATA(1200));
    for (const f of SERVICES) ada.write(f, `name: ${f}\n`);
    ada.git('add', '.');
    ada.commit('data and services', '-m', HUMAN(1208));
    // Planted by an administrator (a pre-rollout import): not an approved state of main.
    withoutGate(server, () => assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0));
    start = ada.git('rev-parse', 'HEAD');
  });

  function shrink(to: number, message: string): void {
    s.ada.write('data.txt', DATA(to));
    s.ada.git('add', 'data.txt');
    s.ada.commit(message, '-m', HUMAN(0));
  }

  function approveHead(): void {
    const tip = s.ada.git('rev-parse', 'HEAD');
    const base = s.ada.git('rev-parse', 'origin/main');
    recordDecision(s.ada, s.bob, { email: 'bob@example.com', tip, base });
    recordDecision(s.ada, s.carol, { email: 'carol@example.com', tip, base });
    assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
  }

  it('the second slice of a split deletion meets the tier with the first', () => {
    const { ada, server } = s;
    shrink(750, 'trim data (1/3)');
    assert.strictEqual(verifyThenPush(ada, 'main', ['origin', 'main']).status, 0, 'a 450-line deletion alone');
    shrink(300, 'trim data (2/3)');
    const r = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'the second 450 lines landed: 900 deleted across two pushes, unreviewed');
    assert.match(r.stderr, /tier 'mass-deletion'/);
    assert.match(
      r.stderr,
      /this push and the \d+ unreviewed commit\(s\) on main \(none is approved yet\) delete 900 lines/,
    );
    assert.strictEqual(server.git('rev-parse', 'main'), ada.git('rev-parse', 'HEAD~1'));
  });

  it("the tier's approvals of the tip let it land and start the count again", () => {
    const { ada, server } = s;
    approveHead();
    assert.strictEqual(verifyThenPush(ada, 'main', ['origin', 'main']).status, 0);
    assert.strictEqual(server.git('rev-parse', 'main'), ada.git('rev-parse', 'HEAD'));
    // Counted from the approved commit now: an ordinary small deletion passes.
    shrink(200, 'trim data (3/3)');
    assert.strictEqual(verifyThenPush(ada, 'main', ['origin', 'main']).status, 0);
  });

  it('files deleted in separate pushes add up the same way', () => {
    const { ada } = s;
    ada.git('rm', '-q', ...SERVICES.slice(0, 4));
    ada.commit('drop s1-s4', '-m', HUMAN(0));
    assert.strictEqual(verifyThenPush(ada, 'main', ['origin', 'main']).status, 0, '4 files alone are below the tier');
    ada.git('rm', '-q', ...SERVICES.slice(4));
    ada.commit('drop s5-s8', '-m', HUMAN(0));
    const r = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'the other 4 landed: 8 service definitions gone with no approval');
    assert.match(r.stderr, /since [0-9a-f]+, its last approved commit, delete 8 files/);
    ada.git('reset', '-q', '--hard', 'origin/main');
  });

  it('a push that deletes nothing is not held for what earlier pushes deleted', () => {
    const { ada } = s;
    ada.write('NEW.md', 'new\n');
    ada.git('add', 'NEW.md');
    ada.commit('add a file', '-m', HUMAN(1));
    assert.strictEqual(verifyThenPush(ada, 'main', ['origin', 'main']).status, 0);
    assert.ok(start);
  });
});
