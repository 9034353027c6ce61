import * as assert from 'assert';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, setup, type Setup } from '../helpers/gateServer';

/**
 * A merge's own lines — those found in none of its parents — are held against its AI-Provenance trailer like an
 * ordinary commit's (outside tester, session 7, G10): a merge that adds a 60-line file found in neither parent
 * with `ai=0 human=0 untracked=0` landed, while the same file in an ordinary commit was refused.
 */
describe('server gate: a merge commit’s own lines against its trailer (real pushes)', function () {
  this.timeout(240_000);

  const TRAILER = (ai: number, human: number, untracked = 0) =>
    `AI-Provenance: v1 ai=${ai} human=${human} untracked=${untracked}`;
  const lines = (word: string, n: number) => Array.from({ length: n }, (_, i) => `${word} ${i}`).join('\n') + '\n';

  let s: Setup;
  before(() => {
    s = setup();
  });

  /** A side branch off main with a one-line human commit; main checked out again. */
  function side(name: string): void {
    const { ada } = s;
    ada.git('checkout', '-q', '-b', name, 'main');
    commitFile(ada, `${name}.txt`, 'note\n', `${name}: note\n\n${TRAILER(0, 1)}`);
    ada.git('checkout', '-q', 'main');
  }

  it('a merge adding 60 lines found in neither parent with a zero trailer is refused, verify agreeing', () => {
    const { ada, server } = s;
    side('side');
    ada.git('merge', '-q', '--no-ff', '--no-commit', 'side');
    ada.write('evil.py', lines("def backdoor(req): return shell(req.args['c'])  #", 60));
    ada.git('add', 'evil.py');
    ada.commit("Merge branch 'side'", '-m', TRAILER(0, 0));
    const before = server.git('rev-parse', 'main');
    const r = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, '60 unaccounted lines landed through a merge commit');
    assert.match(r.stderr, /60 of 60 added lines .*untracked.*60 of them added by the commit's diff but missing/);
    assert.strictEqual(server.git('rev-parse', 'main'), before);
    ada.git('reset', '-q', '--hard', 'origin/main');
  });

  it('ordinary merges stay uncharged: a clean merge, both sides editing one file, and an accounted resolution', () => {
    const { ada, server } = s;
    // Both sides change the same file in different places: the merge's file differs from each parent, but
    // every line of it comes from one of them.
    commitFile(ada, 'shared.txt', lines('shared', 40), `shared\n\n${TRAILER(0, 40)}`);
    assert.strictEqual(verifyThenPush(ada, 'main', ['origin', 'main']).status, 0);
    ada.git('checkout', '-q', '-b', 'both', 'main');
    commitFile(
      ada,
      'shared.txt',
      lines('side', 25) + lines('shared', 40).split('\n').slice(25).join('\n'),
      `side\n\n${TRAILER(0, 25)}`,
    );
    ada.git('checkout', '-q', 'main');
    const main40 = lines('shared', 40).split('\n').slice(0, 30).join('\n') + '\n' + lines('main', 10);
    commitFile(ada, 'shared.txt', main40, `main edit\n\n${TRAILER(0, 10)}`);
    ada.git('merge', '-q', '--no-ff', 'both', '-m', 'Merge both', '-m', TRAILER(0, 0));
    const merged = ada.read('shared.txt');
    assert.match(merged, /side 0/);
    assert.match(merged, /main 9/);
    const clean = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.strictEqual(clean.status, 0, `a clean merge of two edits: ${clean.stderr}`);

    // A hand-written resolution of 30 new lines whose trailer accounts for them.
    side('resolved');
    ada.git('merge', '-q', '--no-ff', '--no-commit', 'resolved');
    ada.write('resolution.txt', lines('resolved by hand', 30));
    ada.git('add', 'resolution.txt');
    ada.commit("Merge branch 'resolved'", '-m', TRAILER(0, 30));
    assert.strictEqual(verifyThenPush(ada, 'main', ['origin', 'main']).status, 0, 'an accounted resolution');
    assert.strictEqual(server.git('rev-parse', 'main'), ada.git('rev-parse', 'HEAD'));
  });
});
