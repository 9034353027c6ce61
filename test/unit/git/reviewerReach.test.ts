import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { cloneAs } from '../helpers/approvals';
import { commitFile, setup, type Setup } from '../helpers/gateServer';
import { prePushHook } from '../helpers/refVerdicts';

/**
 * newuser12 P7: the pre-push block message told the reviewer to run `countersign approve <sha>` for Ana's local
 * merge commit, which exists nowhere the reviewer can fetch; and for a new protected branch (release/1.0) it said
 * "push your branch somewhere the reviewer can fetch it" without saying that this name itself cannot be pushed.
 * Real server, Ada's real pre-push (the ref lines git gives it), Carol's own `countersign approve`.
 */
describe('the block message names where the reviewer can fetch the commits (newuser12 P7; real server)', function () {
  this.timeout(240_000);

  const ZERO = '0'.repeat(40);
  const AI = 'AI-Provenance: v1 ai=3 human=0 untracked=0';
  let s: Setup;
  before(() => {
    s = setup();
  });
  after(() => fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true }));

  function prePush(localRef: string, remoteRef: string): { status: number; stderr: string } {
    const { ada } = s;
    const local = ada.git('rev-parse', localRef);
    const remote = ada.git('ls-remote', 'origin', remoteRef).split('\t')[0] || ZERO;
    return prePushHook(ada, `${localRef} ${local} ${remoteRef} ${remote}\n`, s.server.dir);
  }

  it('a local merge of a pushed feature branch: approve the branch by name, which then lets the push through', () => {
    const { ada } = s;
    ada.git('checkout', '-q', '-B', 'feat-m', 'origin/main');
    commitFile(ada, 'm.ts', 'a\nb\nc\n', `Add m\n\n${AI}`);
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'feat-m']).status, 0);
    ada.git('checkout', '-q', '-B', 'main', 'origin/main');
    ada.git('merge', '-q', '--no-ff', 'feat-m', '-m', 'Merge feat-m\n\nAI-Provenance: v1 ai=0 human=0 untracked=0');

    const blocked = prePush('refs/heads/main', 'refs/heads/main');
    assert.notStrictEqual(blocked.status, 0, blocked.stderr);
    assert.match(blocked.stderr, /1\. These commits are on origin\/feat-m already: ask .* to review it\./);
    assert.match(blocked.stderr, /The reviewer runs: {2}countersign approve origin\/feat-m\n/);
    const merge = ada.git('rev-parse', 'HEAD');
    assert.ok(!blocked.stderr.includes(`countersign approve ${merge}`), 'no approve of the local-only merge');

    const carols = cloneAs(s.server.dir, 'Carol Ops', 'carol@example.com', s.carol.privateKeyFile);
    const approve = carols.cli(['approve', 'origin/feat-m', '-q']);
    assert.strictEqual(approve.status, 0, approve.stderr);
    const passes = prePush('refs/heads/main', 'refs/heads/main');
    assert.strictEqual(passes.status, 0, passes.stderr);
  });

  it('a new protected branch: push it under review/NAME; an unprotected local branch: under its own name', () => {
    const { ada } = s;
    ada.git('checkout', '-q', '-B', 'release/1.0', 'origin/main');
    commitFile(ada, 'r.ts', 'r\ns\nt\n', `Release fix\n\n${AI}`);
    const release = prePush('refs/heads/release/1.0', 'refs/heads/release/1.0');
    assert.notStrictEqual(release.status, 0, release.stderr);
    const first = ada.git('rev-parse', 'HEAD').slice(0, 8);
    assert.match(
      release.stderr,
      new RegExp(
        `1\\. Push your branch where the reviewer can fetch it: \`git push origin release/1\\.0:review/release/1\\.0-${first}\` \\(release/1\\.0 itself is protected, so it cannot be pushed before the review\\)`,
      ),
    );
    // The name is the change's own (newuser16 F8): a fixed review/release/1.0 refused the next change's push as
    // non-fast-forward, and git's hint said to pull.
    const push = (stderr: string) => /`(git push [^`]+)`/.exec(stderr)?.[1].split(' ').slice(1) ?? [];
    ada.git(...push(release.stderr), '--no-verify', '-q');
    ada.git('reset', '-q', '--hard', 'origin/main');
    commitFile(ada, 'r.ts', 'r\ns\nu\n', `Release fix, again\n\n${AI}`);
    const next = prePush('refs/heads/release/1.0', 'refs/heads/release/1.0');
    assert.notStrictEqual(next.status, 0, next.stderr);
    assert.ok(ada.gitResult([...push(next.stderr), '--no-verify']).status === 0, next.stderr);

    ada.git('checkout', '-q', '-B', 'feat-z', 'origin/main');
    commitFile(ada, 'z.ts', 'z\ny\nx\n', `Add z\n\n${AI}`);
    const toMain = prePush('refs/heads/feat-z', 'refs/heads/main');
    assert.notStrictEqual(toMain.status, 0, toMain.stderr);
    assert.match(
      toMain.stderr,
      /1\. Push your branch where the reviewer can fetch it: `git push origin feat-z`, and ask/,
    );
  });
  // newuser15 #9: verify on a feature branch already pushed as origin/feat-v said "Push your branch somewhere the
  // reviewer can fetch it"; it says where it is. Unpushed, it names the push, as the pre-push does.
  it('verify says the branch is on the remote already, or names the push that puts it there', () => {
    const { ada } = s;
    ada.git('checkout', '-q', '-B', 'feat-v', 'origin/main');
    commitFile(ada, 'v.ts', 'v\nw\nx\n', `Add v\n\n${AI}`);
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'feat-v']).status, 0);
    const pushed = ada.cli(['verify', '--branch', 'main']);
    assert.strictEqual(pushed.status, 1, pushed.stdout + pushed.stderr);
    assert.match(pushed.stdout, /1\. These commits are on origin\/feat-v already: ask .* to review it\./);
    assert.doesNotMatch(pushed.stdout, /Push your branch/);

    commitFile(ada, 'w.ts', 'w\nx\ny\n', `Add w\n\n${AI}`);
    const ahead = ada.cli(['verify', '--branch', 'main']);
    assert.strictEqual(ahead.status, 1, ahead.stdout + ahead.stderr);
    assert.match(
      ahead.stdout,
      /1\. Push your branch where the reviewer can fetch it: `git push origin feat-v`, and ask/,
    );
  });
});
