import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { cloneAs, recordDecision } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, setup, type Setup } from '../helpers/gateServer';
import type { TempRepo } from '../helpers/tempRepo';

/**
 * The client reads the remote's approvals from its remote-tracking copy as well as from the merged local ref
 * (issue 10). `gatherApprovals` listed refs/countersign/remotes/<remote>/countersign with `git notes list`, which
 * git resolves under refs/notes/ — so it read nothing, and only the merged local ref counted. When the notes merge
 * failed (here: a stale lock on the local ref), `verify` judged without the remote's later rejection and passed a
 * push the server refused. Real bare server, real pre-receive, real ssh-keygen keys.
 */
describe("verify reads the remote's approvals even when merging them fails (real server)", function () {
  this.timeout(120_000);
  let s: Setup;
  let reviewer: TempRepo;
  after(() => {
    for (const dir of [reviewer.dir, path.dirname(s.server.dir)]) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a rejection on the server blocks verify as it blocks the push, and verify names the ref and the fix', () => {
    s = setup();
    const { ada, bob } = s;
    const base = ada.git('rev-parse', 'origin/main');
    const tip = commitFile(
      ada,
      'agent.ts',
      'export const a = 1;\n',
      'agent\n\nAI-Provenance: v1 ai=1 human=0 untracked=0',
    );
    assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'HEAD:refs/heads/feature']).status, 0);

    // Bob approves in his own clone; Ada's verify fetches and merges it: the approval counts.
    reviewer = cloneAs(s.server.dir, 'Bob Reviewer', 'bob@example.com');
    reviewer.git('fetch', '-q', 'origin', 'feature');
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    recordDecision(reviewer, bob, { email: 'bob@example.com', tip, base, time: hourAgo });
    assert.strictEqual(reviewer.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    const approved = ada.cli(['verify', '--branch', 'main', '--format', 'json']);
    assert.strictEqual(approved.status, 0, approved.stdout + approved.stderr);

    // Bob then requests changes; Ada's local notes ref cannot take the merge (a crashed git left its lock).
    recordDecision(reviewer, bob, { email: 'bob@example.com', tip, base, decision: 'reject', comment: 'no' });
    assert.strictEqual(reviewer.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    const lock = path.join(ada.dir, '.git', 'refs', 'notes', 'countersign.lock');
    fs.writeFileSync(lock, '');

    const r = verifyThenPush(ada, 'main', ['origin', 'HEAD:main']);
    assert.notStrictEqual(r.status, 0, 'the rejected commit landed');
    assert.match(r.stderr, /requested changes/);
    assert.match(r.verify.stdout, /requested changes/);
    assert.match(r.verify.stderr, /refs\/countersign\/remotes\/origin\/countersign/);
    assert.match(r.verify.stderr, /could not merge them into refs\/notes\/countersign/);
    assert.match(r.verify.stderr, /countersign\.lock/);

    // Repaired as the message says, the merged local ref holds the rejection too.
    fs.rmSync(lock);
    const again = ada.cli(['verify', '--branch', 'main', '--format', 'json']);
    assert.strictEqual(again.status, 1, again.stdout + again.stderr);
    assert.match(ada.git('notes', '--ref=refs/notes/countersign', 'show', tip), /"reject"/);
  });
});
