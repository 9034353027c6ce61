import * as assert from 'assert';
import { cloneAs } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, policyJson, setup, type Setup } from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';
import type { TempRepo } from '../helpers/tempRepo';
import { MAX_JUDGED_PATHS } from '../../../src/core/changedPaths';

/**
 * attack26 04: a "tree bomb" — one blob, a tree of W entries naming it, a tree of W entries naming that tree, and
 * so on (W^D paths from D small tree objects) — under `bomb/` in a commit on main's tip. The gate's `git log --raw
 * --numstat` listed every path (1,000,000 for W=100, D=3), and the push was refused only when the hook's 120 s
 * timeout fired, so the verdict depended on the machine; on an unprotected branch it landed, and every reviewer's
 * `countersign review` (the panel's code) then ran without a bound. The gate now counts a commit's changed paths
 * (files and folders, as git's tree comparison meets them) before listing any, and refuses past MAX_JUDGED_PATHS
 * with one sentence naming the commit and the bound; verify, the server and the panel say the same.
 * W=41, D=3 is 68,921 files: just past the bound, a few KB on the wire.
 */
const AI = 'AI-Provenance: v1 ai=1 human=0 untracked=0';

function treeBomb(repo: TempRepo, width: number, depth: number, message: string): string {
  const blob = repo.gitResult(['hash-object', '-w', '--stdin'], 'ai line\n').stdout.trim();
  const mktree = (lines: string[]) => repo.gitResult(['mktree'], lines.join('\n') + '\n').stdout.trim();
  const names = (prefix: string) => Array.from({ length: width }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);
  let tree = mktree(names('f').map((n) => `100644 blob ${blob}\t${n}.txt`));
  for (let d = 2; d <= depth; d++) tree = mktree(names('d').map((n) => `040000 tree ${tree}\t${n}`));
  const root = mktree([...repo.git('ls-tree', 'HEAD').trim().split('\n'), `040000 tree ${tree}\tbomb`]);
  const commit = repo.git('commit-tree', root, '-p', 'HEAD', '-m', message).trim();
  // HEAD only: checking out 68,921 files is no part of the attack (and the pusher needs none).
  repo.git('reset', '-q', '--soft', commit);
  return commit;
}

describe('server gate: a tree bomb is refused by its size, not by a timeout (attack26 04, real server)', function () {
  this.timeout(240_000);
  let s: Setup;
  beforeEach(() => {
    s = setup(policyJson(makeKey('bob'), makeKey('carol')));
  });

  it(`a commit changing more than ${MAX_JUDGED_PATHS} paths is refused on main, naming the commit and the bound`, () => {
    const { ada } = s;
    const bomb = treeBomb(ada, 41, 3, `bomb\n\n${AI}`);
    const started = Date.now();
    const r = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0);
    const said = new RegExp(`commit ${bomb.slice(0, 8)}\\w* changes more than ${MAX_JUDGED_PATHS} paths`);
    assert.match(r.stderr.replace(/remote: /g, '').replace(/\s+/g, ' '), said);
    assert.match(r.verify.stdout.replace(/\s+/g, ' '), said);
    // Both answers well inside the hook's 120 s: numstat over 68,921 files alone costs git ~30 s.
    assert.ok(Date.now() - started < 60_000, `took ${Date.now() - started} ms`);
  });

  it('on an unprotected branch, a reviewer’s review --json answers at once and shows the branch blocked with the reason', () => {
    const { ada, server } = s;
    const bomb = treeBomb(ada, 41, 3, `bomb\n\n${AI}`);
    const push = ada.gitResult(['push', '-q', 'origin', 'HEAD:refs/heads/feature/bomb']);
    assert.strictEqual(push.status, 0, push.stderr);
    const bob = cloneAs(server.dir, 'Bob Reviewer', 'bob@example.com');
    const started = Date.now();
    const review = bob.cli(['review', '--json', '--all']);
    assert.ok(Date.now() - started < 60_000, `took ${Date.now() - started} ms`);
    assert.strictEqual(review.status, 0, review.stderr);
    const flat = review.stdout.replace(/\s+/g, ' ');
    assert.match(flat, new RegExp(`commit ${bomb.slice(0, 8)}\\w* changes more than ${MAX_JUDGED_PATHS} paths`));
  });

  it('an honest large commit under the bound is judged as usual (its files and lines counted)', () => {
    const { ada } = s;
    const blob = ada.gitResult(['hash-object', '-w', '--stdin'], 'one line\n').stdout.trim();
    const files = Array.from({ length: 2000 }, (_, i) => `100644 blob ${blob}\tf${String(i).padStart(4, '0')}.txt`);
    const sub = ada.gitResult(['mktree'], files.join('\n') + '\n').stdout.trim();
    const root = ada
      .gitResult(['mktree'], ada.git('ls-tree', 'HEAD') + `040000 tree ${sub}\tgenerated\n`)
      .stdout.trim();
    const big = ada.git(
      'commit-tree',
      root,
      '-p',
      'HEAD',
      '-m',
      `generated\n\nAI-Provenance: v1 ai=0 human=2000 untracked=0`,
    );
    ada.git('reset', '-q', '--hard', big.trim());
    const r = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.strictEqual(r.status, 0, r.stderr + r.verify.stdout);
    // And then an AI commit of the same size: judged (needs review), not refused by the bound.
    commitFile(ada, 'generated/f0000.txt', 'one line\nai line\n', `ai edit\n\n${AI}`);
    const ai = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(ai.status, 0);
    assert.doesNotMatch(ai.stderr, /changes more than/);
  });
});

/** A commit on HEAD adding after.txt to HEAD's tree (the index, which treeBomb left without bomb/, is not used). */
function commitOnBomb(repo: TempRepo): string {
  const blob = repo.gitResult(['hash-object', '-w', '--stdin'], 'three\n').stdout.trim();
  const entries = repo.git('ls-tree', 'HEAD').trim().split('\n');
  const root = repo
    .gitResult(['mktree'], [...entries, `100644 blob ${blob}\tafter.txt`].join('\n') + '\n')
    .stdout.trim();
  const message = 'after\n\nAI-Provenance: v1 ai=0 human=1 untracked=0';
  const commit = repo.git('commit-tree', root, '-p', 'HEAD', '-m', message).trim();
  repo.git('reset', '-q', '--soft', commit);
  return commit;
}

describe('report and explain: a tree bomb is counted, not read (bounds22, real repository)', function () {
  this.timeout(240_000);

  it('report names the commit as not read, and counts the others’ lines as before', () => {
    const { ada } = setup(policyJson(makeKey('bob'), makeKey('carol')));
    commitFile(ada, 'before.txt', 'one\ntwo\n', `before\n\nAI-Provenance: v1 ai=0 human=2 untracked=0`);
    const bomb = treeBomb(ada, 41, 3, `bomb\n\n${AI}`);
    commitOnBomb(ada);
    const r = ada.cli(['report', '--json']);
    assert.strictEqual(r.status, 0, r.stderr);
    const said = new RegExp(
      `commit ${bomb.slice(0, 8)}\\w* changes more than ${MAX_JUDGED_PATHS} paths .*so its files were not read`,
    );
    assert.match(r.stderr.replace(/\s+/g, ' '), said);
    const report = JSON.parse(r.stdout) as { commits: number; addedLines: number };
    // Every commit counted (the policy's, before, the bomb, after); the lines are the policy commit's and the others'.
    assert.strictEqual(report.commits, 4);
    assert.ok(report.addedLines >= 3 && report.addedLines < 100, `${report.addedLines} added lines`);
  });

  it('explain of the bomb says why its files are not read; of its child, nothing', () => {
    const { ada } = setup(policyJson(makeKey('bob'), makeKey('carol')));
    const bomb = treeBomb(ada, 41, 3, `bomb\n\n${AI}`);
    const child = commitOnBomb(ada);
    const said = new RegExp(`commit ${bomb.slice(0, 8)}\\w* changes more than ${MAX_JUDGED_PATHS} paths`);
    const e = ada.cli(['explain', bomb]);
    assert.strictEqual(e.status, 0, e.stderr);
    assert.match(e.stderr.replace(/\s+/g, ' '), said);
    const c = ada.cli(['explain', child]);
    assert.strictEqual(c.status, 0, c.stderr);
    assert.doesNotMatch(c.stderr, /changes more than/);
  });
});
