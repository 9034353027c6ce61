import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { recordDecision } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, setup, type Setup } from '../helpers/gateServer';

/**
 * A merge is charged for the tiers by what it changes itself, not by its first-parent diff (outside tester,
 * session 7, G14): an approved pull request under a tier (a Dockerfile, a 600-line deletion), approved by both
 * reviewers, was refused when merged into main with a merge commit, because the merge's first-parent diff
 * repeats the approved change; so was a feature branch that had merged main in after an approved Dockerfile
 * change on main. What a merge brings from its side is judged on the side commits (new commits of the push),
 * so a merge that takes content no commit of the push wrote (a side branch built on an old tree) is still charged.
 */
describe('server gate: a merge commit is charged for what it changes itself (real pushes)', function () {
  this.timeout(300_000);

  const HUMAN = (n = 1) => `AI-Provenance: v1 ai=0 human=${n} untracked=0`;
  const lines = (word: string, n: number) => Array.from({ length: n }, (_, i) => `${word} ${i}`).join('\n') + '\n';
  let s: Setup;
  before(() => {
    s = setup();
    commitFile(s.ada, 'data.txt', lines('row', 600), `data\n\n${HUMAN(600)}`);
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0);
  });
  after(() => fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true }));

  /** Bob's and Carol's approvals of base..tip, pushed to the server. */
  function approveByBoth(tip: string, base: string): void {
    const { ada, bob, carol } = s;
    recordDecision(ada, bob, { email: 'bob@example.com', tip, base });
    recordDecision(ada, carol, { email: 'carol@example.com', tip, base });
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
  }

  /** Main moves on with an unrelated human commit, pushed. */
  function mainMovesOn(file: string): void {
    commitFile(s.ada, file, 'x\n', `${file}\n\n${HUMAN()}`);
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0);
  }

  it('an approved Dockerfile and 600-line deletion merged with a merge commit lands, verify agreeing', () => {
    const { ada, server } = s;
    const base = ada.git('rev-parse', 'main');
    ada.git('checkout', '-q', '-b', 'feature', 'main');
    ada.write('Dockerfile', 'FROM alpine:3.20\n');
    ada.git('rm', '-q', 'data.txt');
    ada.git('add', 'Dockerfile');
    const tip = ada.commit('container, drop data', '-m', HUMAN());
    approveByBoth(tip, base);
    ada.git('checkout', '-q', 'main');
    mainMovesOn('moved.txt');
    ada.git('merge', '-q', '--no-ff', 'feature', '-m', "Merge branch 'feature'", '-m', HUMAN(0));
    const r = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.strictEqual(r.status, 0, `the approved change was charged again on its merge commit: ${r.stderr}`);
    assert.strictEqual(server.git('rev-parse', 'main'), ada.git('rev-parse', 'HEAD'));
  });

  it('a branch that merged main in after an approved Dockerfile change on main lands', () => {
    const { ada } = s;
    ada.git('checkout', '-q', '-b', 'topic', 'main');
    commitFile(ada, 'topic.txt', 'topic\n', `topic\n\n${HUMAN()}`);
    ada.git('checkout', '-q', 'main');
    const base = ada.git('rev-parse', 'main');
    const tip = commitFile(ada, 'Dockerfile', 'FROM alpine:3.21\n', `bump alpine\n\n${HUMAN()}`);
    approveByBoth(tip, base);
    assert.strictEqual(verifyThenPush(ada, 'main', ['origin', 'main']).status, 0);
    ada.git('checkout', '-q', 'topic');
    ada.git('merge', '-q', '--no-ff', 'main', '-m', 'Merge main into topic', '-m', HUMAN(0));
    const r = verifyThenPush(ada, 'main', ['origin', 'topic:main']);
    assert.strictEqual(r.status, 0, `main's own approved change was charged to the topic's merge: ${r.stderr}`);
    ada.git('checkout', '-q', 'main');
    ada.git('reset', '-q', '--hard', 'origin/main');
  });

  it('a merge that changes the Dockerfile itself is still charged the tier', () => {
    const { ada, server } = s;
    const before = server.git('rev-parse', 'main');
    ada.git('checkout', '-q', '-b', 'evil', 'main');
    commitFile(ada, 'evil.txt', 'harmless\n', `harmless\n\n${HUMAN()}`);
    ada.git('checkout', '-q', 'main');
    ada.git('merge', '-q', '--no-ff', '--no-commit', 'evil');
    ada.write('Dockerfile', 'FROM evil/image\n');
    ada.git('add', 'Dockerfile');
    ada.commit("Merge branch 'evil'", '-m', HUMAN(1));
    const r = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'an evil merge changed the Dockerfile with no approval');
    assert.match(r.stderr, /tier 'infrastructure': touches Dockerfile/);
    assert.strictEqual(server.git('rev-parse', 'main'), before);
    ada.git('reset', '-q', '--hard', 'origin/main');
  });

  it('a side commit already on an unprotected branch of the server is judged when a merge brings it', () => {
    const { ada, server } = s;
    const before = server.git('rev-parse', 'main');
    ada.git('checkout', '-q', '-b', 'parked', 'main');
    commitFile(ada, 'Dockerfile', 'FROM parked/image\n', `parked\n\n${HUMAN()}`);
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'parked']).status, 0, 'parked is unprotected');
    ada.git('checkout', '-q', 'main');
    mainMovesOn('moved2.txt');
    const mainNow = server.git('rev-parse', 'main');
    ada.git('merge', '-q', '--no-ff', 'parked', '-m', "Merge branch 'parked'", '-m', HUMAN(0));
    const r = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'an unreviewed Dockerfile change rode in on a merge');
    assert.match(r.stderr, /parked[\s\S]*tier 'infrastructure': touches Dockerfile/);
    assert.strictEqual(server.git('rev-parse', 'main'), mainNow);
    assert.notStrictEqual(mainNow, before);
    ada.git('reset', '-q', '--hard', 'origin/main');
  });

  it('a merge taking the Dockerfile from a side built on an old tree is charged (no commit of the push wrote it)', () => {
    const { ada, server } = s;
    // Main's Dockerfile went 3.20 -> 3.21 with two approvals each time; the side returns it to 3.20 without any
    // commit changing it: a commit on the old tree, then a merge of main into it that keeps the old file.
    ada.git('checkout', '-q', '-b', 'stale', 'feature');
    commitFile(ada, 'stale.txt', 'stale\n', `stale\n\n${HUMAN()}`);
    ada.git('merge', '-q', '--no-ff', '--no-commit', 'main');
    ada.git('checkout', 'HEAD', '--', 'Dockerfile');
    ada.commit('Merge main into stale', '-m', HUMAN(0));
    assert.strictEqual(ada.read('Dockerfile'), 'FROM alpine:3.20\n');
    ada.git('checkout', '-q', 'main');
    const before = server.git('rev-parse', 'main');
    ada.git('merge', '-q', '--no-ff', 'stale', '-m', "Merge branch 'stale'", '-m', HUMAN(0));
    assert.strictEqual(ada.read('Dockerfile'), 'FROM alpine:3.20\n');
    const r = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'the reviewed Dockerfile was reverted by merges alone');
    assert.match(r.stderr, /tier 'infrastructure': touches Dockerfile/);
    assert.strictEqual(server.git('rev-parse', 'main'), before);
    ada.git('reset', '-q', '--hard', 'origin/main');
  });
});
