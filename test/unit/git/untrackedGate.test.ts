import * as assert from 'assert';
import { TempRepo } from '../helpers/tempRepo';
import { pushMain, setup } from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';

/** The policy `countersign policy init` writes for one reviewer: what a new user gets. */
function defaultPolicy(): string {
  const scratch = TempRepo.create();
  const bob = makeKey('bob');
  const r = scratch.cli(['policy', 'init', '--reviewer', 'Bob Reviewer <bob@example.com>', '--key', bob.publicKeyFile]);
  assert.strictEqual(r.status, 0, r.stderr);
  return scratch.read('.countersign.json');
}

const lines = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`).join('\n') + '\n';

/**
 * Issue 15: lines nobody was seen writing are not presumed human. With the default policy, a commit of 300
 * lines written by an unhooked agent (here: written to disk with nothing watching, as such an agent does)
 * is blocked by pre-push, `verify` and the server's pre-receive; a 5-line edit made in another editor is not.
 */
describe('review.untracked with the default policy (pre-push, verify, pre-receive)', function () {
  this.timeout(180_000);

  it('policy init writes the untracked thresholds and policy check explains them', () => {
    const policy = JSON.parse(defaultPolicy()) as { review: { untracked: unknown } };
    assert.deepStrictEqual(policy.review.untracked, { lines: 20, share: 0.5 });
    const repo = TempRepo.create();
    repo.write('.countersign.json', JSON.stringify(policy));
    const r = repo.cli(['policy', 'check']);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /at least 20 untracked added line\(s\) making up at least 50% of its added lines needs review \(review\.untracked\)/,
    );
  });

  it('blocks a 300-line commit nobody observed everywhere, and lets a 5-line edit from another editor through', () => {
    const { ada, server } = setup(defaultPolicy());
    assert.strictEqual(ada.cli(['install']).status, 0);
    const base = ada.git('rev-parse', 'origin/main');

    // An agent without hooks writes a whole module; Countersign sees only the file on disk at commit time.
    ada.write('src/billing.ts', lines(300, 'export const rate'));
    ada.git('add', '.');
    const big = ada.commit('Add billing');
    assert.ok(ada.trailers(big).includes('AI-Provenance: v1 ai=0 human=0 untracked=300'), ada.trailers(big).join('\n'));
    // newuser24 F5: the reason names the rule and where it is set, with its thresholds, as AI and tier reasons do.
    const reason =
      '300 of 300 added lines were written by something Countersign did not observe (untracked): review.untracked ' +
      'in .countersign.json holds a commit with at least 20 untracked added line(s) making up at least 50% of its ' +
      'added lines';

    const prePush = pushMain(ada);
    assert.notStrictEqual(prePush.status, 0);
    assert.match(prePush.stderr, /countersign \(pre-push\): BLOCKED/);
    assert.ok(prePush.stderr.includes(reason), prePush.stderr);

    const verify = ada.cli(['verify', '--format', 'json']);
    assert.strictEqual(verify.status, 1, verify.stderr);
    const json = JSON.parse(verify.stdout) as {
      commits: Array<{ sha: string; needsReview: boolean; reasons: string[] }>;
    };
    assert.strictEqual(json.commits[0].sha, big);
    assert.ok(json.commits[0].needsReview);
    assert.ok(json.commits[0].reasons.includes(reason), json.commits[0].reasons.join('\n'));

    const server1 = pushMain(ada, '--no-verify');
    assert.notStrictEqual(server1.status, 0);
    assert.match(server1.stderr, /countersign \(pre-receive\): BLOCKED/);
    assert.ok(server1.stderr.includes(reason), server1.stderr);
    assert.strictEqual(server.git('rev-parse', 'main'), base);

    // A small fix typed in another editor: 5 untracked lines are 100% of the commit but under 20 lines.
    ada.git('reset', '-q', '--hard', base);
    ada.write('README.md', `hello\n${lines(5, 'fixed in vim')}`);
    ada.git('add', '.');
    const small = ada.commit('Fix README');
    assert.ok(
      ada.trailers(small).includes('AI-Provenance: v1 ai=0 human=0 untracked=5'),
      ada.trailers(small).join('\n'),
    );
    const ok = ada.cli(['verify', '--format', 'json']);
    assert.strictEqual(ok.status, 0, ok.stdout + ok.stderr);
    const pushed = pushMain(ada);
    assert.strictEqual(pushed.status, 0, pushed.stderr);
    assert.strictEqual(server.git('rev-parse', 'main'), small);
  });
});
