import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { setup } from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';

/**
 * Issue 17, "rollout in order deadlocks": after `init` with yourself as the only reviewer, a commit *you*
 * write to add a teammate changes the policy, which needs a review by a listed reviewer other than its author
 * — there is none. Against a real server: the push is refused with the way out named (the teammate authors
 * the change, or every reviewer goes into the first policy), and that way out is one a reviewer can approve.
 */
describe('a sole reviewer adding a teammate', function () {
  this.timeout(60_000);

  it('is refused with the order that works, and the teammate-authored change is approvable', () => {
    const ada = makeKey('ada');
    const bo = makeKey('bo');
    const policy = (reviewers: object[]) => JSON.stringify({ protectedBranches: ['main'], reviewers }, null, 2) + '\n';
    const adaReviewer = { name: 'Ada Author', email: 'ada@example.com', key: ada.publicKey };
    const { ada: clone } = setup(policy([adaReviewer]));
    const withBo = policy([adaReviewer, { name: 'Bo Liskov', email: 'bo@example.com', key: bo.publicKey }]);

    clone.write('.countersign.json', withBo);
    clone.git('add', '.countersign.json');
    clone.commit('Add Bo as reviewer', '-m', 'AI-Provenance: v1 ai=0 human=1 untracked=0');
    const own = clone.gitResult(['push', 'origin', 'main']);
    assert.notStrictEqual(own.status, 0, "nobody may approve the sole reviewer's own policy change");
    assert.match(
      own.stderr,
      /nobody may approve: the policy lists no reviewer other than this commit's author\/committer/,
    );
    assert.match(
      own.stderr,
      /have the reviewer being added author the \.countersign\.json change that lists them \(you then approve it\), or list every reviewer in the first policy/,
    );

    // The order that works: Bo authors (and commits) the change listing Bo; Ada may approve it.
    clone.git('reset', '-q', '--hard', 'origin/main');
    clone.write('.countersign.json', withBo);
    clone.git('add', '.countersign.json');
    const asBo = {
      ...clone.env,
      GIT_AUTHOR_NAME: 'Bo Liskov',
      GIT_AUTHOR_EMAIL: 'bo@example.com',
      GIT_COMMITTER_NAME: 'Bo Liskov',
      GIT_COMMITTER_EMAIL: 'bo@example.com',
    };
    const commit = spawnSync(
      'git',
      ['commit', '-q', '-m', 'Add Bo as reviewer', '-m', 'AI-Provenance: v1 ai=0 human=1 untracked=0'],
      { cwd: clone.dir, env: asBo, encoding: 'utf8' },
    );
    assert.strictEqual(commit.status, 0, commit.stderr);
    const theirs = clone.cli(['verify', '--remote', 'origin', '--branch', 'main']);
    assert.strictEqual(theirs.status, 1, theirs.stdout + theirs.stderr);
    assert.match(theirs.stdout, /may approve: Ada Author/);
    assert.doesNotMatch(theirs.stdout, /nobody may approve/);
  });
});
