import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { cloneAs } from '../helpers/approvals';
import { policyJson, setup } from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';
import type { TempRepo } from '../helpers/tempRepo';

const AI = 'Assisted-by: Claude:claude-sonnet-4-5 claude-code\nAI-Provenance: v1 ai=1 human=0 untracked=0';

/** A commit of `file` authored and committed by `who` ("Name <email>") in `repo`. */
function commitAs(repo: TempRepo, who: [string, string], file: string): string {
  repo.write(file, `${file}\n`);
  repo.git('add', '--', file);
  const [name, email] = who;
  const env = { ...repo.env, GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email };
  execFileSync('git', ['commit', '-q', '-m', `${file}\n\n${AI}`], {
    cwd: repo.dir,
    env: { ...env, GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email },
  });
  return repo.git('rev-parse', 'HEAD').trim();
}

/**
 * approve's "Ask …" hint, when the reviewer's own commit is among those the decision covers, names only reviewers
 * whose approval would count for every covered commit (src/core/approvalRules.ts eligibleReviewers, the same-person
 * rule): it used to filter by the reviewer's own commits alone, and named Carol for a change Carol wrote part of.
 */
describe("approve's Ask hint never names an author of the change", function () {
  this.timeout(240_000);

  it("Bob's and Carol's commits on one branch: Bob is told to ask Dan, not Carol", () => {
    const bob = makeKey('bob');
    const carol = makeKey('carol');
    const dan = makeKey('dan');
    const policy = policyJson(bob, carol, {
      reviewers: [
        { name: 'Bob Reviewer', email: 'bob@example.com', key: bob.publicKey },
        { name: 'Carol Ops', email: 'carol@example.com', key: carol.publicKey, role: 'sre' },
        { name: 'Dan Third', email: 'dan@example.com', key: dan.publicKey },
      ],
    });
    const { server, ada } = setup(policy);
    ada.git('checkout', '-q', '-b', 'feature');
    commitAs(ada, ['Bob Reviewer', 'bob@example.com'], 'b.txt');
    commitAs(ada, ['Carol Ops', 'Carol@Example.com'], 'c.txt'); // the same person as carol@example.com
    assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'feature']).status, 0);

    const bobs = cloneAs(server.dir, 'Bob Reviewer', 'bob@example.com', bob.privateKeyFile);
    const r = bobs.cli(['approve', 'origin/feature', '--no-push']);
    assert.strictEqual(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /You authored [0-9a-f]{12}/);
    assert.match(r.stderr, /Ask Dan Third <dan@example\.com>\./);
    assert.doesNotMatch(r.stderr, /Ask [^.]*Carol/, 'Carol wrote part of this change: her approval does not count');

    // --force records it, and the headline names the same reviewer.
    const forced = bobs.cli(['approve', 'origin/feature', '--no-push', '--force']);
    assert.strictEqual(forced.status, 0, forced.stderr);
    assert.match(forced.stdout, /ask Dan Third <dan@example\.com> to approve it/);
  });
});
