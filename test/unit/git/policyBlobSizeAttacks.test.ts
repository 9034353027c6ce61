import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { MAX_POLICY_BYTES } from '../../../src/core/policy';
import { setup } from '../helpers/gateServer';
import { NodeMemoryLog } from '../helpers/nodeMemoryLog';
import type { TempRepo } from '../helpers/tempRepo';

/**
 * attack21 01: a keyless pusher put on main a commit whose `.countersign.json` is valid JSON behind a mountain of
 * spaces — 2 GB that compress to 2 MB on the wire. The server's pre-receive read the pushed policy blob whole
 * (`git cat-file blob` buffered in full, then a string) before parsePolicy's MAX_POLICY_BYTES check: 4 GB of RSS,
 * then ERR_STRING_TOO_LONG. Every read of a policy blob now asks its size first and reads at most the bound, so
 * the push is refused with the size message and the hook's memory does not follow the blob. A hostile clone's
 * default branch carrying such a policy is read the same way by verify and report. The blob here is 64 MiB:
 * reading it whole took the hook past 200 MB; the bound keeps it near its usual ~65 MB.
 */
describe('attack21 01: an oversized policy blob is refused from its size, never read (real server)', function () {
  this.timeout(240_000);
  const HUGE = 64 * 1024 * 1024;
  /** Far below the blob: what a hook that read it whole (buffer, join, string) could not stay under. */
  const BOUND_KB = 140 * 1024;
  const memory = new NodeMemoryLog();
  after(() => memory.dispose());

  /** A commit on top of `repo`'s HEAD whose policy is HUGE spaces and then the policy it had. */
  function hugePolicyCommit(repo: TempRepo): string {
    const file = path.join(repo.dir, '.git', 'huge-policy');
    const policy = fs.readFileSync(path.join(repo.dir, '.countersign.json'));
    fs.writeFileSync(file, Buffer.concat([Buffer.alloc(HUGE, ' '), policy]));
    const blob = execFileSync('git', ['hash-object', '-w', file], { cwd: repo.dir, env: repo.env }).toString().trim();
    fs.rmSync(file);
    const entries = repo
      .git('ls-tree', 'HEAD')
      .split('\n')
      .filter((l) => !l.endsWith('\t.countersign.json'));
    const made = repo.gitResult(['mktree'], [...entries, `100644 blob ${blob}\t.countersign.json`].join('\n') + '\n');
    assert.strictEqual(made.status, 0, made.stderr);
    return repo.git(
      'commit-tree',
      made.stdout.trim(),
      '-p',
      'HEAD',
      '-m',
      'reformat policy',
      '-m',
      'AI-Provenance: v1 ai=0 human=1 untracked=0',
    );
  }

  const sizeMessage = new RegExp(`more than the ${MAX_POLICY_BYTES} a policy may have`);

  it('the push to the policy branch is refused with the size, and the hook stays small', () => {
    const { ada } = setup();
    const evil = hugePolicyCommit(ada);
    memory.reset();
    const pushed = pushWith(ada, memory.env, ['push', 'origin', `${evil}:refs/heads/main`]);
    assert.notStrictEqual(pushed.status, 0, 'the oversized policy landed');
    assert.match(pushed.stderr, sizeMessage);
    assert.doesNotMatch(pushed.stderr, /ERR_STRING_TOO_LONG|heap|Invalid string length/);
    const peak = memory.peakKb();
    assert.ok(peak > 0, 'no Node process recorded its memory');
    assert.ok(peak < BOUND_KB, `the hook peaked at ${peak} KiB for a ${HUGE}-byte policy blob`);
  });

  it('a clone whose default branch carries it: verify and report refuse the policy and stay small', () => {
    const { ada } = setup();
    const evil = hugePolicyCommit(ada);
    ada.git('update-ref', 'refs/remotes/origin/main', evil);
    const saids: Record<string, string> = {};
    for (const args of [
      ['verify', '--base', 'HEAD', '--head', 'HEAD', '--branch', 'main'],
      ['report', '--format', 'json'],
    ]) {
      memory.reset();
      const r = ada.cli(args, { env: memory.env });
      saids[args[0]] = `${args.join(' ')}: ${r.stdout}${r.stderr}`;
      assert.ok(r.status !== null && r.status <= 2, saids[args[0]]);
      assert.doesNotMatch(r.stderr, /ERR_STRING_TOO_LONG|heap|Invalid string length/, saids[args[0]]);
      const peak = memory.peakKb();
      assert.ok(peak > 0 && peak < BOUND_KB, `${args[0]} peaked at ${peak} KiB`);
    }
    assert.match(saids.verify, sizeMessage);
  });
});

/** git ARGS in `repo` with `env` added (the hooks git runs inherit it). */
function pushWith(repo: TempRepo, env: NodeJS.ProcessEnv, args: string[]) {
  const r = spawnSync('git', args, { cwd: repo.dir, env: { ...repo.env, ...env }, encoding: 'utf8' });
  return { status: r.status ?? -1, stderr: r.stderr };
}
