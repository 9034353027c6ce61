import * as assert from 'assert';
import { recordDecision } from '../helpers/approvals';
import { verifyThenPush, withoutGate } from '../helpers/gateAgreement';
import { commitFile, pushRemovedLegacy, setup, type Setup } from '../helpers/gateServer';

/**
 * What an update loses or gains beyond its commits' own diffs (outside tester, session 6). The gate charges the
 * net change of an update to its head when the commits' diffs do not explain it; two ways that went wrong:
 * a `-s ours` merge onto an old ancestor whose side commit "touches" a file hid that file's mass deletion, and a
 * pull request that is merely behind main was charged with main's newer work reversed (CI refused an approved
 * pull request that the server accepts once merged).
 */
describe('server gate: net change of an update beyond its commits (real pushes)', function () {
  this.timeout(240_000);

  const HUMAN = (n: number) => `AI-Provenance: v1 ai=0 human=${n} untracked=0`;
  const lines = (word: string, n: number) => Array.from({ length: n }, (_, i) => `${word} ${i}`).join('\n') + '\n';

  let s: Setup;
  beforeEach(() => {
    s = setup();
  });

  /**
   * An 800-line data.txt on main (pushed), then from its old ancestor Z — or `onto`, a ref made there — a
   * one-line data.txt (so a pushed commit "touches" the path) and `merge -s ours main`: a fast-forward of main
   * whose tree is the one-line file. Pushed: it must meet the mass-deletion tier.
   */
  function oursMergeDeletes(onto?: string): void {
    const { ada, server } = s;
    const z = ada.git('rev-parse', 'HEAD');
    ada.write('data.txt', lines('config line', 800));
    ada.git('add', 'data.txt');
    ada.commit('add data', '-m', HUMAN(800));
    assert.strictEqual(verifyThenPush(ada, 'main', ['origin', 'main']).status, 0, 'an ordinary human commit');
    if (onto) assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', `${z}:${onto}`]).status, 0);
    ada.git('checkout', '-q', '-b', 'evil', z);
    ada.write('data.txt', 'config line 0\n');
    ada.git('add', 'data.txt');
    ada.commit('tiny edit', '-m', HUMAN(1));
    ada.git('merge', '-q', '-s', 'ours', 'main', '-m', 'merge main', '-m', HUMAN(0));
    assert.strictEqual(ada.git('show', 'HEAD:data.txt'), 'config line 0');

    const before = server.git('rev-parse', 'main');
    const r = verifyThenPush(ada, 'main', ['origin', 'HEAD:main']);
    assert.notStrictEqual(r.status, 0, "799 of main's lines deleted with no approval");
    assert.match(r.stderr, /mass-deletion/);
    assert.strictEqual(server.git('rev-parse', 'main'), before);
  }

  it('a -s ours merge onto an old ancestor that touches the file still meets the mass-deletion tier', () => {
    oursMergeDeletes();
  });

  it('the same merge onto a protected branch made at the old ancestor still meets the tier (outside tester G1)', () => {
    // Push 1: a protected branch at the old ancestor (nothing on it to judge), so the head's chain leaves main
    // at a protected tip.
    oursMergeDeletes('refs/heads/release/old');
  });

  it('an approved pull request behind main passes verify with the CI arguments, as its merge passes the server', () => {
    const { ada, server, bob, carol } = s;
    const fork = ada.git('rev-parse', 'HEAD');
    // main moves on: a Dockerfile (infrastructure tier, two approvals) and README lines the fork still has.
    ada.write('Dockerfile', 'FROM alpine\nRUN echo hi\n');
    ada.write('README.md', lines('readme', 10));
    ada.git('add', '.');
    const docker = ada.commit('add a Dockerfile', '-m', HUMAN(12));
    for (const [key, email] of [
      [bob, 'bob@example.com'],
      [carol, 'carol@example.com'],
    ] as const) {
      recordDecision(ada, key, { email, tip: docker, base: fork });
    }
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    assert.strictEqual(verifyThenPush(ada, 'main', ['origin', 'main']).status, 0, 'two reviewers approved it');

    // The pull request, forked before that: five AI lines, approved by Bob.
    ada.git('checkout', '-q', '-b', 'feature', fork);
    ada.write('feature.txt', lines('ai line', 5));
    ada.git('add', 'feature.txt');
    const tip = ada.commit('feature by agent', '-m', 'AI-Provenance: v1 ai=5 human=0 untracked=0');
    recordDecision(ada, bob, { email: 'bob@example.com', tip, base: fork });
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'feature']).status, 0);
    ada.git('fetch', '-q', 'origin');

    const ci = ada.cli([
      'verify',
      '--remote',
      'origin',
      '--branch',
      'main',
      '--base',
      'origin/main',
      '--head',
      'origin/feature',
      '--format',
      'json',
    ]);
    assert.strictEqual(ci.status, 0, `CI refused the approved pull request: ${ci.stdout}${ci.stderr}`);
    assert.doesNotMatch(ci.stdout, /Dockerfile|brings back/);

    ada.git('checkout', '-q', 'main');
    ada.git('merge', '-q', '--no-ff', 'feature', '-m', 'Merge feature', '-m', HUMAN(0));
    assert.strictEqual(verifyThenPush(ada, 'main', ['origin', 'main']).status, 0, 'the merge passes the server');
    assert.strictEqual(server.git('rev-parse', 'main'), ada.git('rev-parse', 'HEAD'));
  });

  it('an unapproved pull request behind main is still judged by its own change', () => {
    const { ada } = s;
    const fork = ada.git('rev-parse', 'HEAD');
    ada.write('README.md', lines('readme', 10));
    ada.git('add', '.');
    ada.commit('readme', '-m', HUMAN(10));
    assert.strictEqual(verifyThenPush(ada, 'main', ['origin', 'main']).status, 0);
    ada.git('checkout', '-q', '-b', 'gut', fork);
    ada.write('k8s/deploy.yaml', 'kind: Deployment\n');
    ada.git('add', '.');
    ada.commit('deploy', '-m', HUMAN(1));
    assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'gut']).status, 0);
    ada.git('fetch', '-q', 'origin');
    const ci = ada.cli(['verify', '--branch', 'main', '--base', 'origin/main', '--head', 'origin/gut']);
    assert.strictEqual(ci.status, 1, ci.stdout + ci.stderr);
    assert.match(ci.stdout + ci.stderr, /infrastructure/);
  });
  it('lines main removed do not come back through a merge whose first parent is a protected branch made for it', () => {
    const { ada, server } = s;
    const old = pushRemovedLegacy(s);
    // Push 1: a protected branch at the old commit. Its commits are on main, but the 60 agent lines were planted
    // past the gate and never approved, so since K3 the gate refuses it (judged from where the gate started);
    // planted past the gate too, the merge below is still refused.
    const release = ada.gitResult(['push', '-q', '--no-verify', 'origin', `${old}:refs/heads/release/old`]);
    assert.notStrictEqual(release.status, 0, 'a release branch at never-reviewed agent code');
    assert.match(release.stderr, /agent code/);
    withoutGate(server, () =>
      assert.strictEqual(
        ada.gitResult(['push', '-q', '--no-verify', 'origin', `${old}:refs/heads/release/old`]).status,
        0,
      ),
    );
    // Push 2: the evil merge on release/old's tip, keeping legacy.py; its own trailer honestly says 0 lines.
    ada.git('checkout', '-q', '-b', 'evil', old);
    ada.gitResult(['merge', '-q', '--no-ff', '--no-commit', 'main']);
    ada.git('checkout', old, '--', 'legacy.py');
    ada.commit('Merge main', '-m', 'AI-Provenance: v1 ai=0 human=0 untracked=0');
    assert.match(ada.git('show', 'HEAD:legacy.py'), /eval/);
    const before = server.git('rev-parse', 'main');
    const r = verifyThenPush(ada, 'main', ['origin', 'HEAD:main']);
    assert.notStrictEqual(r.status, 0, '60 unreviewed AI lines came back with no approval');
    assert.match(r.stderr, /brings back 60 line\(s\)/);
    assert.strictEqual(server.git('rev-parse', 'main'), before);
  });

  it("lines main removed do not come back through a merge into main that keeps the side branch's old file", () => {
    const { ada, server } = s;
    const old = pushRemovedLegacy(s);
    ada.git('checkout', '-q', '-b', 'side', old);
    commitFile(ada, 'notes.txt', 'tiny\n', `tiny\n\n${HUMAN(1)}`);
    ada.git('checkout', '-q', 'main');
    ada.gitResult(['merge', '-q', '--no-ff', '--no-commit', 'side']);
    ada.git('checkout', 'side', '--', 'legacy.py');
    ada.commit('Merge side', '-m', 'AI-Provenance: v1 ai=0 human=0 untracked=0');
    assert.match(ada.git('show', 'HEAD:legacy.py'), /eval/);
    const before = server.git('rev-parse', 'main');
    const r = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, '60 unreviewed AI lines came back with no approval');
    assert.match(r.stderr, /brings back 60 line\(s\)/);
    assert.strictEqual(server.git('rev-parse', 'main'), before);
  });
});
