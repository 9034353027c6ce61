import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { withoutGate } from '../helpers/gateAgreement';
import { commitFile, setup } from '../helpers/gateServer';
import { NodeMemoryLog } from '../helpers/nodeMemoryLog';
import type { TempRepo } from '../helpers/tempRepo';

/**
 * attack21 02: a keyless pusher lands one-line human commits on main whose messages are hundreds of MB of `a` (a
 * few hundred KB on the wire each). The gate read each commit object whole (`git cat-file --batch` with no bound,
 * the message held as a string): 1.28 GB for a 300 MB message. A commit object over the bound (1 MiB: no commit
 * Countersign's hooks write comes near it) is now streamed past, never held, and refused on a protected ref with
 * one sentence naming it, its size and the bound — by pre-receive, verify and pre-push alike. Once such a commit
 * is on main, later pushes read none of its message in Node (git's own walks still parse commits near the old
 * tip: docs/threat-model.md says what bounds that). The message here is 48 MiB.
 */
describe('attack21 02: a commit object over the bound is refused and never held (real server)', function () {
  this.timeout(240_000);
  const HUGE = 48 * 1024 * 1024;
  /** The bound (core/commitBound.ts MAX_COMMIT_BYTES), written out: the sentence names it. */
  const MAX_COMMIT_BYTES = 1048576;
  /** Far below the message: what a reader that held it (buffer, join, string) could not stay under. */
  const BOUND_KB = 120 * 1024;
  const memory = new NodeMemoryLog();
  after(() => memory.dispose());

  /** A one-line human commit on HEAD whose message body is HUGE bytes of `a`, checked out; its sha. */
  function hugeMessageCommit(repo: TempRepo, file: string): string {
    repo.write(file, 'hi\n');
    repo.git('add', file);
    const tree = repo.git('write-tree');
    const message = `add ${file}\n\n${'a'.repeat(HUGE)}\n\nAI-Provenance: v1 ai=0 human=1 untracked=0\n`;
    const made = spawnSync('git', ['commit-tree', tree, '-p', 'HEAD'], {
      cwd: repo.dir,
      env: repo.env,
      input: message,
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    assert.strictEqual(made.status, 0, made.stderr);
    const sha = made.stdout.trim();
    repo.git('reset', '-q', '--hard', sha);
    return sha;
  }

  function run(repo: TempRepo, args: string[], env: NodeJS.ProcessEnv = {}) {
    const r = spawnSync('git', args, { cwd: repo.dir, env: { ...repo.env, ...env }, encoding: 'utf8' });
    return { status: r.status ?? -1, stderr: r.stderr };
  }

  it('pre-receive, verify and pre-push refuse it with one sentence; the hook stays small', () => {
    const { ada } = setup();
    const evil = hugeMessageCommit(ada, 'x1.txt');
    const size = Number(ada.git('cat-file', '-s', evil));
    const sentence = new RegExp(`commit ${evil.slice(0, 7)}\\w* is ${size} bytes[^\\n]*${MAX_COMMIT_BYTES}`);

    memory.reset();
    const pushed = run(ada, ['push', '--no-verify', 'origin', 'main'], memory.env);
    assert.notStrictEqual(pushed.status, 0, 'the oversized commit landed on main');
    assert.match(pushed.stderr, sentence);
    const peak = memory.peakKb();
    assert.ok(peak > 0, 'no Node process recorded its memory');
    assert.ok(peak < BOUND_KB, `the hook peaked at ${peak} KiB for a ${size}-byte commit`);

    const verified = ada.cli(['verify', '--branch', 'main']);
    assert.strictEqual(verified.status, 1, `${verified.stdout}${verified.stderr}`);
    assert.match(`${verified.stdout}${verified.stderr}`, sentence);

    assert.strictEqual(ada.cli(['install']).status, 0);
    const prePush = run(ada, ['push', 'origin', 'main']);
    assert.notStrictEqual(prePush.status, 0);
    assert.match(prePush.stderr, sentence);
  });

  it('one that landed before the bound: later honest pushes read none of it in Node', () => {
    const { ada, server } = setup();
    hugeMessageCommit(ada, 'x1.txt');
    withoutGate(server, () => assert.strictEqual(run(ada, ['push', '-q', 'origin', 'main']).status, 0));
    commitFile(ada, 'README.md', 'hello again\n', 'readme\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    memory.reset();
    const later = run(ada, ['push', 'origin', 'main'], memory.env);
    assert.strictEqual(later.status, 0, later.stderr);
    const peak = memory.peakKb();
    assert.ok(peak > 0 && peak < BOUND_KB, `a later push's hook peaked at ${peak} KiB`);
  });
});
