import * as assert from 'assert';
import { attach, sign, statementFor } from '../helpers/approvals';
import { verifyThenPush, withoutGate } from '../helpers/gateAgreement';
import { commitFile, setup, type Setup } from '../helpers/gateServer';

/**
 * What an update brings back that none of its commits writes (issue 10, net change). A branch's tree is the
 * tree where its first-parent chain leaves the push plus that chain's own diffs; when the chain leaves at an
 * old ancestor instead of the branch's value, lines the branch has since removed come back with no pushed
 * commit showing them. An evil merge does it with every pushed commit honestly human. And the other side:
 * an approved branch merged the ordinary ways is not charged a second time.
 */
describe('server gate: lines an update brings back without a commit writing them (real pushes)', function () {
  this.timeout(180_000);

  const HUMAN = (n: number) => `AI-Provenance: v1 ai=0 human=${n} untracked=0`;
  const AI = (n: number) => `AI-Provenance: v1 ai=${n} human=0 untracked=0`;
  const lines = (word: string, n: number) => Array.from({ length: n }, (_, i) => `${word} ${i}`).join('\n') + '\n';

  let s: Setup;
  before(() => {
    s = setup();
  });

  function pushNotes(): void {
    const r = s.ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']);
    assert.strictEqual(r.status, 0, r.stderr);
  }

  it('an evil merge restoring an unapproved AI file main removed needs review, and verify agrees', () => {
    const { ada, server } = s;
    // History from before the rollout (planted by an administrator): an AI commit nobody approved, which
    // main later removed by an ordinary human commit.
    ada.git('checkout', '-q', 'main');
    const z = commitFile(ada, 'src/gen.ts', lines('generated', 40), `generated client\n\n${AI(40)}`);
    withoutGate(server, () => assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0));
    ada.git('rm', '-q', 'src/gen.ts');
    ada.commit('remove the unreviewed generated client', '-m', HUMAN(0));
    assert.strictEqual(
      verifyThenPush(ada, 'main', ['origin', 'main']).status,
      0,
      'removing it is an ordinary human commit',
    );

    // The attack: a human commit on Z (touching gen.ts by one line, so the file is not "untouched" by the
    // push), then a merge of main resolved to keep Z's gen.ts. Each commit's own diff is human and small.
    ada.git('checkout', '-q', '-b', 'restore', z);
    ada.write('src/gen.ts', lines('generated', 40).replace('generated 0\n', 'generated 0 (tidied)\n'));
    ada.git('add', 'src/gen.ts');
    ada.commit('tidy', '-m', HUMAN(1));
    const merge = ada.gitResult(['merge', '--no-commit', '--no-ff', 'main']);
    assert.notStrictEqual(merge.status, 0, 'main deleted gen.ts, the branch modified it: a conflict');
    ada.git('add', 'src/gen.ts');
    ada.commit('Merge main', '-m', HUMAN(0));
    assert.match(ada.git('show', 'HEAD:src/gen.ts'), /generated 39/, 'the merge keeps the AI file');

    const before = server.git('rev-parse', 'main');
    const r = verifyThenPush(ada, 'main', ['origin', 'HEAD:main']);
    assert.notStrictEqual(r.status, 0, '39 AI lines main no longer had come back with no review');
    assert.match(r.stderr, /brings back 39 line\(s\).*src\/gen\.ts/);
    const verdict = JSON.parse(r.verify.stdout) as { commits: Array<{ needsReview: boolean; reasons: string[] }> };
    assert.ok(
      verdict.commits.some(
        (c) => c.needsReview && c.reasons.some((x) => /^AI-attributed: brings back 39 line/.test(x)),
      ),
      r.verify.stdout,
    );
    assert.strictEqual(server.git('rev-parse', 'main'), before);

    // One approval of the head against main covers it.
    const head = ada.git('rev-parse', 'HEAD');
    attach(
      ada.dir,
      sign(s.bob, statementFor(ada.dir, { email: 'bob@example.com', tip: head, base: before })),
      head,
      ada.env,
    );
    pushNotes();
    assert.strictEqual(verifyThenPush(ada, 'main', ['origin', 'HEAD:main']).status, 0);
  });

  it('an approved branch merged with a merge commit, or after merging main into it, is not charged twice', () => {
    const { ada } = s;
    ada.git('fetch', '-q', 'origin');
    // A feature branch of an AI commit and a human one, both editing app.ts, approved by Bob.
    ada.git('checkout', '-q', '-B', 'main', 'origin/main');
    commitFile(ada, 'src/app.ts', lines('line', 20), `app\n\n${HUMAN(20)}`);
    assert.strictEqual(verifyThenPush(ada, 'main', ['origin', 'main']).status, 0);
    const fork = ada.git('rev-parse', 'HEAD');
    const feature = (name: string, at: number) => {
      ada.git('checkout', '-q', '-B', name, fork);
      ada.write('src/app.ts', lines('line', 20).replace(`line ${at}\n`, `line ${at} (${name})\n`));
      ada.write(`src/${name}.ts`, lines(name, 30));
      ada.git('add', '.');
      ada.commit(`${name} by AI`, '-m', AI(31));
      const tip = commitFile(ada, `src/${name}.md`, `${name}\n`, `${name} docs\n\n${HUMAN(1)}`);
      attach(ada.dir, sign(s.bob, statementFor(ada.dir, { email: 'bob@example.com', tip, base: fork })), tip, ada.env);
      return tip;
    };
    const f = feature('feature', 18);
    feature('other', 10);
    pushNotes();
    // Main moves on (human), also in app.ts, so a merge brings changes on both sides of the file.
    ada.git('checkout', '-q', 'main');
    ada.write('src/app.ts', lines('line', 20).replace('line 1\n', 'line 1 (main)\n'));
    ada.git('add', '.');
    ada.commit('main tweak', '-m', HUMAN(1));
    assert.strictEqual(verifyThenPush(ada, 'main', ['origin', 'main']).status, 0);

    // 1. An ordinary merge commit on main.
    ada.git('merge', '-q', '--no-ff', f, '-m', `Merge feature\n\n${HUMAN(0)}`);
    const merged = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.strictEqual(merged.status, 0, merged.stderr);
    assert.doesNotMatch(merged.verify.stdout, /brings back/);

    // 2. Main merged into the other branch, which then fast-forwards main (its first-parent chain leaves the
    // push at the fork point, not at main: the net change is computed, and finds nothing brought back).
    ada.git('checkout', '-q', 'other');
    ada.git('merge', '-q', '--no-ff', 'main', '-m', `Merge main into other\n\n${HUMAN(0)}`);
    const back = verifyThenPush(ada, 'main', ['origin', 'HEAD:main']);
    assert.strictEqual(back.status, 0, back.stderr);
    assert.doesNotMatch(back.verify.stdout, /brings back/);
    assert.strictEqual(ada.git('rev-parse', 'HEAD'), s.server.git('rev-parse', 'main'));
  });
});
