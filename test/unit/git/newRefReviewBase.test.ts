import * as assert from 'assert';
import { cloneAs } from '../helpers/approvals';
import { commitFile, setup } from '../helpers/gateServer';

/** The command the server's refusal tells the reviewer to run (step 2 of "What to do"). */
function reviewerCommand(message: string): string[] {
  const m = /The reviewer runs: {2}countersign (approve [0-9a-f]{40} --base [0-9a-f]{40})/.exec(message);
  assert.ok(m, message);
  return m[1].split(' ');
}

describe('newuser16 F18: the approve --base the server suggests for a new protected ref', function () {
  this.timeout(240_000);

  it('release/x built on release/1 (behind main): the base is release/1’s tip, and the suggested command lands it', () => {
    const { server, ada, carol } = setup();
    // release/1 carries a commit Carol wrote; main then moves on.
    ada.git('checkout', '-q', '-b', 'release/1');
    commitFile(ada, 'hotfix.md', 'hotfix\n', 'hotfix\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    ada.git('commit', '-q', '--amend', '--no-edit', '--author', 'Carol Ops <carol@example.com>');
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'release/1']).status, 0);
    const release1 = ada.git('rev-parse', 'HEAD');
    ada.git('checkout', '-q', 'main');
    commitFile(ada, 'news.md', 'news\n', 'news\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0);
    // Ada's new protected branch: one AI commit on release/1.
    ada.git('checkout', '-q', '-b', 'release/x', 'release/1');
    const fix = commitFile(ada, 'fix.ts', 'fix\n', 'fix\n\nAI-Provenance: v1 ai=1 human=0 untracked=0');

    const refused = ada.gitResult(['push', 'origin', 'release/x']);
    assert.notStrictEqual(refused.status, 0);
    assert.match(refused.stderr, /1 of 1 commit\(s\) need review/);
    assert.match(
      refused.stderr,
      /may approve: Bob Reviewer <bob@example\.com>, Carol Ops <carol@example\.com> \(sre\)/,
    );
    const command = reviewerCommand(refused.stderr);
    // From where release/x meets protected history: base..head is the one commit judged, nothing Carol wrote.
    assert.deepStrictEqual(command, ['approve', fix, '--base', release1]);

    ada.git('push', '-q', 'origin', 'release/x:refs/heads/review/release-x');
    const carols = cloneAs(server.dir, 'Carol Ops', 'carol@example.com', carol.privateKeyFile);
    const approved = carols.cli(command);
    assert.strictEqual(approved.status, 0, approved.stderr);
    assert.match(approved.stdout, /covers 1 commit:/);
    const landed = ada.gitResult(['push', 'origin', 'release/x']);
    assert.strictEqual(landed.status, 0, landed.stderr);
    // The client's verify agrees with the server about the same base.
    assert.strictEqual(ada.cli(['verify', '--branch', 'release/x', '--base', release1, '--head', fix]).status, 0);
  });
});
