import * as assert from 'assert';
import { verifyThenPush, withoutGate } from '../helpers/gateAgreement';
import { setup, type Setup } from '../helpers/gateServer';

/**
 * attack24 01: `.gitmodules` alone decides whether and from which branch a submodule is checked out, yet the
 * default infrastructure tier left it out ("a gitlink bump has its own review reason"). A commit on main that
 * edits only `.gitmodules` of the infrastructure submodule `k8s` — the gitlink unchanged, so the gitlink pin rule
 * never runs — landed with no approval: `update = none` empties k8s/ on every recursive clone, `branch = evil`
 * makes `git submodule update --remote` deploy an unreviewed branch. `.gitmodules` at any depth is now in the tier.
 */
describe('server gate: .gitmodules edits are infrastructure (attack24 01, real pushes)', function () {
  this.timeout(240_000);

  const HUMAN = 'AI-Provenance: v1 ai=0 human=1 untracked=0';
  let s: Setup;
  before(() => {
    s = setup();
    const { ada, server } = s;
    // The reviewed state, planted as an administrator would: submodule k8s (this repository, branch main).
    ada.write('.gitmodules', '[submodule "k8s"]\n\tpath = k8s\n\turl = ./\n\tbranch = main\n');
    ada.git('add', '.gitmodules');
    ada.git('update-index', '--add', '--cacheinfo', `160000,${ada.git('rev-parse', 'HEAD')},k8s`);
    ada.commit('add k8s submodule', '-m', 'AI-Provenance: v1 ai=0 human=5 untracked=0');
    withoutGate(server, () => assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0));
  });
  afterEach(() => s.ada.git('reset', '-q', '--hard', 'origin/main'));

  for (const [key, value, what] of [
    ['update', 'none', 'every recursive clone leaves k8s/ empty'],
    ['branch', 'evil', '`git submodule update --remote` checks out an unreviewed branch'],
  ]) {
    it(`submodule.k8s.${key} = ${value} alone needs the infrastructure tier (${what})`, () => {
      const { ada, server } = s;
      ada.git('config', '-f', '.gitmodules', `submodule.k8s.${key}`, value);
      ada.git('add', '.gitmodules');
      ada.commit('tidy submodule config', '-m', HUMAN);
      const before = server.git('rev-parse', 'main');
      const r = verifyThenPush(ada, 'main', ['origin', 'main']);
      assert.notStrictEqual(r.status, 0, `.gitmodules-only change landed with no approval: ${what}`);
      assert.match(r.stderr, /tier 'infrastructure': touches \.gitmodules/);
      assert.strictEqual(server.git('rev-parse', 'main'), before);
    });
  }

  it('an ordinary edit beside the submodule still lands', () => {
    const { ada, server } = s;
    ada.write('README.md', 'hello again\n');
    ada.commit('readme', '-a', '-m', HUMAN);
    assert.strictEqual(verifyThenPush(ada, 'main', ['origin', 'main']).status, 0);
    assert.strictEqual(server.git('rev-parse', 'main'), ada.git('rev-parse', 'HEAD'));
  });
});
