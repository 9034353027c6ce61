import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { TempRepo } from './tempRepo';

/**
 * `verify` in CI and the server's pre-receive must give the same verdict for the same push (docs/design.md,
 * "Policy"). `verifyThenPush` asks verify first (as a push of HEAD to `branch`), then pushes, and checks the
 * two agree: pass and pass, or blocked (exit 1 or 2) and refused. Verify judges a push (and so a rewind) only
 * when `branch` is the one HEAD tracks; from another branch it judges what merging HEAD would bring (docs/design.md,
 * "The gate"), so a force-push of HEAD onto another branch is a server-only test.
 */
export function verifyThenPush(
  repo: TempRepo,
  branch: string,
  pushArgs: string[],
): { status: number; stderr: string; verify: { status: number; stdout: string; stderr: string } } {
  const verify = repo.cli(['verify', '--branch', branch, '--format', 'json']);
  const push = repo.gitResult(['push', '--no-verify', ...pushArgs]);
  const verifyPasses = verify.status === 0;
  const pushPasses = push.status === 0;
  assert.strictEqual(
    verifyPasses,
    pushPasses,
    `verify (exit ${verify.status}) and pre-receive (exit ${push.status}) disagree:\nverify: ${verify.stdout}${verify.stderr}\npush: ${push.stderr}`,
  );
  return { status: push.status, stderr: push.stderr, verify };
}

/** Runs `fn` with the server's pre-receive switched off: an administrator planting a state the gate would refuse. */
export function withoutGate<T>(server: TempRepo, fn: () => T): T {
  const hook = path.join(server.dir, 'hooks', 'pre-receive');
  fs.renameSync(hook, hook + '.off');
  try {
    return fn();
  } finally {
    fs.renameSync(hook + '.off', hook);
  }
}
