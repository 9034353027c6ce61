import * as assert from 'assert';
import { verifyThenPush } from '../helpers/gateAgreement';
import { setup } from '../helpers/gateServer';

/**
 * An outside tester's bypass (session 4): infrastructure kept in submodules at `k8s` and `helm`. The default
 * infrastructure tier names the directories `k8s/` and `helm/`, whose globs (`**\/k8s/**`) matched only
 * paths under the folder, never the gitlink `k8s` itself: moving a submodule pointer (what gets deployed)
 * needed no approval at all. A directory pattern now also matches the path it names.
 */
describe('server gate: submodule pointers under directory patterns (real pushes)', function () {
  this.timeout(120_000);

  it('moving the k8s and helm submodule pointers is judged by the infrastructure tier, and verify agrees', () => {
    const { ada, server } = setup();
    const gitlink = (oid: string, at: string) => ada.git('update-index', '--add', '--cacheinfo', `160000,${oid},${at}`);
    gitlink('1'.repeat(40), 'k8s');
    gitlink('3'.repeat(40), 'helm');
    ada.commit('infra submodules', '-m', 'AI-Provenance: v1 ai=0 human=0 untracked=0');
    // Planting the submodules is itself infrastructure: the tier refuses it without two approvals.
    const plant = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(plant.status, 0, "adding the infrastructure submodules needs the tier's approvals");
    assert.match(plant.stderr, /infrastructure/);
    const before = server.git('rev-parse', 'main');
    gitlink('2'.repeat(40), 'k8s');
    gitlink('4'.repeat(40), 'helm');
    ada.commit('bump infra', '-m', 'AI-Provenance: v1 ai=0 human=0 untracked=0');
    const bump = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(
      bump.status,
      0,
      'moving a submodule pointer under k8s/ or helm/ needs the infrastructure tier',
    );
    assert.match(bump.stderr, /infrastructure/);
    assert.strictEqual(server.git('rev-parse', 'main'), before);
  });
});
