import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { recordDecision } from '../helpers/approvals';
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
    commitAs(clone, 'Bo Liskov', 'bo@example.com', [
      'Add Bo as reviewer',
      'AI-Provenance: v1 ai=0 human=1 untracked=0',
    ]);
    const theirs = clone.cli(['verify', '--remote', 'origin', '--branch', 'main']);
    assert.strictEqual(theirs.status, 1, theirs.stdout + theirs.stderr);
    assert.match(theirs.stdout, /may approve: Ada Author/);
    assert.doesNotMatch(theirs.stdout, /nobody may approve/);
  });
  // newuser8 F9: Bob's own infrastructure commit needs 2 approvals and only Carol may give one. The server said
  // "ask Carol to review it" first, and "nobody else may" only after Carol approved; now both times it says the
  // commit can never pass as the policy stands, and drops the "ask a reviewer / the reviewer runs" steps.
  it("a reviewer's own commit in a tier needing more reviewers than remain: said up front, no 'ask a reviewer'", () => {
    const s = setup();
    try {
      const { ada, carol } = s;
      const base = ada.git('rev-parse', 'HEAD');
      ada.write('infra/main.tf', 'resource "x" "y" {}\n');
      ada.git('add', 'infra/main.tf');
      commitAs(ada, 'Bob Reviewer', 'bob@example.com', ['infra', 'AI-Provenance: v1 ai=1 human=0 untracked=0']);
      const tip = ada.git('rev-parse', 'HEAD');
      const never =
        /can never pass as the policy stands: it needs 2 approvals and the policy lists 1 eligible reviewer\(s\) \(Carol Ops <carol@example\.com> \(sre\); nobody approves their own change\)/;
      for (const round of ['before Carol approves', 'after Carol approves']) {
        if (round === 'after Carol approves') {
          recordDecision(ada, carol, { email: 'carol@example.com', tip, base });
          assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
        }
        const pushed = ada.gitResult(['push', 'origin', 'main']);
        assert.notStrictEqual(pushed.status, 0, round);
        assert.match(pushed.stderr, never, round);
        assert.match(pushed.stderr, /No reviewer can make this commit pass as the policy stands/, round);
        assert.doesNotMatch(pushed.stderr, /The reviewer runs|to review it|may approve:/, round);
      }
    } finally {
      fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true });
    }
  });
});

/** Commits what is staged in `clone` as `name <email>` (author and committer), one -m per paragraph. */
function commitAs(
  clone: { dir: string; env: NodeJS.ProcessEnv },
  name: string,
  email: string,
  paragraphs: string[],
): void {
  const env = {
    ...clone.env,
    GIT_AUTHOR_NAME: name,
    GIT_AUTHOR_EMAIL: email,
    GIT_COMMITTER_NAME: name,
    GIT_COMMITTER_EMAIL: email,
  };
  const r = spawnSync('git', ['commit', '-q', ...paragraphs.flatMap((p) => ['-m', p])], {
    cwd: clone.dir,
    env,
    encoding: 'utf8',
  });
  assert.strictEqual(r.status, 0, r.stderr);
}
