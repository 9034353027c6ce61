import * as assert from 'assert';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, setup } from '../helpers/gateServer';

/**
 * An outside tester's bypass (session 4): a commit C on an old ancestor Z of main, then `git merge -s ours
 * main` — a merge M whose first parent is C and whose tree is C's. M fast-forwards main and each commit's own
 * diff is harmless, yet main's tree goes back to Z: infrastructure and many files gone without the tiers'
 * approvals. The net change of the update is now judged too, charged to the head commit.
 */
describe("server gate: a merge that takes an old ancestor's tree (real pushes)", function () {
  this.timeout(180_000);

  const HUMAN = 'AI-Provenance: v1 ai=0 human=1 untracked=0';

  it('is judged by the tiers for what main loses, and verify agrees; a plain human fast-forward still passes', () => {
    const { ada, server } = setup();
    const z = ada.git('rev-parse', 'HEAD');
    // main gains infrastructure and files (planted by an administrator: the gate would ask for approvals).
    for (let i = 0; i < 6; i++) ada.write(`src/f${i}.ts`, `export const f${i} = ${i};\n`);
    ada.write('infra/main.tf', 'resource "x" "y" {}\n');
    ada.write('Dockerfile', 'FROM node\n');
    ada.git('add', '.');
    ada.commit('app and infra', '-m', HUMAN);
    server.git('fetch', '-q', ada.dir, 'main:main');
    ada.git('fetch', '-q', 'origin');
    // The attack.
    ada.git('checkout', '-q', '-b', 'old', z);
    commitFile(ada, 'notes.txt', 'harmless\n', `harmless\n\n${HUMAN}`);
    ada.git('merge', '-q', '-s', 'ours', '--no-edit', 'main', '-m', `Merge main\n\n${HUMAN}`);
    const m = ada.git('rev-parse', 'HEAD');
    assert.strictEqual(ada.gitResult(['cat-file', '-e', `${m}:infra/main.tf`]).status, 128, 'M drops infra/main.tf');
    const before = server.git('rev-parse', 'main');
    const r = verifyThenPush(ada, 'main', ['origin', 'HEAD:main']);
    assert.notStrictEqual(r.status, 0, "main losing its infrastructure and files needs the tiers' approvals");
    assert.match(r.stderr, /infrastructure|mass-deletion/);
    assert.strictEqual(server.git('rev-parse', 'main'), before);
    // A plain fast-forward of a human commit is not charged for anything more.
    ada.git('checkout', '-q', '-B', 'main', 'origin/main');
    commitFile(ada, 'src/f0.ts', 'export const f0 = 10;\n', `tweak\n\n${HUMAN}`);
    assert.strictEqual(verifyThenPush(ada, 'main', ['origin', 'main']).status, 0);
  });
});
