import * as assert from 'assert';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, policyJson, pushRemovedLegacy, setup, type Setup } from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';

/**
 * An allowed force-push (`allowForcePushes: true`) is judged for what it brings back, not only for what it drops
 * (outside tester, session 7, G5): rewinding main past the commit that removed 60 unreviewed agent lines
 * restored them with no approval, while the same restoration through a merge was refused. Each push is of main
 * from main, so `verify` (asked about HEAD and the branch it tracks) judges the same rewind as the server and
 * verifyThenPush holds the two to one verdict. Asked from another branch, verify would judge a merge of it
 * instead, by design (docs/design.md, "The gate"): a pull request never rewinds its target.
 */
describe('server gate: lines an allowed rewind brings back (real pushes)', function () {
  this.timeout(240_000);

  const HUMAN = (n: number) => `AI-Provenance: v1 ai=0 human=${n} untracked=0`;

  let s: Setup;
  let old: string;
  before(() => {
    s = setup(policyJson(makeKey('bob'), makeKey('carol'), { allowForcePushes: true }));
    old = pushRemovedLegacy(s);
  });

  it('a rewind past the removal, with a one-line edit on top, is refused for the 60 lines it restores', () => {
    const { ada, server } = s;
    const before = server.git('rev-parse', 'main');
    ada.git('reset', '-q', '--hard', old);
    commitFile(ada, 'DOCS.md', 'docs\nmore\n', `more docs\n\n${HUMAN(1)}`);
    const r = verifyThenPush(ada, 'main', ['-f', 'origin', 'main']);
    assert.notStrictEqual(r.status, 0, '60 unreviewed AI lines came back with no approval');
    assert.match(r.stderr, /brings back 60 line\(s\)/);
    assert.match(r.verify.stdout, /brings back 60 line\(s\)/);
    assert.strictEqual(server.git('rev-parse', 'main'), before);
  });

  it('a pure rewind to the old commit is refused the same way', () => {
    const { ada, server } = s;
    ada.git('reset', '-q', '--hard', old);
    const before = server.git('rev-parse', 'main');
    const r = verifyThenPush(ada, 'main', ['-f', 'origin', 'main']);
    assert.notStrictEqual(r.status, 0, '60 unreviewed AI lines came back with no approval');
    assert.match(r.stderr, /brings back 60 line\(s\)/);
    assert.match(r.verify.stdout, /brings back 60 line\(s\)/);
    assert.strictEqual(server.git('rev-parse', 'main'), before);
  });

  it('an allowed rewind that drops a human commit and restores nothing still passes', () => {
    const { ada, server } = s;
    ada.git('reset', '-q', '--hard', 'origin/main');
    commitFile(ada, 'DOCS.md', 'docs\ntypo\n', `typo\n\n${HUMAN(1)}`);
    assert.strictEqual(verifyThenPush(ada, 'main', ['origin', 'main']).status, 0);
    ada.git('reset', '-q', '--hard', 'HEAD~1');
    commitFile(ada, 'DOCS.md', 'docs\nfixed\n', `fixed\n\n${HUMAN(1)}`);
    const r = verifyThenPush(ada, 'main', ['-f', 'origin', 'main']);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.strictEqual(server.git('rev-parse', 'main'), ada.git('rev-parse', 'HEAD'));
  });
});
