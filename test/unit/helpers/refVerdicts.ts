import * as assert from 'assert';
import type { Setup } from './gateServer';
import type { TempRepo } from './tempRepo';

/** Verdicts on one ref update from `verify`, the pre-push hook and a real server, which must agree. */
const ZERO = '0'.repeat(40);

/**
 * The pre-push hook's verdict on `lines` (what git writes to its stdin), run as the installed shim runs it: Node with
 * COUNTERSIGN_IN_SHIM=1. Without it, `countersign hook pre-push` is the hook-manager entry (hookManagerEntry.ts),
 * which loads the second bundle to run the whole shim script, which starts a second Node for the same verdict (an
 * extra Node start, `sh` and `timeout` per call; that path's own tests: hookByHand, hookManagers, prePushGate).
 */
export function prePushHook(repo: TempRepo, lines: string, url = 'unused'): ReturnType<TempRepo['cli']> {
  return repo.cli(['hook', 'pre-push', 'origin', url], { input: lines, env: { COUNTERSIGN_IN_SHIM: '1' } });
}

/**
 * The three verdicts on pushing `sha` to `ref` (a branch or a tag) — `verify` as CI asks it, the pre-push hook
 * with the ref line git gives it, the server's pre-receive — which must agree. True = passes.
 */
export function verdicts(s: Setup, sha: string, ref: string): { verdict: boolean; said: string } {
  const { ada } = s;
  ada.git('fetch', '-q', 'origin');
  const remote = ada.git('ls-remote', 'origin', ref).split('\t')[0] || ZERO;
  const tag = ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined;
  if (tag) ada.git('tag', '-f', tag, sha);
  // As CI asks: the ref's current value as base (none for a new ref), the pushed commit as head.
  const verify = tag
    ? ada.cli(['verify', '--remote', 'origin', '--tag', tag])
    : ada.cli([
        'verify',
        '--remote',
        'origin',
        '--branch',
        ref.slice('refs/heads/'.length),
        ...(remote === ZERO ? [] : ['--base', remote]),
        '--head',
        sha,
      ]);
  assert.ok(verify.status === 0 || verify.status === 1, `verify exits 0 or 1: ${verify.stdout}${verify.stderr}`);
  const prePush = prePushHook(ada, `${ref} ${sha} ${ref} ${remote}\n`);
  const server = ada.gitResult(['push', '--no-verify', 'origin', `${sha}:${ref}`]);
  const said = `verify: ${verify.stdout}${verify.stderr}\npre-push: ${prePush.stderr}\nserver: ${server.stderr}`;
  assert.deepStrictEqual(
    { verify: verify.status === 0, prePush: prePush.status === 0, server: server.status === 0 },
    { verify: server.status === 0, prePush: server.status === 0, server: server.status === 0 },
    `verify, pre-push and the server disagree:\n${said}`,
  );
  if (tag) ada.git('tag', '-d', tag);
  return { verdict: server.status === 0, said };
}

export function refused(s: Setup, sha: string, ref: string, why: RegExp): void {
  const before = s.server.gitResult(['rev-parse', '-q', '--verify', ref]).stdout.trim();
  const v = verdicts(s, sha, ref);
  assert.strictEqual(v.verdict, false, `${ref} := ${sha.slice(0, 7)} must be refused:\n${v.said}`);
  assert.match(v.said, why);
  assert.strictEqual(s.server.gitResult(['rev-parse', '-q', '--verify', ref]).stdout.trim(), before);
}

export function passes(s: Setup, sha: string, ref: string): void {
  const v = verdicts(s, sha, ref);
  assert.strictEqual(v.verdict, true, `${ref} := ${sha.slice(0, 7)} must pass:\n${v.said}`);
  assert.strictEqual(s.server.git('rev-parse', ref), sha);
}
